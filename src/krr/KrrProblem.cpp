#include "krr/KrrProblem.hpp"

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "core/Sha256.hpp"
#include "io/H5.hpp"
#include "results/RunReader.hpp"

namespace pk {

namespace {

Matrix readBlock(const h5::Id& file, const std::string& path, std::int64_t first, std::int64_t rows) {
  const auto dims = h5::shape(file, path);
  const std::int64_t cols = dims.size() > 1 ? static_cast<std::int64_t>(dims[1]) : 1;
  Matrix m(rows, cols);
  m.values() = h5::readRows(file, path, first, rows);
  return m;
}

// snapshot:J needs a run trained with --snapshots that has a J-th snapshot.
void requireSnapshot(const RunReader& run, const KrrProblem& p, const KernelChoice& kernel) {
  PK_REQUIRE(run.has("/snapshots/steps"), "--kernel " + toString(kernel) + ": '" + p.runPath +
                                              "' has no kernel snapshots (train with --snapshots 0,10,100 or log:K)");
  const auto count = static_cast<std::int64_t>(h5::shape(run.file(), "/snapshots/steps").at(0));
  PK_REQUIRE(kernel.snapshot < count, "--kernel " + toString(kernel) + ": '" + p.runPath + "' has " +
                                          std::to_string(count) +
                                          " snapshots, snapshot:0 .. snapshot:" + std::to_string(count - 1));
}

void requireKernel(const RunReader& run, const KrrProblem& p, const KernelChoice& kernel) {
  if (kernel.kind == KernelKind::Rbf) return;
  if (kernel.kind == KernelKind::Snapshot) requireSnapshot(run, p, kernel);
  const std::string group = storedKernelGroup(kernel.kind);
  const bool tangent = kernel.kind == KernelKind::TangentInitial || kernel.kind == KernelKind::TangentFinal;
  PK_REQUIRE(run.has(group + "/train"),
             "'" + p.runPath + "' has no " + group + "/train" +
                 (tangent ? ": tangent kernels are stored only by runs trained with --tangent-kernels"
                          : ": the run was trained with --skip-train-kernels"));
}

// The held-out rows' targets (from `targetsFile`) and the network's and the kernel machine's predictions.
void readHeldOut(KrrProblem& p, const h5::Id& rowsFile, const std::string& targetsFile, const std::string& targets,
                 MPI_Comm comm) {
  const Partition test(comm, p.nTest);
  {
    const h5::Id source = h5::openFile(targetsFile, comm);
    PK_REQUIRE(h5::exists(source, targets),
               "'" + targetsFile + "' has no " + targets + ": the held-out points need targets");
    p.testY = readBlock(source, targets, test.begin(), test.localRows());
  }
  const std::string predict = "/predict/" + p.testSet;
  p.testNetwork = readBlock(rowsFile, predict + "/network", test.begin(), test.localRows());
  p.testMachine = readBlock(rowsFile, predict + "/kernel_machine", test.begin(), test.localRows());
}

// A replay's queries file of this very run, holding the kernels asked for.
void requireQueriesOf(const RunReader& queries, const std::string& runPath, const std::vector<KernelChoice>& kernels,
                      MPI_Comm comm) {
  PK_REQUIRE(queries.isQueries(), "--queries '" + queries.path() + "' is not a queries file (pathkernel replay)");
  PK_REQUIRE(h5::stringAttribute(queries.file(), "run_sha256") == sha256OfFileOnRoot(runPath, comm),
             "'" + queries.path() + "' was replayed from another run than '" + runPath + "' (its run_sha256 differs)");
  for (const auto& kernel : kernels)
    PK_REQUIRE(kernel.kind == KernelKind::Rbf || queries.has(storedKernelGroup(kernel.kind) + "/query"),
               "'" + queries.path() + "' has no " + storedKernelGroup(kernel.kind) + "/query");
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
    case KernelKind::Snapshot:
      return "/snapshots/tangent";
    case KernelKind::Rbf:
      return "";
  }
  return "";
}

KrrProblem loadKrrProblem(const KrrSettings& s, const std::vector<KernelChoice>& kernels, MPI_Comm comm) {
  const RunReader run(s.run, comm);
  run.requireRunFile("krr");
  KrrProblem p;
  p.runPath = s.run;
  p.loss = run.loss();
  p.outputs = run.outputs();
  p.nTrain = run.trainRows();
  p.nTest = run.rows("test");
  p.inputs = run.inputs();
  p.pathRule = run.settings().pathRule.name();
  for (const auto& kernel : kernels) requireKernel(run, p, kernel);
  const DataLocation data = run.data(s.data);
  p.dataFile = data.file;
  p.dataPrefix = data.prefix;

  const Partition train(comm, p.nTrain);
  {
    const h5::Id source = h5::openFile(p.dataFile, comm);
    p.trainY = readBlock(source, p.dataPrefix + "/train/y", train.begin(), train.localRows());
  }
  p.trainNetwork = readBlock(run.file(), "/predict/train/network", train.begin(), train.localRows());
  p.trainMachine = readBlock(run.file(), "/predict/train/kernel_machine", train.begin(), train.localRows());
  if (s.queries.empty()) {
    p.testSource = s.run;
    p.testInputsFile = p.dataFile;
    p.testInputs = p.dataPrefix + "/test/X";
    if (p.nTest > 0) readHeldOut(p, run.file(), p.dataFile, p.dataPrefix + "/test/y", comm);
  } else {
    const RunReader queries(s.queries, comm);
    requireQueriesOf(queries, s.run, kernels, comm);
    p.testSource = p.testInputsFile = s.queries;
    p.testSet = "query";
    p.testInputs = "/queries/X";
    p.nTest = queries.rows("query");
    readHeldOut(p, queries.file(), s.queries, "/queries/y", comm);
  }
  return p;
}

Matrix readInputs(const KrrProblem& p, const std::string& split, std::int64_t first, std::int64_t rows, MPI_Comm comm) {
  const bool heldOut = split != "train";
  h5::Id file = h5::openFile(heldOut ? p.testInputsFile : p.dataFile, comm);
  return readBlock(file, heldOut ? p.testInputs : p.dataPrefix + "/train/X", first, rows);
}

}  // namespace pk
