#include "run/Checkpoint.hpp"

#include <cstdio>
#include <cstring>
#include <map>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "data/Builtin.hpp"
#include "io/DistributedIO.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk {

namespace {

// The settings and data a checkpoint belongs to, as text. Restarting with any
// of these changed would silently mix two runs, so they must all agree.
std::map<std::string, std::string> identityOf(const RunRecord& run) {
  const TrainSettings& s = *run.settings;
  auto exact = [](double v) { return formatNumber("%.17g", v); };
  std::map<std::string, std::string> id = {{"data", run.data->origin},
                                           {"data_sha256", run.dataSha256},
                                           {"n_train", std::to_string(run.data->train.globalRows)},
                                           {"n_test", std::to_string(run.data->test.globalRows)},
                                           {"inputs", std::to_string(run.data->inputs)},
                                           {"hidden", s.hidden},
                                           {"activation", s.activation},
                                           {"param", s.param},
                                           {"loss", s.loss},
                                           {"outputs", std::to_string(run.model->outputs())},
                                           {"lr", exact(s.lr)},
                                           {"batch_size", std::to_string(s.batchSize)},
                                           {"weight_decay", exact(s.weightDecay)},
                                           {"seed", std::to_string(s.seed)},
                                           {"path_rule", s.pathRule},
                                           {"tangent_kernels", s.tangentKernels ? "1" : "0"},
                                           {"skip_train_kernels", s.skipTrainKernels ? "1" : "0"}};
  if (isBuiltin(run.data->origin)) id["data_seed"] = std::to_string(s.dataSeed);
  return id;
}

std::int64_t asInt(std::uint64_t bits) {
  std::int64_t v = 0;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}
std::uint64_t asBits(std::int64_t v) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

void writeQueryState(hid_t file, const std::string& group, const QueryState& q) {
  if (q.globalRows == 0) return;
  writeRowBlock(file, group + "/initial", q.initial, q.globalRows, q.firstRow);
  writeRowBlock(file, group + "/regulariser", q.regulariser, q.globalRows, q.firstRow);
  writeRowBlock(file, group + "/contrib_sum", q.contribSum, q.globalRows, q.firstRow);
  if (!q.keepKernels) return;
  writeDenseRows(file, group + "/path", q.path);
  writePerOutput(file, group + "/contrib", q.contrib);
  if (!q.tangentInitial.empty()) writeDenseRows(file, group + "/tangent_initial", q.tangentInitial);
}

void readQueryState(hid_t file, const std::string& group, QueryState& q) {
  if (q.globalRows == 0) return;
  readRowBlock(file, group + "/initial", q.initial, q.firstRow);
  readRowBlock(file, group + "/regulariser", q.regulariser, q.firstRow);
  readRowBlock(file, group + "/contrib_sum", q.contribSum, q.firstRow);
  if (!q.keepKernels) return;
  readDenseRows(file, group + "/path", q.path);
  readPerOutput(file, group + "/contrib", q.contrib);
  if (!q.tangentInitial.empty()) readDenseRows(file, group + "/tangent_initial", q.tangentInitial);
}

template <typename T>
std::vector<T> readWhole(hid_t file, const std::string& path) {
  PK_REQUIRE(h5::exists(file, path), "the checkpoint has no dataset " + path);
  const auto shape = h5::shape(file, path);
  const auto rows = static_cast<std::int64_t>(shape.empty() ? 0 : shape[0]);
  if constexpr (std::is_same_v<T, double>)
    return h5::readRows(file, path, 0, rows);
  else
    return h5::readRowsInt(file, path, 0, rows);
}

}  // namespace

