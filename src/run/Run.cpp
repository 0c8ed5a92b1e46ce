#include "run/Run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iomanip>

#include "core/Error.hpp"
#include "core/StopRequest.hpp"
#include "core/Text.hpp"
#include "io/OutputFile.hpp"
#include "run/Checkpoint.hpp"
#include "run/MemoryEstimate.hpp"
#include "run/PidFile.hpp"
#include "run/RunFile.hpp"
#include "run/RunLog.hpp"
#include "run/TrainingRun.hpp"

namespace pk {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int ranksOf(MPI_Comm comm) {
  int ranks = 1;
  PK_MPI(MPI_Comm_size(comm, &ranks));
  return ranks;
}

// Trains to the last step, writing checkpoints when due. Returns the signal that
// stopped the run early (after its checkpoint is written), or 0.
int trainSteps(TrainingRun& run, std::ostream* log) {
  const TrainSettings& s = run.settings();
  Trainer& trainer = run.trainer();
  ProgressLog progress(log, s, trainer.state().step);
  LossGrowthWarning growth(log, s.training.lr);
  while (trainer.state().step < s.training.steps) {
    trainer.step();
    const std::int64_t done = trainer.state().step;
    const int signal = agreedStopSignal(run.comm());
    if (signal != 0 || (s.checkpointEvery > 0 && done % s.checkpointEvery == 0 && done < s.training.steps)) {
      trainer.requireFiniteLoss();  // never replace a good checkpoint by a diverged state
      writeCheckpoint(s.checkpoint, run);
    }
    if (signal != 0) {
      if (log)
        *log << "pathkernel: stopped by " << signalName(signal) << " after step " << done << "; checkpoint written to "
             << s.checkpoint << "; continue with --restart " << s.checkpoint << std::endl;
      return signal;
    }
    growth.check(trainer.state().lossHistory);
    progress.after(done, trainer.state().lossHistory.back());
  }
  return 0;
}

// The left rule is first order in the step: when its residual is visible, the last lines say so
// with the remedy and its price (q evaluations of the query side per step instead of one).
void printRuleHint(std::ostream& log, const RunReport& report, const TrainSettings& s) {
  constexpr double kVisible = 1e-3;
  const double relative = std::max(report.train.relative(), report.hasTest ? report.test.relative() : 0.0);
  if (!(relative > kVisible)) return;
  const OptimizerKind kind = s.training.optimizer.kind;
  const bool adam = kind == OptimizerKind::Adam || kind == OptimizerKind::AdamW;
  const int current = s.pathRule.gaussPoints();
  const int suggested = std::min(PathRule::kMaxGaussPoints, std::max(current + 1, adam ? 4 : 3));
  log << "  note: the relative residual " << formatNumber("%.2g", relative) << " is above "
      << formatNumber("%.0e", kVisible) << ": the path rule " << s.pathRule.name()
      << (s.pathRule.isLeft() ? " (the default, the paper's rule) is first order in the step" : " is not enough here")
      << ";\n        --path-rule gauss:" << suggested << (adam ? " (Adam moves every weight by about lr a step)" : "")
      << " lowers it (its error falls like the step to the power " << 2 * suggested
      << " for a smooth network; the run reports what remains), at about " << suggested
      << " times the left rule's kernel work per step\n";
}

void printResult(std::ostream& log, const RunReport& report, const TrainSettings& s, double writeSeconds) {
  log << std::setprecision(3) << std::scientific;
  log << "  final loss " << report.finalLoss;
  if (report.hasTest) log << ", test loss " << report.testLoss;
  if (report.hasAccuracy)
    log << std::fixed << std::setprecision(4) << ", accuracy train " << report.trainAccuracy
        << (report.hasTest ? "/test " + formatNumber("%.4f", report.testAccuracy) : std::string()) << std::scientific
        << std::setprecision(3);
  log << "\n";
  log << "  kernel machine vs network: max |r| train " << report.train.maxAbsResidual << " (relative "
      << report.train.relative() << ")";
  if (report.hasTest) log << ", test " << report.test.maxAbsResidual << " (relative " << report.test.relative() << ")";
  log << "\n";
  printRuleHint(log, report, s);
  log << std::defaultfloat << std::setprecision(3) << "  wrote " << s.out << " in " << writeSeconds
      << " s; the whole run took " << report.seconds << " s\n";
}

}  // namespace

