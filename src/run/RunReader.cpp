#include "run/RunReader.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/Error.hpp"
#include "io/DataFile.hpp"
#include "io/DistributedIO.hpp"
#include "io/OutputFile.hpp"
#include "run/RunFile.hpp"

namespace pk {

double Labels::of(std::int64_t i, std::int64_t c) const {
  if (!available) return std::nan("");
  return values[static_cast<std::size_t>(i * cols + (cols == 1 ? 0 : c))];
}

namespace {

// /config read back into the arguments that resolve to the run's settings.
class ConfigReader {
 public:
  ConfigReader(hid_t file, const std::string& path) : path_(path) {
    PK_REQUIRE(h5::exists(file, "/config"), "'" + path + "' has no /config group");
    config_ = h5::Id(PK_H5(H5Gopen2(file, "/config", H5P_DEFAULT)));
  }
  bool has(const char* name) const { return h5::hasAttribute(config_, name); }
  // Settings added after the first format version: files written before them used the default.
  template <typename T, typename Read>
  T optional(const char* name, T fallback, Read read) const {
    return has(name) ? read(name) : fallback;
  }
  std::string text(const char* name) const { return h5::stringAttribute(config_, require(name)); }
  std::int64_t integer(const char* name) const { return h5::intAttribute(config_, require(name)); }
  double number(const char* name) const { return h5::doubleAttribute(config_, require(name)); }
  std::vector<std::int64_t> integers(const char* name) const { return h5::intArrayAttribute(config_, require(name)); }

