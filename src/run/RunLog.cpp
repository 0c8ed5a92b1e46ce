#include "run/RunLog.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/BlasCore.hpp"
#include "core/Text.hpp"
#include "settings/SettingsTable.hpp"

namespace pk {

namespace {

std::string formatDuration(double seconds) {
  const auto total = static_cast<long>(std::llround(seconds));
  std::ostringstream os;
  os << std::setfill('0') << std::setw(2) << total / 3600 << ":" << std::setw(2) << (total / 60) % 60 << ":"
     << std::setw(2) << total % 60;
  return os.str();
}

std::string optimizerText(const TrainOptions& t) {
  const OptimizerSettings& o = t.optimizer;
  std::ostringstream os;
  os << "optimizer " << toString(o.kind);
  if (o.kind == OptimizerKind::Momentum) os << " (mu " << o.momentum << (o.nesterov ? ", nesterov)" : ")");
  if (o.kind == OptimizerKind::Adam || o.kind == OptimizerKind::AdamW)
    os << " (beta1 " << o.beta1 << ", beta2 " << o.beta2 << ", eps " << o.adamEps << ")";
  return os.str();
}

}  // namespace

void printSettings(std::ostream& log, const RunPlan& plan, const MemoryEstimate& memory, double available, int ranks,
                   const std::string& command) {
  const TrainSettings& s = plan.settings;
  const TrainOptions& t = s.training;
  const Dataset& data = plan.data;
  const Network& model = plan.model;
  log << "pathkernel " << command << ": " << data.origin << "  N = " << data.train.globalRows
      << ", M = " << data.test.globalRows << ", D = " << data.inputs << ", C = " << model.outputs() << ", " << ranks
      << (ranks == 1 ? " rank\n" : " ranks\n");
  const auto hidden = hiddenWidths(s.layers);
  log << "  model   " << (hidden ? "hidden " + hiddenText(*hidden) : "layers " + layersText(s.layers)) << ", "
      << toString(s.activation) << ", " << toString(s.parameterization) << ", " << model.parameterCount()
      << " parameters\n";
  log << "  train   loss " << toString(*s.loss) << ", " << optimizerText(t) << ", lr " << t.lr;
  if (t.schedule.name() != "constant") log << " " << t.schedule.name();
  if (t.warmup > 0) log << " after " << t.warmup << " warm-up steps";
  log << ", steps " << t.steps << ", batch " << (t.batchSize == 0 ? std::string("full") : std::to_string(t.batchSize))
      << ", weight decay " << t.weightDecay << ", seed " << t.seed << "\n";
  log << "  kernel  path rule " << s.pathRule.name() << (s.tangentKernels ? ", tangent kernels" : "")
      << (s.skipTrainKernels ? ", no train x train blocks" : "") << "\n";
  log << "  output  " << s.out << "\n";
  // Every setting that differs from its default, from the settings table: a new setting shows here too.
  const std::string changed = changedSettingsText(s);
  if (!changed.empty()) log << "  options" << changed << "\n";
  // The BLAS runs nearly all of a step's flops: a slow one is the first thing to know (docs/BUILDING.md).
  log << "  blas    " << blas::summary(blas::measureDgemmGflops(256, 2)) << " on rank 0\n";
  // The training side is every rank's copy of all N examples' (kernel/TrainingSide.hpp): it does not shrink with ranks.
  log << "  memory  about " << formatBytes(memory.perRank()) << " per rank (kernel rows "
      << formatBytes(memory.kernelBytes) << ", training side " << formatBytes(memory.trainingSideBytes) << " ("
      << memory.trainingSideValues << " values per example), activations " << formatBytes(memory.activationBytes);
  if (memory.directionBytes > 0) log << ", per-example directions " << formatBytes(memory.directionBytes);
  log << ", copies while writing " << formatBytes(memory.writeBytes) << ")";
  if (std::isfinite(available)) log << " of " << formatBytes(available) << " available";
  log << "\n  files   checkpoint about " << formatBytes(memory.checkpointBytes) << ", "
      << (command == "train" ? "run file about " : "output at most ") << formatBytes(memory.runFileBytes) << "\n";
  if (s.kernelCoef && model.outputs() > 1)
    log << "  note    --kernel-coef applies to one output only (C = 1): no /kernel/coef is written\n";
  const OptimizerKind kind = t.optimizer.kind;
  if (s.superposition && model.layer(0).parameters().empty())
    log << "  note    --superposition needs a first layer with parameters: no /superposition is written\n";
  else if (s.superposition && (kind == OptimizerKind::Adam || kind == OptimizerKind::AdamW))
    log << "  note    --superposition: no Gamma under adam and adamw (the elementwise preconditioner breaks the "
           "form); /superposition holds span_residual only\n";
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

void LossGrowthWarning::check(const std::vector<double>& lossHistory) {
  if (!log_ || warned_ || lossHistory.size() < 2) return;
  const double initial = lossHistory.front(), current = lossHistory.back();
  if (!(initial > 0.0 && current > kFactor * initial)) return;
  warned_ = true;
  *log_ << "  warning: the training loss grew from " << formatNumber("%.4g", initial) << " at w_0 to "
        << formatNumber("%.4g", current) << " at w_" << lossHistory.size() - 1 << ", more than "
        << formatNumber("%g", kFactor) << " times: the run may be diverging (--lr " << formatNumber("%g", lr_)
        << "; try a smaller one)" << std::endl;
}

}  // namespace pk
