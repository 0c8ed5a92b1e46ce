#include "run/RunLog.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "kernel/Features.hpp"

namespace pk {

namespace {

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

int ranksOf(MPI_Comm comm) {
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  return ranks;
}

// What each rank will hold: its kernel rows, and the gathered training-side features.
void printMemory(std::ostream& log, const TrainingRun& run, int ranks) {
  const TrainSettings& s = run.settings();
  const Dataset& data = run.data();
  const std::int64_t featureWidth = GatheredFeatures::valuesPerExample(run.model());
  const double n = static_cast<double>(data.train.globalRows);
  const double matrices = 1.0 + static_cast<double>(run.model().outputs()) + (s.tangentKernels ? 2.0 : 0.0);
  const double keptRows = (s.skipTrainKernels ? 0.0 : n) + static_cast<double>(data.test.globalRows);
  const double kernelBytes = 8.0 * std::ceil(keptRows / ranks) * n * matrices;
  const double featureBytes = 8.0 * n * static_cast<double>(featureWidth);
  log << "  memory  about " << formatBytes(kernelBytes + featureBytes) << " per rank (kernel rows "
      << formatBytes(kernelBytes) << ", gathered features " << formatBytes(featureBytes) << ")\n";
}

}  // namespace

void printSettings(std::ostream& log, const TrainingRun& run) {
  const TrainSettings& s = run.settings();
  const TrainOptions& t = s.training;
  const Dataset& data = run.data();
  const Mlp& model = run.model();
  const int ranks = ranksOf(run.comm());
  log << "pathkernel train: " << data.origin << "  N = " << data.train.globalRows << ", M = " << data.test.globalRows
      << ", D = " << data.inputs << ", C = " << model.outputs() << ", " << ranks
      << (ranks == 1 ? " rank\n" : " ranks\n");
  log << "  model   hidden " << hiddenText(s.hidden) << ", " << toString(s.activation) << ", "
      << toString(s.parameterization) << ", " << model.parameterCount() << " parameters\n";
  log << "  train   loss " << toString(run.loss()) << ", lr " << t.lr << ", steps " << t.steps << ", batch "
      << (t.batchSize == 0 ? std::string("full") : std::to_string(t.batchSize)) << ", weight decay " << t.weightDecay
      << ", seed " << t.seed << "\n";
  log << "  kernel  path rule " << s.pathRule.name() << (s.tangentKernels ? ", tangent kernels" : "")
      << (s.skipTrainKernels ? ", no train x train blocks" : "") << "\n";
  log << "  output  " << s.out << "\n";
  printMemory(log, run, ranks);
  if (s.kernelCoef && model.outputs() > 1)
    log << "  note    --kernel-coef applies to one output only (C = 1): no /kernel/coef is written\n";
  log << std::flush;
}

ProgressLog::ProgressLog(std::ostream* log, const TrainSettings& settings, std::int64_t firstStep)
    : log_(log),
      steps_(settings.training.steps),
      every_(settings.progressEvery > 0 ? settings.progressEvery : std::max<std::int64_t>(1, steps_ / 20)),
      firstStep_(firstStep) {}

void ProgressLog::after(std::int64_t done, double lossBefore) {
  if (!log_ || (done % every_ != 0 && done != steps_)) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = (done - firstStep_) / std::max(elapsed, 1e-9);
  *log_ << "  step " << std::setw(7) << done << "/" << steps_ << "  loss(w_" << done - 1 << ") " << std::scientific
        << std::setprecision(4) << lossBefore << std::defaultfloat << "  " << std::setprecision(4) << rate
        << " steps/s  left " << formatDuration((steps_ - done) / rate) << std::endl;
}

}  // namespace pk