 private:
  const char* require(const char* name) const {
    PK_REQUIRE(has(name), "'" + path_ + "' has no /config attribute '" + name + "'");
    return name;
  }
  std::string path_;
  h5::Id config_;
};

TrainArguments argumentsOf(const ConfigReader& c) {
  TrainArguments a;
  a.data = c.text("data");
  a.out = c.text("out");
  // A run file of an earlier release has no `layers`: its `hidden` says it all.
  if (c.has("layers")) {
    a.layers = c.text("layers");
    a.given.push_back("layers");
  } else {
    a.hidden = hiddenText(c.integers("hidden"));
  }
  a.activation = c.text("activation");
  a.param = c.text("param");
  a.loss = c.text("loss");
  a.lr = c.number("lr");
  a.steps = c.integer("steps");
  a.batchSize = c.integer("batch_size");
  a.weightDecay = c.number("weight_decay");
  a.seed = c.integer("seed");
  a.pathRule = c.text("path_rule");
  auto text = [&](const char* n) { return c.text(n); };
  auto number = [&](const char* n) { return c.number(n); };
  auto integer = [&](const char* n) { return c.integer(n); };
  a.optimizer = c.optional("optimizer", a.optimizer, text);
  a.momentum = c.optional("momentum", a.momentum, number);
  a.nesterov = c.optional("nesterov", std::int64_t{0}, integer) != 0;
  a.beta1 = c.optional("beta1", a.beta1, number);
  a.beta2 = c.optional("beta2", a.beta2, number);
  a.adamEps = c.optional("adam_eps", a.adamEps, number);
  a.lrSchedule = c.optional("lr_schedule", a.lrSchedule, text);
  a.warmup = c.optional("warmup", a.warmup, integer);
  a.snapshots = c.optional("snapshots", a.snapshots, text);
  a.layerKernels = c.optional("layer_kernels", std::int64_t{0}, integer) != 0;
  a.tangentKernels = c.integer("tangent_kernels") != 0;
  a.kernelCoef = c.integer("kernel_coef") != 0;
  a.skipTrainKernels = c.integer("skip_train_kernels") != 0;
  a.classes = c.integer("classes");
  a.nTrain = c.integer("n_train");
  a.nTest = c.integer("n_test");
  a.inputs = c.integer("inputs");
  a.dataSeed = c.integer("data_seed");
  a.checkpoint = c.text("checkpoint");
  a.checkpointEvery = c.integer("checkpoint_every");
  a.restart = c.text("restart");
  a.config = c.text("config");
  a.progressEvery = c.integer("progress_every");
  a.pidFile = c.optional("pid_file", a.pidFile, text);
  return a;
}

bool exists(const std::string& path) {
  std::error_code error;
  return !path.empty() && std::filesystem::exists(path, error);
}

// The data file by the one rule: as given, then beside the run file, then the recorded absolute path.
std::string findDataFile(const std::string& given, const std::string& runPath, const std::string& absolute) {
  if (exists(given)) return given;
  const std::filesystem::path name(given);
  if (name.is_relative()) {
    const auto besideRun = std::filesystem::path(runPath).parent_path() / name;
    if (exists(besideRun.string())) return besideRun.string();
  }
  return exists(absolute) ? absolute : "";
}

Labels readLabels(hid_t file, const std::string& dataset, std::int64_t rows, const std::string& where) {
  Labels labels;
  PK_REQUIRE(h5::exists(file, dataset), where + " has no dataset " + dataset);
  const auto dims = h5::shape(file, dataset);
  PK_REQUIRE(!dims.empty() && static_cast<std::int64_t>(dims[0]) == rows,
             dataset + " in " + where + " does not have the run's " + std::to_string(rows) + " rows");
  labels.cols = dims.size() > 1 ? static_cast<std::int64_t>(dims[1]) : 1;
  labels.values = h5::readRows(file, dataset, 0, rows);
  labels.available = true;
  labels.note = "labels from " + where;
  return labels;
}

}  // namespace

namespace {
// A run file, or the rows a replay added to a run for new query points.
h5::Id openRunOrQueries(const std::string& path, MPI_Comm comm, bool& queries) {
  h5::Id probe = h5::openFile(path, comm);
  queries = h5::hasAttribute(probe, "format") && h5::stringAttribute(probe, "format") == kQueriesFormat;
  probe.reset();
  return queries ? openResultFile(path, kQueriesFormat, kQueriesFormatVersion, comm)
                 : openResultFile(path, kRunFormat, kRunFormatVersion, comm);
}
}  // namespace

RunReader::RunReader(const std::string& path, MPI_Comm comm)
    : path_(path), comm_(comm), file_(openRunOrQueries(path, comm, queries_)) {
  const ConfigReader config(file_, path);
  settings_ = resolveSettings(argumentsOf(config));
  PK_REQUIRE(settings_.loss.has_value(), "'" + path + "' records no resolved loss in /config");
  outputs_ = config.integer("outputs");
  nTrain_ = config.integer("n_train");
  nTest_ = config.integer("n_test");
  inputs_ = config.integer("inputs");
  if (config.has("input_shape")) inputShape_ = config.integers("input_shape");
  if (config.has("data_sha256")) dataSha256_ = config.text("data_sha256");
  if (config.has("data_file")) dataFile_ = config.text("data_file");
  if (queries_) nQuery_ = config.integer("n_query");
}

void RunReader::requireRunFile(const std::string& command) const {
  PK_REQUIRE(!queries_, "'" + path_ + "' is a queries file (pathkernel replay), not a run file: " + command +
                            " needs the run file itself (queries files are read by explain and by krr --queries)");
}

std::int64_t RunReader::rows(const std::string& set) const {
  if (queries_) return set == "query" ? nQuery_ : 0;
  return set == "train" ? nTrain_ : set == "test" ? nTest_ : 0;
}

bool RunReader::has(const std::string& dataset) const {
  return h5::exists(file_, dataset);
}

std::vector<hsize_t> RunReader::shape(const std::string& dataset) const {
  PK_REQUIRE(has(dataset), "'" + path_ + "' has no dataset " + dataset);
  return h5::shape(file_, dataset);
}

bool RunReader::hasKernels(const std::string& set) const {
  return rows(set) > 0 && has("/kernel/contrib/" + set) && has("/kernel/path/" + set);
}

std::vector<double> RunReader::rowsOf(const std::string& dataset, std::int64_t first, std::int64_t count) const {
  PK_REQUIRE(has(dataset), "'" + path_ + "' has no dataset " + dataset);
  return h5::readRows(file_, dataset, first, count);
}

std::vector<double> RunReader::predictions(const std::string& set, const std::string& what, std::int64_t first,
                                           std::int64_t count) const {
  return rowsOf("/predict/" + set + "/" + what, first, count);
}

std::vector<double> RunReader::contributions(const std::string& set, std::int64_t first, std::int64_t count) const {
  return rowsOf("/kernel/contrib/" + set, first, count);
}

std::vector<double> RunReader::pathKernel(const std::string& set, std::int64_t first, std::int64_t count) const {
  return rowsOf("/kernel/path/" + set, first, count);
}

std::vector<double> RunReader::trainDiagonal(const std::string& kernel) const {
  const std::string name = "/kernel/" + kernel + "/train";
  h5::Id dataset(PK_H5(H5Dopen2(file_, name.c_str(), H5P_DEFAULT)));
  h5::Id space(PK_H5(H5Dget_space(dataset)));
  const int rank = PK_H5(H5Sget_simple_extent_ndims(space));
  const std::int64_t depth = rank == 3 ? outputs_ : 1;
  const auto points = static_cast<std::size_t>(nTrain_ * depth);
  std::vector<hsize_t> coords;
  coords.reserve(points * static_cast<std::size_t>(rank));
  for (std::int64_t i = 0; i < nTrain_; ++i)
    for (std::int64_t c = 0; c < depth; ++c) {
      coords.push_back(static_cast<hsize_t>(i));
      coords.push_back(static_cast<hsize_t>(i));
      if (rank == 3) coords.push_back(static_cast<hsize_t>(c));
    }
  std::vector<double> values(points);
  if (points == 0) return values;
  PK_H5(H5Sselect_elements(space, H5S_SELECT_SET, points, coords.data()));
  const hsize_t count = points;
  h5::Id memory(PK_H5(H5Screate_simple(1, &count, nullptr)));
  // Independent transfer: every rank reads the same few points.
  PK_H5(H5Dread(dataset, H5T_NATIVE_DOUBLE, memory, space, H5P_DEFAULT, values.data()));
  return values;
}

DenseRows RunReader::matrix(const std::string& dataset) const {
  PK_REQUIRE(has(dataset), "'" + path_ + "' has no dataset " + dataset);
  const auto dims = h5::shape(file_, dataset);
  PK_REQUIRE(dims.size() == 2, dataset + " in '" + path_ + "' is not a matrix");
  DenseRows m(comm_, static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1]));
  readDenseRows(file_, dataset, m);
  return m;
}