void writeCheckpoint(const std::string& path, const RunRecord& run, MPI_Comm comm) {
  const TrainState& st = run.trainer->state();
  OutputFile file(path, kCheckpointFormat, kCheckpointFormatVersion, comm);
  h5::setAttribute(file, "step", st.step);
  writeConfig(file, run);
  {
    h5::Id identity = h5::ensureGroup(file, "/identity");
    for (const auto& [key, value] : identityOf(run)) h5::setAttribute(identity, key, value);
  }
  h5::writeReplicated(file, "/state/w", {st.w.size()}, st.w.data());
  h5::writeReplicated(file, "/state/initial_w", {st.initialW.size()}, st.initialW.data());
  std::vector<std::int64_t> rng;
  for (auto word : st.rng.state()) rng.push_back(asInt(word));
  h5::writeReplicated(file, "/state/rng", {rng.size()}, rng.data());
  h5::writeReplicated(file, "/state/epoch_order", {st.epochOrder.size()}, st.epochOrder.data());
  const std::int64_t position = st.epochPosition;
  h5::writeReplicated(file, "/state/epoch_position", {1}, &position);
  h5::writeReplicated(file, "/state/loss_history", {st.lossHistory.size()}, st.lossHistory.data());
  h5::writeReplicated(file, "/state/lr_history", {st.lrHistory.size()}, st.lrHistory.data());
  h5::writeReplicated(file, "/state/batch_history", {st.batchHistory.size()}, st.batchHistory.data());
  writeQueryState(file, "/engine/train", run.engine->train());
  writeQueryState(file, "/engine/test", run.engine->test());
  writeRowBlock(file, "/engine/gamma", run.engine->gamma(), run.data->train.globalRows, run.data->train.firstRow);
  file.finish();
}

void readCheckpoint(const std::string& path, const RunRecord& run, Trainer& trainer, PathKernelEngine& engine,
                    MPI_Comm comm) {
  h5::Id file = h5::openFile(path, comm);
  PK_REQUIRE(h5::hasAttribute(file, "format") && h5::stringAttribute(file, "format") == kCheckpointFormat,
             "'" + path + "' is not a pathkernel checkpoint");
  const std::int64_t version = h5::intAttribute(file, "format_version");
  PK_REQUIRE(version == kCheckpointFormatVersion, "checkpoint '" + path + "' has format_version " +
                                                      std::to_string(version) + "; this pathkernel reads " +
                                                      std::to_string(kCheckpointFormatVersion));
  PK_REQUIRE(h5::intAttribute(file, "complete") == 1, "checkpoint '" + path + "' is not complete");
  {
    h5::Id identity(PK_H5(H5Gopen2(file, "/identity", H5P_DEFAULT)));
    std::string differences;
    for (const auto& [key, value] : identityOf(run)) {
      const std::string stored = h5::hasAttribute(identity, key) ? h5::stringAttribute(identity, key) : "(absent)";
      if (stored != value)
        differences += "\n  " + key + ": checkpoint has '" + stored + "', this run has '" + value + "'";
    }
    PK_REQUIRE(differences.empty(),
               "checkpoint '" + path + "' was written by a run with other settings or data:" + differences);
  }
  const std::int64_t step = h5::intAttribute(file, "step");
  PK_REQUIRE(step <= run.settings->steps, "checkpoint '" + path + "' is at step " + std::to_string(step) +
                                              ", beyond --steps " + std::to_string(run.settings->steps));

  TrainState& st = trainer.state();
  st.step = step;
  st.w = readWhole<double>(file, "/state/w");
  st.initialW = readWhole<double>(file, "/state/initial_w");
  PK_REQUIRE(static_cast<std::int64_t>(st.w.size()) == run.model->parameterCount(),
             "checkpoint '" + path + "' has parameters of another model");
  const auto rng = readWhole<std::int64_t>(file, "/state/rng");
  PK_REQUIRE(rng.size() == 6, "checkpoint '" + path + "' has a malformed generator state");
  std::array<std::uint64_t, 6> words{};
  for (std::size_t k = 0; k < 6; ++k) words[k] = asBits(rng[k]);
  st.rng.setState(words);
  st.epochOrder = readWhole<std::int64_t>(file, "/state/epoch_order");
  st.epochPosition = readWhole<std::int64_t>(file, "/state/epoch_position").at(0);
  st.lossHistory = readWhole<double>(file, "/state/loss_history");
  st.lrHistory = readWhole<double>(file, "/state/lr_history");
  st.batchHistory = readWhole<std::int64_t>(file, "/state/batch_history");
  readQueryState(file, "/engine/train", engine.train());
  readQueryState(file, "/engine/test", engine.test());
  readRowBlock(file, "/engine/gamma", engine.gamma(), run.data->train.firstRow);
}

}  // namespace pk