bool checkPlan(const RunPlan& plan, MPI_Comm comm, std::ostream* log, const std::string& command) {
  const int ranks = ranksOf(comm);
  const MemoryEstimate memory = estimateMemory(plan, ranks);
  const double available = availableBytesPerRank(comm);
  if (log) printSettings(*log, plan, memory, available, ranks, command);
  // A dry run of a run that would be refused fails the same way, so a job script stops on it.
  if (plan.settings.dryRun && memory.perRank() > available)
    throw InputError("--dry-run: this run would be refused: " + memoryRefusal(plan, ranks, memory, available));
  if (plan.settings.dryRun) return false;
  requireMemory(plan, ranks, memory, available);
  return true;
}

int runToEnd(TrainingRun& run, std::ostream* log) {
  const TrainSettings& settings = run.settings();
  if (settings.restart.empty())
    run.engine().begin(run.trainer().state().w.data());
  else
    restoreCheckpoint(settings.restart, run);
  if (log && !settings.restart.empty())
    *log << "  resuming from " << settings.restart << " at step " << run.trainer().state().step << "\n";
  const int signal = trainSteps(run, log);
  if (signal != 0) return signal;
  run.trainer().finish();
  run.metrics().finish(run.trainer().state().w.data());
  run.engine().finish(run.trainer().state().w.data(), run.trainer().state().step);
  return 0;
}

void removeCheckpoint(const TrainingRun& run, std::ostream* log) {
  const TrainSettings& s = run.settings();
  int rank = 0;
  PK_MPI(MPI_Comm_rank(run.comm(), &rank));
  if (s.keepCheckpoint || rank != 0) return;
  if (std::remove(s.checkpoint.c_str()) == 0 && log)
    *log << "  removed the checkpoint " << s.checkpoint << " (--keep-checkpoint keeps it)\n";
}

RunReport runTraining(const TrainSettings& settings, MPI_Comm comm, std::ostream* log) {
  const auto start = Clock::now();
  installStopHandlers();
  requireOutputPath(settings.out, settings.force || settings.dryRun, comm);
  // From here to the end of the run, however it ends, the ranks' process ids are in the --pid-file.
  const PidFile pids(settings.dryRun ? "" : settings.pidFile, comm);
  RunPlan plan = planRun(settings, comm);
  RunReport report;
  if (!checkPlan(plan, comm, log)) return report;

  TrainingRun run(std::move(plan), comm);
  report.stopSignal = runToEnd(run, log);
  report.steps = run.trainer().state().step;
  report.seconds = secondsSince(start);
  if (report.stopSignal != 0) return report;

  RunSummary summary;
  summary.train = report.train = run.engine().summarize(run.engine().train());
  report.hasTest = run.data().test.globalRows > 0;
  if (report.hasTest) summary.test = report.test = run.engine().summarize(run.engine().test());
  report.finalLoss = run.trainer().state().lossHistory.back();
  const Metrics& metrics = run.metrics();
  if (report.hasTest) report.testLoss = metrics.testLoss().back();
  report.hasAccuracy = metrics.hasAccuracy();
  if (report.hasAccuracy) report.trainAccuracy = metrics.trainAccuracy().back();
  if (report.hasAccuracy && report.hasTest) report.testAccuracy = metrics.testAccuracy().back();
  summary.wallSeconds = run.wallSegments();
  const auto writing = Clock::now();
  writeRunFile(settings.out, run, summary);
  const double writeSeconds = secondsSince(writing);
  removeCheckpoint(run, log);
  report.seconds = secondsSince(start);
  if (log) printResult(*log, report, settings, writeSeconds);
  return report;
}

}  // namespace pk