DenseRows RunReader::matrixSlice(const std::string& dataset, std::int64_t slice) const {
  PK_REQUIRE(has(dataset), "'" + path_ + "' has no dataset " + dataset);
  const auto dims = h5::shape(file_, dataset);
  PK_REQUIRE(dims.size() == 3 && slice >= 0 && slice < static_cast<std::int64_t>(dims[0]),
             dataset + " in '" + path_ + "' is not a stack of matrices with slice " + std::to_string(slice));
  DenseRows m(comm_, static_cast<std::int64_t>(dims[1]), static_cast<std::int64_t>(dims[2]));
  m.setLocalRowMajor(h5::readSliceRows(file_, dataset, slice, m.firstRow(), m.localRows()).data());
  return m;
}

void RunReader::requireRunShapes(const std::string& dataFile, const std::string& hint) const {
  h5::Id file = h5::openFile(dataFile, comm_);
  for (const char* name : {"/train/X", "/train/y"})
    PK_REQUIRE(h5::isDataset(file, name), "'" + dataFile + "' has no dataset " + name + hint);
  // The run's shape: [N, D], or images [N, C, H, W] when it recorded an input shape.
  std::vector<hsize_t> expected = {static_cast<hsize_t>(nTrain_)};
  if (inputShape_.empty()) expected.push_back(static_cast<hsize_t>(inputs_));
  for (const auto d : inputShape_) expected.push_back(static_cast<hsize_t>(d));
  std::string text;
  for (const auto d : expected) text += (text.empty() ? "" : ", ") + std::to_string(d);
  PK_REQUIRE(h5::shape(file, "/train/X") == expected,
             "'" + dataFile + "' /train/X is not [" + text + "] as in the run" + hint);
  if (nTest_ == 0) return;
  PK_REQUIRE(h5::isDataset(file, "/test/X") && h5::isDataset(file, "/test/y") &&
                 static_cast<std::int64_t>(h5::shape(file, "/test/X")[0]) == nTest_,
             "'" + dataFile + "' has no /test split of " + std::to_string(nTest_) + " rows as in the run" + hint);
}

