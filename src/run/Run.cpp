#include "run/Run.hpp"

#include <chrono>
#include <cmath>
#include <csignal>
#include <iomanip>
#include <sstream>

#include "core/Error.hpp"
#include "core/StopRequest.hpp"
#include "core/Text.hpp"
#include "data/Builtin.hpp"
#include "data/Validate.hpp"
#include "run/Checkpoint.hpp"
#include "io/DataFile.hpp"
#include "run/RunFile.hpp"
#include "kernel/Features.hpp"
#include "train/Trainer.hpp"

namespace pk {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string formatDuration(double seconds) {
  const auto total = static_cast<long>(std::llround(seconds));
  std::ostringstream os;
  os << std::setfill('0') << std::setw(2) << total / 3600 << ":" << std::setw(2) << (total / 60) % 60 << ":"
     << std::setw(2) << total % 60;
  return os.str();
}

std::string formatBytes(double bytes) {
  return bytes >= 1e9 ? formatNumber("%.3g", bytes / 1e9) + " GB" : formatNumber("%.3g", bytes / 1e6) + " MB";
}

void printSettings(std::ostream& log, const TrainSettings& s, const Dataset& data, const Mlp& model, int ranks) {
  log << "pathkernel train: " << data.origin << "  N = " << data.train.globalRows << ", M = " << data.test.globalRows
      << ", D = " << data.inputs << ", C = " << model.outputs() << ", " << ranks
      << (ranks == 1 ? " rank\n" : " ranks\n");
  log << "  model   hidden " << s.hidden << ", " << s.activation << ", " << s.param << ", " << model.parameterCount()
      << " parameters\n";
  log << "  train   loss " << s.loss << ", lr " << s.lr << ", steps " << s.steps << ", batch "
      << (s.batchSize == 0 ? std::string("full") : std::to_string(s.batchSize)) << ", weight decay " << s.weightDecay
      << ", seed " << s.seed << "\n";
  log << "  kernel  path rule " << s.pathRule << (s.tangentKernels ? ", tangent kernels" : "")
      << (s.skipTrainKernels ? ", no train x train blocks" : "") << "\n";
  log << "  output  " << s.out << "\n";
  // What each rank will hold: its kernel rows, and the gathered training-side features.
  const std::int64_t featureWidth = GatheredFeatures::valuesPerExample(model);
  const double n = static_cast<double>(data.train.globalRows);
  const double matrices = 1.0 + static_cast<double>(model.outputs()) + (s.tangentKernels ? 2.0 : 0.0);
  const double keptRows = (s.skipTrainKernels ? 0.0 : n) + static_cast<double>(data.test.globalRows);
  const double kernelBytes = 8.0 * std::ceil(keptRows / ranks) * n * matrices;
  const double featureBytes = 8.0 * n * static_cast<double>(featureWidth);
  log << "  memory  about " << formatBytes(kernelBytes + featureBytes) << " per rank (kernel rows "
      << formatBytes(kernelBytes) << ", gathered features " << formatBytes(featureBytes) << ")\n";
  if (s.kernelCoef && model.outputs() > 1)
    log << "  note    --kernel-coef applies to one output only (C = 1): no /kernel/coef is written\n";
  log << std::flush;
}

}  // namespace

Dataset loadData(const TrainSettings& s, MPI_Comm comm) {
  if (isBuiltin(s.data)) {
    BuiltinSpec spec;
    spec.name = s.data.substr(std::string(kBuiltinPrefix).size());
    spec.nTrain = s.nTrain;
    spec.nTest = s.nTest;
    spec.inputs = s.inputs;
    spec.seed = static_cast<std::uint64_t>(s.dataSeed);
    return makeBuiltin(spec, comm);
  }
  return readDataFile(s.data, comm);
}

