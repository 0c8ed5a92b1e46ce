#include "validate/ValidateFileParts.hpp"

#include <algorithm>
#include <sstream>

#include "core/Error.hpp"
#include "io/H5.hpp"

namespace pk::validation::parts {

namespace {

std::vector<hsize_t> dims(std::initializer_list<std::int64_t> shape) {
  std::vector<hsize_t> d;
  for (auto n : shape) d.push_back(static_cast<hsize_t>(n));
  return d;
}

std::string scoreList(const Study& study) {
  std::string text;
  for (auto kind : study.scores) text += (text.empty() ? "" : ",") + toString(kind);
  return text;
}

std::vector<double> column(const std::vector<Spread>& spreads, bool mean) {
  std::vector<double> v;
  for (const auto& s : spreads) v.push_back(mean ? s.mean : s.sd);
  return v;
}

}  // namespace

void put(const h5::Id& file, const std::string& path, std::initializer_list<std::int64_t> shape,
         const std::vector<double>& values) {
  h5::writeReplicated(file, path, dims(shape), values.data());
}

void put(const h5::Id& file, const std::string& path, std::initializer_list<std::int64_t> shape,
         const std::vector<std::int64_t>& values) {
  h5::writeReplicated(file, path, dims(shape), values.data());
}

std::vector<double> getDoubles(const h5::Id& file, const std::string& path) {
  PK_REQUIRE(h5::isDataset(file, path), "the validation file has no dataset " + path);
  return h5::readRows(file, path, 0, static_cast<std::int64_t>(h5::shape(file, path)[0]));
}

std::vector<std::int64_t> getInts(const h5::Id& file, const std::string& path) {
  PK_REQUIRE(h5::isDataset(file, path), "the validation file has no dataset " + path);
  return h5::readRowsInt(file, path, 0, static_cast<std::int64_t>(h5::shape(file, path)[0]));
}

void writeStudyConfig(const h5::Id& file, const Study& st, const StudyNotes& notes) {
  h5::Id config = h5::ensureGroup(file, "/config");
  h5::setAttribute(config, "run", st.runPath);
  h5::setAttribute(config, "loss", toString(st.loss));
  h5::setAttribute(config, "outputs", st.outputs);
  h5::setAttribute(config, "n_train", st.trainRows);
  h5::setAttribute(config, "scores", scoreList(st));
  h5::setAttribute(config, "lds_subsets", static_cast<std::int64_t>(st.ldsRetrain.size()));
  h5::setAttribute(config, "lds_fraction", st.ldsFraction);
  h5::setAttribute(config, "loo", static_cast<std::int64_t>(st.looExamples.size()));
  h5::setAttribute(config, "seed", static_cast<std::int64_t>(st.seed));
  h5::setAttribute(config, "group_size", notes.groupSize);
  writeNotes(file, notes);
}

void writeNotes(const h5::Id& file, const StudyNotes& notes) {
  h5::Id group = h5::ensureGroup(file, "/notes");
  h5::setAttribute(group, "retrain_seconds", notes.retrainSeconds);
  h5::setAttribute(group, "retrained", notes.retrainedHere);
  h5::setAttribute(group, "full_retrain_max_abs_diff", notes.fullRetrainDifference);
}

void readNotes(const h5::Id& file, StudyNotes& notes) {
  PK_REQUIRE(h5::exists(file, "/notes"), "the validation file has no /notes group");
  h5::Id group = h5::openGroup(file, "/notes");
  notes.retrainSeconds = h5::doubleAttribute(group, "retrain_seconds");
  notes.retrainedHere = h5::intAttribute(group, "retrained");
  notes.fullRetrainDifference = h5::doubleAttribute(group, "full_retrain_max_abs_diff");
}

void readStudyConfig(const h5::Id& file, const std::string& path, Study& st, StudyNotes& notes) {
  PK_REQUIRE(h5::exists(file, "/config"), "'" + path + "' has no /config group");
  h5::Id config = h5::openGroup(file, "/config");
  st.runPath = h5::stringAttribute(config, "run");
  st.loss = parseLoss(h5::stringAttribute(config, "loss"));
  st.outputs = h5::intAttribute(config, "outputs");
  st.trainRows = h5::intAttribute(config, "n_train");
  st.scores = parseScoreList(h5::stringAttribute(config, "scores"));
  st.ldsFraction = h5::doubleAttribute(config, "lds_fraction");
  st.seed = static_cast<std::uint64_t>(h5::intAttribute(config, "seed"));
  notes.groupSize = h5::intAttribute(config, "group_size");
  readNotes(file, notes);
}

void writeReference(const h5::Id& file, const Study& st) {
  const auto nq = st.queryCount();
  std::vector<std::int64_t> split, row;
  for (const auto& q : st.queries) {
    split.push_back(q.set == "test" ? 1 : 0);
    row.push_back(q.row);
  }
  put(file, "/queries/split", {nq}, split);
  put(file, "/queries/row", {nq}, row);
  put(file, "/reference/network", {nq, st.outputs}, st.network.values());
  put(file, "/reference/initial", {nq, st.outputs}, st.initial.values());
  put(file, "/reference/class", {nq}, st.predictedClass);
  put(file, "/reference/output", {nq}, st.reference);
  put(file, "/reference/direction", {nq}, st.direction);
}

void readReference(const h5::Id& file, Study& st) {
  const auto split = getInts(file, "/queries/split");
  const auto row = getInts(file, "/queries/row");
  for (std::size_t q = 0; q < split.size(); ++q) st.queries.push_back({split[q] == 1 ? "test" : "train", row[q]});
  const auto nq = st.queryCount();
  st.network = Matrix(nq, st.outputs);
  st.network.values() = getDoubles(file, "/reference/network");
  st.initial = Matrix(nq, st.outputs);
  st.initial.values() = getDoubles(file, "/reference/initial");
  st.predictedClass = getInts(file, "/reference/class");
  st.reference = getDoubles(file, "/reference/output");
  st.direction = getDoubles(file, "/reference/direction");
}

void writeScores(const h5::Id& file, const Study& st) {
  for (std::size_t s = 0; s < st.scores.size(); ++s)
    put(file, "/scores/" + toString(st.scores[s]), {st.queryCount(), st.trainRows}, st.score[s].values());
  if (st.lossWeights.size() > 0) put(file, "/scores/loss_weights", {st.trainRows, st.outputs}, st.lossWeights.values());
}

void readScores(const h5::Id& file, Study& st) {
  for (auto kind : st.scores) {
    Matrix m(st.queryCount(), st.trainRows);
    m.values() = getDoubles(file, "/scores/" + toString(kind));
    st.score.push_back(std::move(m));
  }
  if (h5::exists(file, "/scores/loss_weights")) {
    st.lossWeights = Matrix(st.trainRows, st.outputs);
    st.lossWeights.values() = getDoubles(file, "/scores/loss_weights");
  }
}

void writeMeasures(const h5::Id& file, const Study& st, const Measures& m) {
  const auto nq = st.queryCount();
  const auto ns = static_cast<std::int64_t>(st.scores.size()), nk = static_cast<std::int64_t>(st.topk.size());
  put(file, "/topk/actual", {ns, nk, nq}, m.topkActual);
  put(file, "/topk/predicted", {ns, nk, nq}, m.topkPredicted);
  if (st.loss != Loss::Mse) put(file, "/topk/flipped", {ns, nk, nq}, m.topkFlipped);
  put(file, "/lds/spearman", {ns, nq}, m.ldsSpearman);
  put(file, "/loo/actual", {static_cast<std::int64_t>(st.looRetrain.size()), nq}, m.looActual);
  put(file, "/loo/pearson", {ns, nq}, m.looPearson);
}

void writeSummary(const h5::Id& file, const Study& st, const Measures& m, const Results& results) {
  const auto ns = static_cast<std::int64_t>(st.scores.size()), nk = static_cast<std::int64_t>(st.topk.size());
  put(file, "/summary/lds_mean", {ns}, column(m.lds, true));
  put(file, "/summary/lds_sd", {ns}, column(m.lds, false));
  put(file, "/summary/loo_mean", {ns}, column(m.loo, true));
  put(file, "/summary/loo_sd", {ns}, column(m.loo, false));
  put(file, "/summary/topk_actual_mean", {ns, nk}, m.topkActualMean);
  put(file, "/summary/topk_predicted_mean", {ns, nk}, m.topkPredictedMean);
  put(file, "/summary/topk_flip_fraction", {ns, nk}, m.topkFlipFraction);
  h5::Id summary = h5::openGroup(file, "/summary");
  h5::setAttribute(summary, "retrainings", st.retrainings());
  h5::setAttribute(
      summary, "diverged",
      static_cast<std::int64_t>(std::count(results.status.begin(), results.status.end(), Results::Diverged)));
}

}  // namespace pk::validation::parts
