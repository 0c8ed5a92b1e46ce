#pragma once
// The hyperbolic tangent the networks use, in place of the C library's
// (docs/DECISIONS.md, "Our own tanh"). The library's tanh takes about 22 ns a
// value on the machines we measured and cannot be vectorised; a CNN's forward
// pass calls it for every pixel of every feature map, and it was a third of a
// training step. This one is written with the same operations on every machine
// (no fused multiply-add, no library call), vectorises, and its error is within
// 1.4 units in the last place (the library's: 2.2), checked by the TanhAccuracy
// tests against a long-double reference.
//
// Method (the classical one of the Cephes library): for |x| < 0.625 an odd
// rational function, x + x^3 P(x^2)/Q(x^2); above, 1 - 2/(e^{2|x|} + 1) with the
// sign of x, where e^y is reduced to 2^n e^r, |r| <= ln(2)/2, and e^r is a Pade
// form. |x| is capped at 22, where the result is already exactly 1.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace pk {

namespace tanh_detail {
// tanh(x) = x + x^3 P(x^2) / Q(x^2) on |x| < 0.625 (Q's leading coefficient is 1).
constexpr double kP0 = -9.64399179425052238628E-1, kP1 = -9.92877231001918586564E1, kP2 = -1.61468768441708447952E3;
constexpr double kQ0 = 1.12811678491632931402E2, kQ1 = 2.23548839060100448583E3, kQ2 = 4.84406305325125486048E3;
// e^r = 1 + 2 r P(r^2) / (Q(r^2) - r P(r^2)) on |r| <= ln(2)/2.
constexpr double kExpP0 = 1.26177193074810590878E-4, kExpP1 = 3.02994407707441961300E-2,
                 kExpP2 = 9.99999999999999999910E-1;
constexpr double kExpQ0 = 3.00198505138664455042E-6, kExpQ1 = 2.52448340349684104192E-3,
                 kExpQ2 = 2.27265548208155028766E-1, kExpQ3 = 2.00000000000000000009E0;
// ln 2 split so that n * kLn2High is exact for the n that occur.
constexpr double kLn2High = 6.93145751953125E-1, kLn2Low = 1.42860682030941723212E-6;
constexpr double kLog2e = 1.4426950408889634073599;
// Adding 1.5 * 2^52 rounds to an integer and leaves it in the low bits of the mantissa.
constexpr double kRoundToInteger = 6755399441055744.0;
constexpr double kSmall = 0.625, kSaturated = 22.0;

// e^y for y in [2 kSmall, 2 kSaturated], without a branch.
inline double expInRange(double y) {
  const double shifted = y * kLog2e + kRoundToInteger;
  const double n = shifted - kRoundToInteger;
  double r = y - n * kLn2High;
  r = r - n * kLn2Low;
  const double rr = r * r;
  const double p = r * ((kExpP0 * rr + kExpP1) * rr + kExpP2);
  const double q = ((kExpQ0 * rr + kExpQ1) * rr + kExpQ2) * rr + kExpQ3;
  const double mantissa = 1.0 + 2.0 * (p / (q - p));
  // 2^n: n (1 <= n <= 64 here) sits in the low bits of `shifted`; shifting by 52 keeps n + 1023.
  std::uint64_t bits = 0;
  std::memcpy(&bits, &shifted, sizeof bits);
  bits = (bits + 1023u) << 52;
  double scale = 0.0;
  std::memcpy(&scale, &bits, sizeof scale);
  return mantissa * scale;
}
}  // namespace tanh_detail

/// tanh(x), the same bits on every machine; NaN gives NaN, +-inf gives +-1.
inline double tanhOf(double x) {
  using namespace tanh_detail;
  const double a = std::fabs(x);
  const double s = x * x;
  // copysign keeps tanh(-0) = -0 (x + x^3 r would give +0 there) and changes nothing else.
  const double near = std::copysign(x + x * s * (((kP0 * s + kP1) * s + kP2) / (((s + kQ0) * s + kQ1) * s + kQ2)), x);
  // std::min keeps a NaN in its first argument, so NaN goes on to the `near` branch below.
  const double e = expInRange(2.0 * std::min(a, kSaturated));
  const double far = std::copysign(1.0 - 2.0 / (e + 1.0), x);
  return a >= kSmall ? far : near;
}

/// out[k] = tanhOf(z[k]) for k < n; vectorised (and with wider vectors where the CPU has them).
void tanhOfEach(const double* z, double* out, long n);

}  // namespace pk
