#include "model/Tanh.hpp"

namespace pk {

// The AVX2 copy computes the same operations as the baseline one, two values to four at a
// time (AVX2 brings no fused multiply-add), so every machine gets the same bits.
#if defined(__GNUC__) && defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
__attribute__((target_clones("avx2", "default")))
#endif
#endif
void tanhOfEach(const double* z, double* out, long n) {
  for (long k = 0; k < n; ++k) out[k] = tanhOf(z[k]);
}

}  // namespace pk
