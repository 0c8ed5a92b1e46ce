#include "bench/Benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <iomanip>

#include "core/Blas.hpp"
#include "core/BlasCore.hpp"
#include "core/CommClock.hpp"
#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "data/Builtin.hpp"
#include "data/InputShape.hpp"
#include "kernel/ConvTerms.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "model/ConvLayer.hpp"
#include "run/TrainingRun.hpp"
#include "settings/Settings.hpp"
#include "train/Trainer.hpp"

namespace pk {

namespace {

using Clock = std::chrono::steady_clock;

// Slowest rank's time: what the user waits for.
double maxOverRanks(double value, MPI_Comm comm) {
  double worst = 0.0;
  PK_MPI(MPI_Allreduce(&value, &worst, 1, MPI_DOUBLE, MPI_MAX, comm));
  return worst;
}

template <typename F>
double timed(MPI_Comm comm, F&& work) {
  PK_MPI(MPI_Barrier(comm));
  const auto start = Clock::now();
  work();
  return maxOverRanks(std::chrono::duration<double>(Clock::now() - start).count(), comm);
}

// bench's collectives are preceded by a barrier timed apart (core/CommClock.hpp), for as long as it runs.
struct SeparatedWaits {
  SeparatedWaits() { comm::separateWaits(true); }
  ~SeparatedWaits() { comm::separateWaits(false); }
  SeparatedWaits(const SeparatedWaits&) = delete;
  SeparatedWaits& operator=(const SeparatedWaits&) = delete;
};

// A large DGEMM (1024 x 1024, k = 256) on all ranks at once: the machine's attainable rate.
double dgemmGflops(MPI_Comm comm) {
  const std::int64_t m = 1024, n = 1024, k = 256;
  std::vector<double> a(static_cast<std::size_t>(m * k), 0.5), b(static_cast<std::size_t>(n * k), 0.25),
      c(static_cast<std::size_t>(m * n), 0.0);
  const ConstView av = denseView(a.data(), m, k), bv = denseView(b.data(), n, k);
  const MutableView cv = denseView(c.data(), m, n);
  blas::gemmNT(1.0, av, bv, 0.0, cv);  // warm-up
  const int repeats = 20;
  const double seconds = timed(comm, [&] {
    for (int r = 0; r < repeats; ++r) blas::gemmNT(1.0, av, bv, 1.0, cv);
  });
  return 2.0 * m * n * k * repeats / seconds / 1e9;
}

std::string networkText(const BenchSettings& s) {
  return s.layersGiven ? (s.layers.empty() ? std::string("none") : layersText(s.layers)) : hiddenText(s.hidden);
}

void printAttributionBenchmark(std::ostream& out, const BenchSettings& s, const BenchResult& r, int ranks) {
  out << "|     N |    M | hidden    | rule    | optimizer | ranks | kernel ms/step | attribution ms/step |"
         " train ms/step | attribution GFLOP/s/rank | DGEMM GFLOP/s/rank | ratio |\n"
         "|---:|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  out << std::fixed << std::setprecision(1) << "| " << std::setw(5) << s.nTrain << " | " << std::setw(4) << s.nTest
      << " | " << std::left << std::setw(9) << networkText(s) << " | " << std::setw(7) << s.pathRule.name() << " | "
      << std::setw(9) << toString(s.optimizer) << std::right << " | " << std::setw(5) << ranks << " | " << std::setw(14)
      << 1e3 * r.accumulateSecondsPerStep << " | " << std::setw(19) << 1e3 * r.attributionSecondsPerStep << " | "
      << std::setw(13) << 1e3 * r.trainSecondsPerStep << " | " << std::setw(24) << r.attributionGflopsPerRank << " | "
      << std::setw(18) << r.dgemmGflopsPerRank << " | " << std::setprecision(2) << std::setw(5)
      << r.attributionGflopsPerRank / r.dgemmGflopsPerRank << " |\n";
}

// The bench's sizes as the settings of a run, so the trainer and the engine are
// configured exactly as `pathkernel train` configures them.
TrainSettings runSettings(const BenchSettings& s) {
  TrainSettings t;
  t.data = "builtin:regression";
  t.builtin.name = "regression";
  t.builtin.nTrain = s.nTrain;
  t.builtin.nTest = s.nTest;
  t.builtin.inputs = s.inputs;
  t.layers = s.layersGiven ? s.layers : denseLayers(s.hidden);
  t.inputShape = s.inputShape;
  t.pathRule = s.pathRule;
  t.training.lr = 1e-3;
  t.training.optimizer.kind = s.optimizer;
  return t;
}

// The conv layers' kernel work on this rank's training rows, as the engine does it:
// every example's gradient materialised (convGradients) and their Gram matrix against all
// N training rows' gradients by one GEMM, with the signals of a forward and backward pass at the initial
// parameters, timed per step (the slowest rank) with the gradients' part apart.
struct ConvWork {
  double seconds = 0.0, gradientSeconds = 0.0, flops = 0.0;
};

ConvWork convWork(const Network& model, const Dataset& data, std::int64_t steps, MPI_Comm comm) {
  Rng rng(7);
  const std::vector<double> w = model.initialParameters(rng);
  const Forward fwd = model.forward(w.data(), data.train.x);
  const std::vector<Matrix> delta = model.outputSignals(w.data(), fwd);
  const std::int64_t rows = data.train.x.rows(), outputs = model.outputs();
  ConvWork work;
  std::vector<int> conv;
  for (int k = 0; k < model.layers(); ++k) {
    const auto* layer = dynamic_cast<const ConvLayer*>(&model.layer(k));
    if (!layer) continue;
    conv.push_back(k);
    const ConvGeometry& g = layer->geometry();
    const double per = static_cast<double>(outputs * (g.filters * g.patchSize() + g.filters));
    // Per example and output: the [K, P'] x [P', C_in k^2] GEMM and the bias sums; then the Gram.
    work.flops += static_cast<double>(rows * outputs * g.filters * g.positions()) * (2.0 * g.patchSize() + 1.0);
    work.flops += 2.0 * static_cast<double>(rows) * static_cast<double>(data.train.globalRows) * per;
  }
  if (conv.empty()) return work;
  work.flops = maxOverRanks(work.flops, comm);
  // As in a run: each rank's own rows against all N rows' gradients (gathered once, untimed:
  // bench reports the exchange of a step apart).
  const Partition examples(comm, data.train.globalRows);
  const std::int64_t all = data.train.globalRows;
  Matrix gram(all, rows);
  std::vector<Matrix> gradients(conv.size());
  std::vector<std::vector<double>> gathered(conv.size());
  auto materialise = [&] {
    for (std::size_t c = 0; c < conv.size(); ++c) {
      const auto k = static_cast<std::size_t>(conv[c]);
      gradients[c] = convGradients(dynamic_cast<const ConvLayer&>(model.layer(conv[c])), fwd.h[k].view(),
                                   delta[k].view(), outputs);
    }
  };
  materialise();
  for (std::size_t c = 0; c < conv.size(); ++c)
    gathered[c] = allgatherRows(examples, gradients[c].data(), gradients[c].cols());
  auto contract = [&] {
    for (std::size_t c = 0; c < conv.size(); ++c) {
      const std::int64_t width = gradients[c].cols();
      blas::gemmNT(1.0, denseView(gathered[c].data(), all, width), gradients[c].view(), 0.0, gram.view());
    }
  };
  contract();  // warm-up
  for (std::int64_t r = 0; r < steps; ++r) {
    const double gradientSeconds = timed(comm, materialise);
    work.gradientSeconds += gradientSeconds;
    work.seconds += gradientSeconds + timed(comm, contract);
  }
  work.seconds /= static_cast<double>(steps);
  work.gradientSeconds /= static_cast<double>(steps);
  return work;
}

}  // namespace

BenchResult runBenchmark(const BenchSettings& s, MPI_Comm comm) {
  const TrainSettings settings = runSettings(s);
  Dataset data = makeBuiltin(settings.builtin, comm);
  applyInputShape(data, settings.inputShape);
  Architecture arch;
  arch.inputs = s.inputs;
  arch.inputShape = data.inputShape;
  arch.layers = settings.layers;
  const Network model(arch);
  const TrainOptions& options = settings.training;

  BenchResult result;
  result.dgemmGflopsPerRank = dgemmGflops(comm);
  result.blas = blas::summary(result.dgemmGflopsPerRank);
  Trainer plain(model, Loss::Mse, data, options, comm);
  plain.step();  // warm-up
  const double trainSeconds = timed(comm, [&] {
    for (std::int64_t k = 0; k < s.steps; ++k) plain.step();
  });
  Trainer trainer(model, Loss::Mse, data, options, comm);
  PathKernelEngine engine(model, data, engineOptionsOf(settings, true), comm);
  trainer.subscribe(engine);
  trainer.step();  // warm-up (first touch of the kernel matrices)
  const double flopsBefore = engine.flops(), attributionFlopsBefore = engine.attributionFlops();
  const double attributionBefore = engine.attributionSeconds();
  const double exchangeBefore = comm::seconds(comm::Phase::Exchange);
  const double bytesBefore = comm::bytes(comm::Phase::Exchange);
  const double reduceBefore = comm::seconds(comm::Phase::Reduce);
  const double waitBefore = comm::seconds(comm::Phase::Wait);
  const SeparatedWaits separated;
  const double withEngine = timed(comm, [&] {
    for (std::int64_t k = 0; k < s.steps; ++k) trainer.step();
  });
  result.stepSecondsPerStep = withEngine / s.steps;
  result.waitSecondsPerStep = maxOverRanks(comm::seconds(comm::Phase::Wait) - waitBefore, comm) / s.steps;
  result.exchangeSecondsPerStep = maxOverRanks(comm::seconds(comm::Phase::Exchange) - exchangeBefore, comm) / s.steps;
  result.reduceSecondsPerStep = maxOverRanks(comm::seconds(comm::Phase::Reduce) - reduceBefore, comm) / s.steps;
  // Each rank's own rest, the busiest rank's counts: maxima of the parts would mix ranks.
  const double mine = comm::seconds(comm::Phase::Exchange) - exchangeBefore + comm::seconds(comm::Phase::Reduce) -
                      reduceBefore + comm::seconds(comm::Phase::Wait) - waitBefore;
  result.computeSecondsPerStep = maxOverRanks(std::max(withEngine - mine, 0.0), comm) / s.steps;
  result.parameters = model.parameterCount();
  result.exchangeBytesPerStep = maxOverRanks(comm::bytes(comm::Phase::Exchange) - bytesBefore, comm) / s.steps;
  const double attribution = maxOverRanks(engine.attributionSeconds() - attributionBefore, comm);
  result.trainSecondsPerStep = trainSeconds / s.steps;
  result.attributionSecondsPerStep = attribution / s.steps;
  result.accumulateSecondsPerStep = std::max(withEngine - trainSeconds - attribution, 1e-12) / s.steps;
  const double flops = maxOverRanks(engine.flops() - flopsBefore, comm);
  result.kernelGflopsPerRank = flops / s.steps / result.accumulateSecondsPerStep / 1e9;
  result.kernelFlopsPerStep = flops / s.steps;
  const double attributionFlops = maxOverRanks(engine.attributionFlops() - attributionFlopsBefore, comm);
  if (attribution > 0) result.attributionGflopsPerRank = attributionFlops / attribution / 1e9;
  const ConvWork conv = convWork(model, data, s.steps, comm);
  result.convSecondsPerStep = conv.seconds;
  result.convGradientSecondsPerStep = conv.gradientSeconds;
  if (conv.seconds > 0) result.convGflopsPerRank = conv.flops / conv.seconds / 1e9;
  return result;
}

namespace {

// The step with the engine split into compute, exchange and reduction, for the scaling model.
void printStepSplit(std::ostream& out, const BenchResult& r) {
  out << std::fixed << std::setprecision(2) << "step with the engine " << 1e3 * r.stepSecondsPerStep << " ms: compute "
      << 1e3 * r.computeSecondsPerStep << " ms, exchange (allgather) " << 1e3 * r.exchangeSecondsPerStep << " ms of "
      << r.exchangeBytesPerStep / 1e6 << " MB received, reduce (Allreduce of P = " << r.parameters << ") "
      << 1e3 * r.reduceSecondsPerStep << " ms, wait " << 1e3 * r.waitSecondsPerStep << " ms; kernel "
      << std::setprecision(4) << r.kernelFlopsPerStep / 1e9 << " GFLOP per step and rank\n";
}

}  // namespace

// Conv layers: their kernel work alone against the DGEMM of the same run.
void printConvWork(std::ostream& out, const BenchResult& r) {
  if (r.convSecondsPerStep <= 0) return;
  out << std::fixed << std::setprecision(2) << "conv layers' kernel work (per-example gradients and their Gram GEMM) "
      << 1e3 * r.convSecondsPerStep << " ms per step and rank (gradients " << 1e3 * r.convGradientSecondsPerStep
      << " ms, Gram " << 1e3 * (r.convSecondsPerStep - r.convGradientSecondsPerStep) << " ms), " << r.convGflopsPerRank
      << " GFLOP/s/rank = " << r.convGflopsPerRank / r.dgemmGflopsPerRank << " of the DGEMM rate\n";
}

void printBenchmark(std::ostream& out, const BenchSettings& s, const BenchResult& r, int ranks) {
  out << "BLAS " << r.blas << " per rank\n";
  printConvWork(out, r);
  if (s.optimizer != OptimizerKind::Sgd) {
    printAttributionBenchmark(out, s, r, ranks);
    return printStepSplit(out, r);
  }
  out << "|     N |    M |   D | hidden    | rule    | ranks | accumulate ms/step | train ms/step |"
         " kernel GFLOP/s/rank | DGEMM GFLOP/s/rank | ratio |\n"
         "|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|\n";
  out << std::fixed << std::setprecision(1) << "| " << std::setw(5) << s.nTrain << " | " << std::setw(4) << s.nTest
      << " | " << std::setw(3) << s.inputs << " | " << std::left << std::setw(9) << networkText(s) << " | "
      << std::setw(7) << s.pathRule.name() << std::right << " | " << std::setw(5) << ranks << " | " << std::setw(18)
      << 1e3 * r.accumulateSecondsPerStep << " | " << std::setw(13) << 1e3 * r.trainSecondsPerStep << " | "
      << std::setw(19) << r.kernelGflopsPerRank << " | " << std::setw(18) << r.dgemmGflopsPerRank << " | "
      << std::setprecision(2) << std::setw(5) << r.kernelGflopsPerRank / r.dgemmGflopsPerRank << " |\n";
  printStepSplit(out, r);
}

}  // namespace pk
