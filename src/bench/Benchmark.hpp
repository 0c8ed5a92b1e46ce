#pragma once
// Speed of the kernel accumulation, reported as a ratio to a DGEMM timed in
// the same run on the same ranks (the machines are shared and noisy).
#include <mpi.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "model/LayerList.hpp"
#include "settings/PathRule.hpp"
#include "train/Optimizer.hpp"

namespace pk {

struct BenchSettings {
  std::int64_t nTrain = 1024;
  std::int64_t nTest = 0;
  std::int64_t inputs = 64;
  std::vector<std::int64_t> hidden = {64, 64};
  std::vector<LayerSpec> layers;  // --layers (conv and pooling need inputShape); used when layersGiven
  bool layersGiven = false;
  std::vector<std::int64_t> inputShape;  // [C, H, W]: the built-in rows read as images (D = C H W)
  PathRule pathRule;
  OptimizerKind optimizer = OptimizerKind::Sgd;
  std::int64_t steps = 5;
};

struct BenchResult {
  double accumulateSecondsPerStep = 0.0;  // kernel accumulation alone
  double trainSecondsPerStep = 0.0;       // training alone (no engine)
  double kernelGflopsPerRank = 0.0;       // structured-method flops / accumulation time
  double dgemmGflopsPerRank = 0.0;        // DGEMM on every rank at once
  // Optimizers with memory: the contraction with per-example directions, counted apart from the kernel.
  double attributionSecondsPerStep = 0.0;
  double attributionGflopsPerRank = 0.0;  // 2 x rows_owned x N_q x P (per Gauss node) / attribution time
  // One step with the engine, split (docs/SCALING.md): the slowest rank's time in the features'
  // allgather (exchange) and in the loss and gradient Allreduce (reduce), each after a barrier
  // (wait), and the rest (compute).
  double stepSecondsPerStep = 0.0;
  double exchangeSecondsPerStep = 0.0;
  double reduceSecondsPerStep = 0.0;
  double waitSecondsPerStep = 0.0;  // barriers before the collectives: load imbalance, descheduled ranks
  double computeSecondsPerStep = 0.0;
  double exchangeBytesPerStep = 0.0;  // received by the busiest rank in the allgather
  double kernelFlopsPerStep = 0.0;    // the busiest rank's structured-method flops
  std::int64_t parameters = 0;        // P, the size of the gradient reduced every step
  std::string blas;                   // the BLAS, its core and the DGEMM rate (core/BlasCore.hpp)
  // Conv layers: the kernel work of the method used, timed alone on the training rows of
  // each rank: every example's gradient materialised (im2col and a GEMM per block) and the
  // Gram GEMM over them (docs/PERFORMANCE.md, Convolutional networks).
  double convSecondsPerStep = 0.0;
  double convGradientSecondsPerStep = 0.0;  // of which materialising the gradients
  double convGflopsPerRank = 0.0;
};

/// Collective: times `steps` steps with and without the engine, and a DGEMM. For an
/// optimizer with memory the attribution's own time is measured inside the engine.
BenchResult runBenchmark(const BenchSettings& settings, MPI_Comm comm);

/// Prints the result as one table row (with a header) on `out`.
void printBenchmark(std::ostream& out, const BenchSettings& settings, const BenchResult& result, int ranks);

}  // namespace pk
