#include "results/RunReader.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/Error.hpp"
#include "io/DataFile.hpp"
#include "io/DistributedIO.hpp"
#include "io/OutputFile.hpp"
#include "results/ConfigFile.hpp"
#include "results/Formats.hpp"

namespace pk {

double Labels::of(std::int64_t i, std::int64_t c) const {
  if (!available) return std::nan("");
  return values[static_cast<std::size_t>(i * cols + (cols == 1 ? 0 : c))];
}

namespace {

// The attributes of /config that are not settings: the run's own counts and its data's identity.
class ConfigReader {
 public:
  ConfigReader(const h5::Id& file, const std::string& path) : path_(path) {
    PK_REQUIRE(h5::exists(file, "/config"), "'" + path + "' has no /config group");
    config_ = h5::openGroup(file, "/config");
  }
  const h5::Id& group() const { return config_; }
  bool has(const char* name) const { return h5::hasAttribute(config_, name); }
  std::string text(const char* name) const { return h5::stringAttribute(config_, require(name)); }
  std::int64_t integer(const char* name) const { return h5::intAttribute(config_, require(name)); }
  std::vector<std::int64_t> integers(const char* name) const { return h5::intArrayAttribute(config_, require(name)); }

 private:
  const char* require(const char* name) const {
    PK_REQUIRE(has(name), "'" + path_ + "' has no /config attribute '" + name + "'");
    return name;
  }
  std::string path_;
  h5::Id config_;
};

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

Labels readLabels(const h5::Id& file, const std::string& dataset, std::int64_t rows, const std::string& where) {
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
  settings_ = resolveSettings(readSettings(config.group(), path));
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
  const bool perOutput = shape(name).size() == 3;
  const std::int64_t depth = perOutput ? outputs_ : 1;
  std::vector<std::vector<hsize_t>> points;
  points.reserve(static_cast<std::size_t>(nTrain_ * depth));
  for (std::int64_t i = 0; i < nTrain_; ++i)
    for (std::int64_t c = 0; c < depth; ++c) {
      const auto row = static_cast<hsize_t>(i);
      points.push_back(perOutput ? std::vector<hsize_t>{row, row, static_cast<hsize_t>(c)}
                                 : std::vector<hsize_t>{row, row});
    }
  return h5::readPoints(file_, name, points);
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
  // A run that read flat rows as images (--input-shape) reads its flat file again.
  const std::vector<hsize_t> flat = {static_cast<hsize_t>(nTrain_), static_cast<hsize_t>(inputs_)};
  const bool reshaped = !settings_.inputShape.empty() && h5::shape(file, "/train/X") == flat;
  PK_REQUIRE(reshaped || h5::shape(file, "/train/X") == expected,
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
