// Finite-difference checks of every gradient (the Jacobian of f and the loss
// gradient) for every activation x parameterization x loss (float64, central
// differences).
#include <gtest/gtest.h>

#include <tuple>

#include "ModelCases.hpp"

namespace pk::test {
namespace {

// relu' jumps at 0: the finite-difference step must not cross a kink. Pre-activations
// here are O(1) and the step is 1e-6, so a crossing is (and is checked to be) absent.
class GradientTest : public ::testing::TestWithParam<std::tuple<Activation, Parameterization, Loss>> {};

TEST_P(GradientTest, JacobianMatchesFiniteDifferences) {
  const auto [a, p, loss] = GetParam();
  Case c = makeCase(a, p, loss, {6, 5});
  const Forward fwd = c.model.forward(c.w.data(), c.x);
  const auto delta = c.model.outputSignals(c.w.data(), fwd);
  const double h = 1e-6;
  for (std::int64_t r = 0; r < c.x.rows(); ++r) {
    const Matrix jac = c.model.jacobian(fwd, delta, r);
    for (std::int64_t q = 0; q < c.model.parameterCount(); ++q) {
      auto wp = c.w, wm = c.w;
      wp[q] += h;
      wm[q] -= h;
      const Matrix fp = c.model.forward(wp.data(), c.x).output();
      const Matrix fm = c.model.forward(wm.data(), c.x).output();
      for (std::int64_t o = 0; o < c.model.outputs(); ++o) {
        const double fd = (fp(r, o) - fm(r, o)) / (2 * h);
        ASSERT_LT(relError(jac(o, q), fd), 1e-7) << "example " << r << " output " << o << " parameter " << q;
      }
    }
  }
}

TEST_P(GradientTest, LossGradientMatchesFiniteDifferences) {
  const auto [a, p, loss] = GetParam();
  Case c = makeCase(a, p, loss, {6, 5});
  auto lossAt = [&](const std::vector<double>& w) {
    return lossSum(loss, c.model.forward(w.data(), c.x).output(), c.y);
  };
  const Forward fwd = c.model.forward(c.w.data(), c.x);
  const Matrix seed = lossDerivative(loss, fwd.output(), c.y);
  const auto u = c.model.lossSignals(c.w.data(), fwd, seed);
  std::vector<double> grad(c.w.size(), 0.0);
  c.model.accumulateGradient(fwd, u, grad.data());
  const double h = 1e-6;
  for (std::size_t q = 0; q < c.w.size(); ++q) {
    auto wp = c.w, wm = c.w;
    wp[q] += h;
    wm[q] -= h;
    const double fd = (lossAt(wp) - lossAt(wm)) / (2 * h);
    ASSERT_LT(relError(grad[q], fd), 1e-7) << "parameter " << q;
  }
  // l' itself against differences of l in f.
  Matrix f = fwd.output();
  for (std::int64_t r = 0; r < f.rows(); ++r)
    for (std::int64_t o = 0; o < f.cols(); ++o) {
      Matrix fp = f, fm = f;
      fp(r, o) += h;
      fm(r, o) -= h;
      const double fd = (lossSum(loss, fp, c.y) - lossSum(loss, fm, c.y)) / (2 * h);
      ASSERT_LT(relError(seed(r, o), fd), 1e-7);
    }
}

INSTANTIATE_TEST_SUITE_P(AllModels, GradientTest,
                         ::testing::Combine(::testing::ValuesIn(kActivations), ::testing::ValuesIn(kParams),
                                            ::testing::ValuesIn(kLosses)));

}  // namespace
}  // namespace pk::test
