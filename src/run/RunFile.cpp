#include "run/RunFile.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "core/Error.hpp"
#include "io/DistributedIO.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"
#include "kernel/Superposition.hpp"
#include "results/ConfigFile.hpp"
#include "results/RunModel.hpp"

namespace pk {

namespace {

std::vector<hsize_t> predictionShape(const Dataset& data, const Network& model, std::int64_t rows) {
  const bool matrix = data.targetIsMatrix || model.outputs() > 1;
  if (matrix) return {static_cast<hsize_t>(rows), static_cast<hsize_t>(model.outputs())};
  return {static_cast<hsize_t>(rows)};
}

}  // namespace

RunFacts runFacts(const TrainingRun& run) {
  RunFacts facts;
  facts.origin = run.data().origin;
  facts.nTrain = run.data().train.globalRows;
  facts.nTest = run.data().test.globalRows;
  facts.inputs = run.data().inputs;
  facts.outputs = run.model().outputs();
  facts.inputShape = run.data().inputShape;
  return facts;
}

void writeConfig(const h5::Id& file, const TrainingRun& run) {
  const TrainSettings& s = run.settings();
  h5::Id config = h5::ensureGroup(file, "/config");
  writeSettings(config, s, runFacts(run), ConfigPart::Run);
  h5::setAttribute(config, "outputs", run.model().outputs());
  if (!run.dataSha256().empty()) {
    h5::setAttribute(config, "data_sha256", run.dataSha256());
    // `data` is the path as given; `data_file` the absolute path, for readers started elsewhere.
    std::error_code error;
    const auto absolute = std::filesystem::weakly_canonical(s.data, error);
    h5::setAttribute(config, "data_file", error ? s.data : absolute.string());
  }
}

void writeDataRows(const h5::Id& file, const Dataset& data, const DataBlock& split, const std::string& group,
                   bool targets) {
  if (split.globalRows == 0) return;
  const auto rows = static_cast<hsize_t>(split.globalRows);
  h5::writeRows(file, group + "/X", {rows, static_cast<hsize_t>(data.inputs)}, split.firstRow, split.x.rows(),
                split.x.data());
  if (!targets) return;
  if (data.integerLabels) {  // class labels as int64, like the data file's
    std::vector<std::int64_t> labels(split.y.values().begin(), split.y.values().end());
    h5::writeRows(file, group + "/y", {rows}, split.firstRow, split.y.rows(), labels.data());
  } else {
    std::vector<hsize_t> shape{rows};
    if (data.targetIsMatrix) shape.push_back(static_cast<hsize_t>(data.targetCols));
    h5::writeRows(file, group + "/y", shape, split.firstRow, split.y.rows(), split.y.data());
  }
}

namespace {

void writeData(const h5::Id& file, const Dataset& data) {
  writeDataRows(file, data, data.train, "/data/train", true);
  writeDataRows(file, data, data.test, "/data/test", true);
}

void writeParameters(const h5::Id& file, const std::string& group, const Network& model, const std::vector<double>& w) {
  for (const auto& d : parameterDatasets(model))
    h5::writeReplicated(file, group + "/" + d.path, std::vector<hsize_t>(d.block.shape.begin(), d.block.shape.end()),
                        w.data() + d.block.offset);
}

// a_i(x) = C(x, i) / K^p(x, x_i), NaN where K^p = 0.
void writeCoefficients(const h5::Id& file, const std::string& path, const DenseRows& contrib, const DenseRows& kernel) {
  std::vector<double> c(static_cast<std::size_t>(contrib.localRows() * contrib.cols()));
  std::vector<double> k(c.size());
  contrib.copyLocalRowMajor(c.data());
  kernel.copyLocalRowMajor(k.data());
  for (std::size_t e = 0; e < c.size(); ++e) c[e] = k[e] != 0.0 ? c[e] / k[e] : std::nan("");
  h5::writeRows(file, path, {static_cast<hsize_t>(contrib.rows()), static_cast<hsize_t>(contrib.cols())},
                contrib.firstRow(), contrib.localRows(), c.data());
}

}  // namespace

void writeQueryRows(const h5::Id& file, const TrainingRun& run, const QueryState& q, const std::string& set) {
  if (q.globalRows == 0) return;
  const auto shape = predictionShape(run.data(), run.model(), q.globalRows);
  const std::int64_t n = q.network.rows();
  const std::string predict = "/predict/" + set;
  h5::writeRows(file, predict + "/network", shape, q.firstRow, n, q.network.data());
  h5::writeRows(file, predict + "/initial", shape, q.firstRow, n, q.initial.data());
  h5::writeRows(file, predict + "/bias", shape, q.firstRow, n, bias(q).data());
  h5::writeRows(file, predict + "/kernel_machine", shape, q.firstRow, n, kernelMachine(q).data());
  if (!q.keepKernels) return;
  writeDenseRows(file, "/kernel/path/" + set, q.path);
  writePerOutput(file, "/kernel/contrib/" + set, q.contrib);
  if (!q.tangentInitial.empty()) {
    writeDenseRows(file, "/kernel/tangent/initial/" + set, q.tangentInitial);
    writeDenseRows(file, "/kernel/tangent/final/" + set, q.tangentFinal);
  }
  if (run.settings().kernelCoef && q.contrib.size() == 1)
    writeCoefficients(file, "/kernel/coef/" + set, q.contrib[0], q.path);
  if (!q.snapshots.empty()) writeSlices(file, "/snapshots/tangent/" + set, q.snapshots);
  if (!q.pathLayers.empty()) writeSlices(file, "/kernel/path_layer/" + set, q.pathLayers);
}

namespace {

void writeHistory(const h5::Id& file, const Trainer& trainer, const Metrics& metrics) {
  const TrainState& st = trainer.state();
  h5::writeReplicated(file, "/history/loss", {st.lossHistory.size()}, st.lossHistory.data());
  // Present when they apply (docs/FORMAT.md 2.6): a test split, classification.
  for (const auto& [name, values] : {std::make_pair("/history/test_loss", &metrics.testLoss()),
                                     std::make_pair("/history/train_accuracy", &metrics.trainAccuracy()),
                                     std::make_pair("/history/test_accuracy", &metrics.testAccuracy())})
    if (!values->empty()) h5::writeReplicated(file, name, {values->size()}, values->data());
  h5::writeReplicated(file, "/history/lr", {st.lrHistory.size()}, st.lrHistory.data());
  const std::int64_t width = trainer.batchWidth();
  if (width > 0)
    h5::writeReplicated(file, "/history/batches", {static_cast<hsize_t>(st.step), static_cast<hsize_t>(width)},
                        st.batchHistory.data());
}

// Gamma (where kept) and the decay part for sgd and momentum; for every optimizer, how far
// the first-layer change less the decay part leaves the span of the training inputs. A first
// conv layer's Gamma is [N, K, H', W'] and its decay [K, C_in, k, k], W_1's stored shape.
void writeSuperposition(const h5::Id& file, const TrainingRun& run) {
  const PathKernelEngine& engine = run.engine();
  if (!engine.hasSuperposition()) return;
  const Network& model = run.model();
  const Layer& first = model.layer(0);
  const Matrix& decay = engine.firstLayerDecay();
  if (engine.hasGamma()) {
    std::vector<hsize_t> shape{static_cast<hsize_t>(run.data().train.globalRows)};
    for (const std::int64_t extent : first.outputShape()) shape.push_back(static_cast<hsize_t>(extent));
    h5::writeRows(file, "/superposition/Gamma", shape, run.data().train.firstRow, engine.gamma().rows(),
                  engine.gamma().data());
  }
  if (engine.hasDecomposition()) {
    const auto& weights = first.parameters()[0].shape;
    h5::writeReplicated(file, "/superposition/decay", std::vector<hsize_t>(weights.begin(), weights.end()),
                        decay.data());
  }
  const TrainState& state = run.trainer().state();
  Matrix change(decay.rows(), decay.cols());
  for (std::size_t e = 0; e < change.size(); ++e) {
    const auto p = static_cast<std::size_t>(model.layer(0).parameters()[0].offset) + e;
    change.data()[e] = state.w[p] - state.initialW[p] - decay.data()[e];
  }
  h5::Id group = h5::ensureGroup(file, "/superposition");
  h5::setAttribute(group, "span_residual", spanResidual(change, first, run.data().train, run.comm()));
}

void writeSummary(const h5::Id& file, const TrainingRun& run, const RunSummary& summary) {
  h5::Id group = h5::ensureGroup(file, "/summary");
  for (const QueryState* q : {&run.engine().train(), &run.engine().test()}) {
    if (q->globalRows == 0) continue;
    const ResidualSummary& r = q == &run.engine().train() ? summary.train : summary.test;
    h5::setAttribute(group, "max_abs_residual_" + q->name, r.maxAbsResidual);
    h5::setAttribute(group, "rel_residual_" + q->name, r.relative());
  }
  h5::setAttribute(group, "steps", run.trainer().state().step);
  double total = 0.0;
  for (double segment : summary.wallSeconds) total += segment;
  h5::setAttribute(group, "wall_seconds", total);
  h5::setAttribute(group, "wall_seconds_segments", summary.wallSeconds);
}

}  // namespace

void writeRunFile(const std::string& path, const TrainingRun& run, const RunSummary& summary) {
  OutputFile file(path, kRunFormat, kRunFormatVersion, run.comm());
  writeConfig(file, run);
  if (run.settings().builtinData()) writeData(file, run.data());
  const TrainState& state = run.trainer().state();
  writeParameters(file, "/params/initial", run.model(), state.initialW);
  writeParameters(file, "/params/final", run.model(), state.w);
  writeHistory(file, run.trainer(), run.metrics());
  writeQueryRows(file, run, run.engine().train(), "train");
  writeQueryRows(file, run, run.engine().test(), "test");
  const auto snapshots = run.settings().snapshots.resolve(run.settings().training.steps);
  if (!snapshots.empty()) h5::writeReplicated(file, "/snapshots/steps", {snapshots.size()}, snapshots.data());
  writeSuperposition(file, run);
  writeSummary(file, run, summary);
  file.finish();
}

}  // namespace pk
