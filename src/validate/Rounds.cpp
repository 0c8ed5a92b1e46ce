#include "validate/Rounds.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/Error.hpp"
#include "core/StopRequest.hpp"

namespace pk::validation {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::int64_t> pendingOfShare(const Results& results, const Share& share) {
  std::vector<std::int64_t> todo;
  for (std::int64_t j = 0; j < static_cast<std::int64_t>(results.status.size()); ++j)
    if (share.owns(j) && results.status[static_cast<std::size_t>(j)] == Results::Pending) todo.push_back(j);
  return todo;
}

// This group's retraining of the round into its slot of `slots` ([groups, Q*C + 1], the last value the status).
void retrainSlot(const Study& study, const Retrainer& retrainer, const GroupPlace& group, std::int64_t j,
                 std::vector<double>& slots) {
  const std::size_t width = static_cast<std::size_t>(study.queryCount() * study.outputs) + 1;
  double* slot = slots.data() + static_cast<std::size_t>(group.index) * width;
  Matrix outputs;
  double status = Results::Done;
  try {
    outputs = retrainer.retrain(study.keepMask(j));
  } catch (const InputError&) {
    status = Results::Diverged;  // every rank of the group saw the same non-finite loss
  }
  if (group.comm.rank() != 0) return;  // one writer per slot
  if (status == Results::Done) std::copy(outputs.values().begin(), outputs.values().end(), slot);
  slot[width - 1] = status;
}

void storeRound(const Study& study, const std::vector<std::int64_t>& todo, std::size_t first, int groups,
                const std::vector<double>& slots, Results& results) {
  const std::size_t values = static_cast<std::size_t>(study.queryCount() * study.outputs);
  for (int g = 0; g < groups && first + static_cast<std::size_t>(g) < todo.size(); ++g) {
    const auto j = static_cast<std::size_t>(todo[first + static_cast<std::size_t>(g)]);
    const double* slot = slots.data() + static_cast<std::size_t>(g) * (values + 1);
    results.status[j] = static_cast<std::int64_t>(slot[values]);
    if (results.status[j] == Results::Done) std::copy_n(slot, values, results.output.begin() + j * values);
  }
}

// Rank 0's clock decides, so every rank writes the progress file in the same round.
bool progressDue(Clock::time_point& last, double every, MPI_Comm world) {
  int due = since(last) >= every ? 1 : 0;
  PK_MPI(MPI_Bcast(&due, 1, MPI_INT, 0, world));
  if (due) last = Clock::now();
  return due != 0;
}

void printProgress(std::ostream* log, std::size_t done, std::size_t total, double seconds) {
  if (log == nullptr || done == 0) return;
  const double rate = static_cast<double>(done) / seconds;
  char line[160];
  std::snprintf(line, sizeof line, "  retrained %zu/%zu  %.2f per second  left %.0f s\n", done, total, rate,
                static_cast<double>(total - done) / rate);
  *log << line << std::flush;
}

}  // namespace

RoundOutcome runRounds(const Study& study, Results& results, const Retrainer& retrainer, const GroupPlace& group,
                       const RoundOptions& options, MPI_Comm world, std::ostream* log) {
  installStopHandlers();
  const auto todo = pendingOfShare(results, options.share);
  const std::size_t width = static_cast<std::size_t>(study.queryCount() * study.outputs) + 1;
  const std::size_t rounds = (todo.size() + static_cast<std::size_t>(group.count) - 1) / group.count;
  const std::size_t every = std::max<std::size_t>(1, (rounds + 9) / 10);  // about 10 lines
  RoundOutcome outcome;
  const auto start = Clock::now();
  auto lastSave = start;
  for (std::size_t r = 0; r < rounds; ++r) {
    const std::size_t first = r * static_cast<std::size_t>(group.count);
    std::vector<double> slots(width * static_cast<std::size_t>(group.count), 0.0);
    if (first + static_cast<std::size_t>(group.index) < todo.size())
      retrainSlot(study, retrainer, group, todo[first + static_cast<std::size_t>(group.index)], slots);
    PK_MPI(MPI_Allreduce(MPI_IN_PLACE, slots.data(), static_cast<int>(slots.size()), MPI_DOUBLE, MPI_SUM, world));
    storeRound(study, todo, first, group.count, slots, results);
    outcome.retrained = static_cast<std::int64_t>(std::min(todo.size(), first + group.count));
    outcome.seconds = since(start);
    if ((r + 1) % every == 0 || r + 1 == rounds)
      printProgress(log, static_cast<std::size_t>(outcome.retrained), todo.size(), outcome.seconds);
    outcome.stopSignal = agreedStopSignal(world);
    if (outcome.stopSignal != 0 || (r + 1 < rounds && progressDue(lastSave, options.checkpointSeconds, world)))
      options.saveProgress(outcome);
    if (outcome.stopSignal != 0) break;
  }
  return outcome;
}

}  // namespace pk::validation