DataLocation RunReader::data(const std::string& override) const {
  if (override.empty() && settings_.builtinData()) {
    PK_REQUIRE(has("/data/train/X"), "'" + path_ + "' was trained on " + settings_.data + " but has no /data group");
    return {path_, "/data"};
  }
  const std::string hint = override.empty() ? " (give the data with --data FILE)" : "";
  const std::string file = override.empty() ? findDataFile(settings_.data, path_, dataFile_) : override;
  PK_REQUIRE(!file.empty(), "the data file '" + settings_.data + "' of run '" + path_ +
                                "' was found neither from the working folder, nor beside the run file, nor at "
                                "its recorded path '" +
                                dataFile_ + "'" + hint);
  PK_REQUIRE(!isBuiltin(file), "'" + file + "' is not a data file");
  const auto checked = checkedData_.find(override);
  if (checked != checkedData_.end()) return checked->second;
  requireRunShapes(file, hint);
  if (!dataSha256_.empty()) {
    const std::string sha = hashDataFile(file, comm_);
    PK_REQUIRE(sha == dataSha256_,
               "'" + file + "' is not the data the run '" + path_ +
                   "' was trained on: the SHA-256 of its datasets is " + sha + ", the run recorded " + dataSha256_ +
                   " (/config data_sha256): it changed after the run, or it is another file" + hint);
  }
  return checkedData_[override] = DataLocation{file, ""};
}

Labels RunReader::labels(const std::string& set, const std::string& dataOverride) const {
  PK_REQUIRE(set == "train" || set == "test" || set == "query", "no split '" + set + "' (train, test or query)");
  if (set == "query") {
    // A replay's points: their targets, if given, are in the queries file itself.
    Labels none;
    none.note = queries_ ? "the query points were given without targets (/y)" : "the run has no query points";
    if (!queries_ || !has("/queries/y")) return none;
    return readLabels(file_, "/queries/y", nQuery_, "the queries file");
  }
  // A queries file holds no rows of the training examples, but they are the run's.
  const std::int64_t rows = set == "train" ? nTrain_ : this->rows(set);
  if (rows == 0) {
    Labels none;
    none.note = "the run has no " + set + " points";
    return none;
  }
  if (dataOverride.empty() && settings_.builtinData())
    return readLabels(file_, "/data/" + set + "/y", rows, "the run file");
  if (dataOverride.empty() && findDataFile(settings_.data, path_, dataFile_).empty()) {
    Labels missing;
    missing.note = "labels unavailable: the data file '" + settings_.data + "' named in /config was not found";
    return missing;
  }
  const DataLocation where = data(dataOverride);
  h5::Id file = h5::openFile(where.file, comm_);
  return readLabels(file, "/" + set + "/y", rows, "'" + where.file + "'");
}

}  // namespace pk