RunReport runTraining(const TrainSettings& given, MPI_Comm comm, std::ostream* log) {
  const auto start = Clock::now();
  installStopHandlers();
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  requireWritableOutput(given.out, comm);

  const Dataset data = loadData(given, comm);
  // From here on the settings are the resolved ones: they are what the files record.
  TrainSettings s = given;
  if (s.loss == "auto") s.loss = data.suggestedLoss.empty() ? "mse" : data.suggestedLoss;
  const Loss loss = parseLoss(s.loss);
  Architecture arch;
  arch.inputs = data.inputs;
  arch.hidden = parseHidden(s.hidden);
  arch.outputs = checkDataAndCountOutputs(data, loss, s.classes, comm);
  arch.activation = parseActivation(s.activation);
  arch.parameterization = parseParameterization(s.param);
  const Mlp model(arch);
  const std::string sha = isBuiltin(data.origin) ? "" : hashDataFile(s.data, comm);
  if (log) printSettings(*log, s, data, model, ranks);

  TrainOptions options;
  options.lr = s.lr;
  options.steps = s.steps;
  options.batchSize = s.batchSize;
  options.weightDecay = s.weightDecay;
  options.seed = static_cast<std::uint64_t>(s.seed);
  Trainer trainer(model, loss, data, options, comm);
  EngineOptions engineOptions;
  engineOptions.trainKernels = !s.skipTrainKernels;
  engineOptions.tangentKernels = s.tangentKernels;
  engineOptions.gaussPoints = gaussPoints(s.pathRule);
  PathKernelEngine engine(model, data, engineOptions, comm);

  RunRecord record;
  record.settings = &s;
  record.data = &data;
  record.model = &model;
  record.trainer = &trainer;
  record.engine = &engine;
  record.dataSha256 = sha;
  if (!s.restart.empty()) {
    readCheckpoint(s.restart, record, trainer, engine, comm);
    if (log) *log << "  resuming from " << s.restart << " at step " << trainer.state().step << "\n";
  } else {
    engine.begin(trainer.state().w.data());
  }
  const std::string checkpoint = checkpointPath(s);
  const std::int64_t firstStep = trainer.state().step;
  RunReport report;
  const std::int64_t every = s.progressEvery > 0 ? s.progressEvery : std::max<std::int64_t>(1, s.steps / 20);
  const auto trainStart = Clock::now();
  while (trainer.state().step < s.steps) {
    trainer.step(&engine);
    const std::int64_t done = trainer.state().step;
    const int signal = agreedStopSignal(comm);
    if (signal != 0 || (s.checkpointEvery > 0 && done % s.checkpointEvery == 0 && done < s.steps)) {
      trainer.requireFiniteLoss();  // never replace a good checkpoint by a diverged state
      writeCheckpoint(checkpoint, record, comm);
    }
    if (signal != 0) {
      if (log)
        *log << "pathkernel: stopped by " << (signal == SIGTERM ? "SIGTERM" : "SIGUSR1") << " after step " << done
             << "; checkpoint written to " << checkpoint << "; continue with --restart " << checkpoint << std::endl;
      report.stopSignal = signal;
      report.steps = done;
      report.seconds = secondsSince(start);
      return report;
    }
    if (log && (done % every == 0 || done == s.steps)) {
      const double elapsed = secondsSince(trainStart);
      const double rate = (done - firstStep) / std::max(elapsed, 1e-9);
      *log << "  step " << std::setw(7) << done << "/" << s.steps << "  loss(w_" << done - 1 << ") " << std::scientific
           << std::setprecision(4) << trainer.state().lossHistory.back() << std::defaultfloat << "  "
           << std::setprecision(4) << rate << " steps/s  left " << formatDuration((s.steps - done) / rate) << std::endl;
    }
  }
  trainer.finish();
  engine.finish(trainer.state().w.data());

  report.train = engine.summarize(engine.train());
  report.hasTest = data.test.globalRows > 0;
  if (report.hasTest) report.test = engine.summarize(engine.test());
  report.steps = trainer.state().step;
  report.finalLoss = trainer.state().lossHistory.back();

  record.trainResidual = report.train;
  record.testResidual = report.test;
  record.wallSeconds = secondsSince(start);
  writeRunFile(s.out, record, comm);
  report.seconds = secondsSince(start);

  if (log) {
    *log << std::setprecision(3) << std::scientific;
    *log << "  final loss " << report.finalLoss << "\n";
    *log << "  kernel machine vs network: max |r| train " << report.train.maxAbsResidual << " (relative "
         << report.train.relative() << ")";
    if (report.hasTest)
      *log << ", test " << report.test.maxAbsResidual << " (relative " << report.test.relative() << ")";
    *log << "\n"
         << std::defaultfloat << std::setprecision(3) << "  wrote " << s.out << " in " << report.seconds << " s\n";
  }
  return report;
}

}  // namespace pk
