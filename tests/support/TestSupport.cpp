#include "TestSupport.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/Error.hpp"
#include "io/H5.hpp"
#include "run/Run.hpp"

namespace pk::test {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int size() {
  int s = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &s);
  return s;
}

namespace {
std::vector<std::string>& madeFolders() {
  static std::vector<std::string> folders;
  return folders;
}
}  // namespace

std::string tempPath(const std::string& fileName) {
  char folder[256] = {};
  if (rank() == 0) {
    const std::string base = (std::filesystem::temp_directory_path() / "pathkernel-test-XXXXXX").string();
    std::vector<char> pattern(base.begin(), base.end());
    pattern.push_back('\0');
    const char* made = mkdtemp(pattern.data());
    if (made) madeFolders().push_back(made);
    std::snprintf(folder, sizeof folder, "%s", made ? made : "/tmp");
  }
  MPI_Bcast(folder, sizeof folder, MPI_CHAR, 0, MPI_COMM_WORLD);
  return std::string(folder) + "/" + fileName;
}

TrainArguments smallSettings(const std::string& out) {
  TrainArguments s;
  s.data = "builtin:regression";
  s.out = out;
  s.hidden = "8,6";
  s.steps = 20;
  s.lr = 0.05;
  s.nTrain = 37;
  s.nTest = 11;
  s.inputs = 3;
  return s;
}

void train(const TrainArguments& settings) {
  runTraining(resolveSettings(settings), MPI_COMM_WORLD, nullptr);
}

std::vector<double> readAll(const std::string& file, const std::string& dataset) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  const auto dims = h5::shape(f, dataset);
  return h5::readRows(f, dataset, 0, dims.empty() ? 0 : static_cast<std::int64_t>(dims[0]));
}

std::vector<unsigned long long> shapeOf(const std::string& file, const std::string& dataset) {
  h5::Id f = h5::openFile(file, MPI_COMM_WORLD);
  const auto dims = h5::shape(f, dataset);
  return {dims.begin(), dims.end()};
}

double relativeDifference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double diff = 0.0, scale = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (std::isnan(a[k]) && std::isnan(b[k])) continue;
    diff = std::max(diff, std::abs(a[k] - b[k]));
    scale = std::max(scale, std::abs(b[k]));
  }
  return scale > 0 ? diff / scale : diff;
}

int shellOnRoot(const std::string& command) {
  int status = 0;
  if (rank() == 0) status = std::system(command.c_str());
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return status;
}

void removeTempFolders() {
  for (const auto& folder : madeFolders()) std::filesystem::remove_all(folder);
  madeFolders().clear();
}

std::string sourceDir() {
  return PK_SOURCE_DIR;
}
std::string programPath() {
  return PK_BINARY;
}

}  // namespace pk::test

namespace pk::test {

void trainOnRankZeroAlone(const TrainArguments& settings) {
  if (rank() == 0) runTraining(resolveSettings(settings), MPI_COMM_SELF, nullptr);
  MPI_Barrier(MPI_COMM_WORLD);
}

std::vector<std::string> kernelAndPredictionDatasets(bool withTest) {
  std::vector<std::string> names = {"/kernel/path/train",     "/kernel/contrib/train", "/predict/train/network",
                                    "/predict/train/initial", "/predict/train/bias",   "/predict/train/kernel_machine",
                                    "/superposition/Gamma",   "/history/loss",         "/params/final/layer_0/W",
                                    "/params/final/layer_0/b"};
  if (withTest)
    for (const char* name : {"/kernel/path/test", "/kernel/contrib/test", "/predict/test/network",
                             "/predict/test/kernel_machine", "/predict/test/bias"})
      names.push_back(name);
  return names;
}

void expectInputError(const std::function<void()>& call, const std::string& words) {
  try {
    call();
    ADD_FAILURE() << "no InputError; expected one saying: " << words;
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

}  // namespace pk::test
