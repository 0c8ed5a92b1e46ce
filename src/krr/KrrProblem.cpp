#include "krr/KrrProblem.hpp"

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "data/Builtin.hpp"
#include "io/DataFile.hpp"
#include "io/H5.hpp"
#include "run/RunFile.hpp"

namespace pk {

namespace {

Matrix readBlock(hid_t file, const std::string& path, std::int64_t first, std::int64_t rows) {
  const auto dims = h5::shape(file, path);
  const std::int64_t cols = dims.size() > 1 ? static_cast<std::int64_t>(dims[1]) : 1;
  Matrix m(rows, cols);
  m.values() = h5::readRows(file, path, first, rows);
  return m;
}

// Where targets and inputs come from: --data, the run's /data, or the data file of /config.
void locateData(const KrrSettings& s, hid_t run, KrrProblem& p) {
  h5::Id config(PK_H5(H5Gopen2(run, "/config", H5P_DEFAULT)));
  if (s.data.empty() && h5::exists(run, "/data/train/X")) {
    p.dataFile = s.run;
    p.dataPrefix = "/data";
    return;
  }
  p.dataFile = s.data.empty() ? recordedDataFile(config) : s.data;
  p.dataPrefix.clear();
  PK_REQUIRE(!isBuiltin(p.dataFile), "'" + s.run + "' was trained on " + p.dataFile +
                                         " but has no /data group; give the data with --data FILE");
}

void checkDataFile(const KrrSettings& s, hid_t run, const KrrProblem& p, MPI_Comm comm) {
  if (!p.dataPrefix.empty()) return;
  const std::string hint = s.data.empty() ? " (give the data with --data FILE)" : "";
  h5::Id file = h5::openFile(p.dataFile, comm);
  for (const char* name : {"/train/X", "/train/y"})
    PK_REQUIRE(h5::exists(file, name), "'" + p.dataFile + "' has no dataset " + name + hint);
  const auto x = h5::shape(file, "/train/X");
  PK_REQUIRE(
      x.size() == 2 && static_cast<std::int64_t>(x[0]) == p.nTrain && static_cast<std::int64_t>(x[1]) == p.inputs,
      "'" + p.dataFile + "' /train/X is not [" + std::to_string(p.nTrain) + ", " + std::to_string(p.inputs) +
          "] as in the run" + hint);
  if (p.nTest > 0) {
    PK_REQUIRE(h5::exists(file, "/test/X") && h5::exists(file, "/test/y") &&
                   static_cast<std::int64_t>(h5::shape(file, "/test/X")[0]) == p.nTest,
               "'" + p.dataFile + "' has no /test split of " + std::to_string(p.nTest) + " rows as in the run" + hint);
  }
  h5::Id config(PK_H5(H5Gopen2(run, "/config", H5P_DEFAULT)));
  if (h5::hasAttribute(config, "data_sha256")) {
    PK_REQUIRE(
        hashDataFile(p.dataFile, comm) == h5::stringAttribute(config, "data_sha256"),
        "'" + p.dataFile + "' is not the data the run was trained on (SHA-256 differs from /config data_sha256)");
  }
}

void requireKernel(hid_t run, const KrrProblem& p, KernelKind kind) {
  if (kind == KernelKind::Rbf) return;
  const std::string group = storedKernelGroup(kind);
  const bool tangent = kind != KernelKind::Path;
  PK_REQUIRE(h5::exists(run, group + "/train"),
             "'" + p.runPath + "' has no " + group + "/train" +
                 (tangent ? ": tangent kernels are stored only by runs trained with --tangent-kernels"
                          : ": the run was trained with --skip-train-kernels"));
}

}  // namespace

std::string storedKernelGroup(KernelKind kind) {
  switch (kind) {
    case KernelKind::Path:
      return "/kernel/path";
    case KernelKind::TangentInitial:
      return "/kernel/tangent/initial";
    case KernelKind::TangentFinal:
      return "/kernel/tangent/final";
    case KernelKind::Rbf:
      return "";
  }
  return "";
}

KrrProblem loadKrrProblem(const KrrSettings& s, const std::vector<KernelKind>& kernels, MPI_Comm comm) {
  KrrProblem p;
  p.runPath = s.run;
  h5::Id run = openRunFile(s.run, comm);
  {
    h5::Id config(PK_H5(H5Gopen2(run, "/config", H5P_DEFAULT)));
    p.loss = parseLoss(h5::stringAttribute(config, "loss"));
    p.outputs = h5::intAttribute(config, "outputs");
    p.nTrain = h5::intAttribute(config, "n_train");
    p.nTest = h5::intAttribute(config, "n_test");
    p.inputs = h5::intAttribute(config, "inputs");
    p.pathRule = h5::stringAttribute(config, "path_rule");
  }
  for (auto kind : kernels) requireKernel(run, p, kind);
  locateData(s, run, p);
  checkDataFile(s, run, p, comm);

  const Partition train(comm, p.nTrain), test(comm, p.nTest);
  {
    h5::Id data = p.dataPrefix.empty() ? h5::openFile(p.dataFile, comm) : h5::Id();
    const hid_t source = p.dataPrefix.empty() ? data.get() : run.get();
    p.trainY = readBlock(source, p.dataPrefix + "/train/y", train.begin(), train.localRows());
    if (p.nTest > 0) p.testY = readBlock(source, p.dataPrefix + "/test/y", test.begin(), test.localRows());
  }
  p.trainNetwork = readBlock(run, "/predict/train/network", train.begin(), train.localRows());
  p.trainMachine = readBlock(run, "/predict/train/kernel_machine", train.begin(), train.localRows());
  if (p.nTest > 0) {
    p.testNetwork = readBlock(run, "/predict/test/network", test.begin(), test.localRows());
    p.testMachine = readBlock(run, "/predict/test/kernel_machine", test.begin(), test.localRows());
  }
  return p;
}

Matrix readInputs(const KrrProblem& p, const std::string& split, std::int64_t first, std::int64_t rows, MPI_Comm comm) {
  h5::Id file = h5::openFile(p.dataFile, comm);
  return readBlock(file, p.dataPrefix + "/" + split + "/X", first, rows);
}

}  // namespace pk
