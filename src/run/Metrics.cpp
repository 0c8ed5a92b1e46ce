#include "run/Metrics.hpp"

#include <algorithm>

#include "core/Error.hpp"

namespace pk {

Metrics::Metrics(const Network& model, Loss loss, const Dataset& data, MPI_Comm comm)
    : model_(model), loss_(loss), data_(data), comm_(comm) {}

void Metrics::observe(const StepRecord& step) {
  record(step.trainForward.output(), step.w.data());
}

void Metrics::finish(const double* w) {
  record(model_.forward(w, data_.train.x).output(), w);
}

double Metrics::correct(const Matrix& output, const DataBlock& block) const {
  double count = 0.0;
  for (std::int64_t r = 0; r < output.rows(); ++r)
    if (predictedClass(loss_, output.row(r), output.cols()) == static_cast<std::int64_t>(block.y(r, 0))) ++count;
  return count;
}

void Metrics::record(const Matrix& trainOutput, const double* w) {
  // Sums over this rank's rows, then one reduction: test loss, train and test correct.
  double sums[3] = {0.0, 0.0, 0.0};
  if (hasTest()) {
    const Matrix testOutput = model_.forward(w, data_.test.x).output();
    sums[0] = lossSum(loss_, testOutput, data_.test.y);
    if (hasAccuracy()) sums[2] = correct(testOutput, data_.test);
  }
  if (hasAccuracy()) sums[1] = correct(trainOutput, data_.train);
  PK_MPI(MPI_Allreduce(MPI_IN_PLACE, sums, 3, MPI_DOUBLE, MPI_SUM, comm_));
  const auto n = static_cast<double>(data_.train.globalRows), m = static_cast<double>(data_.test.globalRows);
  if (hasTest()) testLoss_.push_back(sums[0] / m);
  if (hasAccuracy()) trainAccuracy_.push_back(sums[1] / n);
  if (hasAccuracy() && hasTest()) testAccuracy_.push_back(sums[2] / m);
}

void Metrics::save(StateWriter& out) const {
  out.replicated("/metrics/test_loss", testLoss_);
  out.replicated("/metrics/train_accuracy", trainAccuracy_);
  out.replicated("/metrics/test_accuracy", testAccuracy_);
}

void Metrics::restore(StateReader& in, std::int64_t steps) {
  PK_REQUIRE(in.has("/metrics/test_loss"),
             "the checkpoint was written by an earlier pathkernel, without the test-loss and accuracy histories "
             "(/metrics): start the run again without --restart");
  auto read = [&](const char* name, bool applies) {
    auto values = in.replicatedDoubles(name);
    PK_REQUIRE(static_cast<std::int64_t>(values.size()) == (applies ? steps : 0),
               std::string("the checkpoint's ") + name + " does not agree with its step " + std::to_string(steps));
    return values;
  };
  testLoss_ = read("/metrics/test_loss", hasTest());
  trainAccuracy_ = read("/metrics/train_accuracy", hasAccuracy());
  testAccuracy_ = read("/metrics/test_accuracy", hasAccuracy() && hasTest());
}

}  // namespace pk
