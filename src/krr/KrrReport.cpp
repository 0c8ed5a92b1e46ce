#include "krr/KrrReport.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "core/Text.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk {

namespace {

std::string pad(const std::string& text, std::size_t width, bool right = false) {
  if (text.size() >= width) return text;
  const std::string space(width - text.size(), ' ');
  return right ? space + text : text + space;
}

bool classification(const KrrProblem& p) {
  return p.loss != Loss::Mse;
}

// The main metric of a split ("-" when the split is empty or the solve failed).
std::string mainMetric(const KrrProblem& p, const Scores& s, bool valid = true) {
  if (!valid || s.count == 0) return "-";
  return classification(p) ? formatNumber("%.4f", s.accuracy) : formatNumber("%.4e", s.mse);
}

std::string logloss(const KrrProblem& p, const Scores& s, bool valid = true) {
  if (!classification(p) || !valid || s.count == 0) return "-";
  return formatNumber("%.4f", s.logloss);
}

std::string targetsNote(const KrrProblem& p) {
  switch (p.loss) {
    case Loss::Mse:
      return "targets y as stored; error mean(f-y)^2 = the plain mean squared error over points and outputs, "
             "not the halved training loss: mean(f-y)^2 = (2/C) x loss";
    case Loss::Logistic:
      return "targets 2y-1 in {-1,+1}; class = sign of the fit; log-loss with p = clip((1+f)/2, 1e-3, 1-1e-3)";
    case Loss::Softmax:
      return "one-hot targets; class = argmax; log-loss with p_c = clip(f_c, 1e-3, 1) normalised";
  }
  return "";
}

void writeScores(const h5::Id& obj, const std::string& split, const KrrProblem& p, const Scores& s) {
  if (s.count == 0) return;
  if (classification(p)) {
    h5::setAttribute(obj, split + "_accuracy", s.accuracy);
    h5::setAttribute(obj, split + "_logloss", s.logloss);
  } else {
    h5::setAttribute(obj, split + "_mse", s.mse);
  }
}

void writeColumns(const h5::Id& file, const std::string& path, const Matrix& local, std::int64_t globalRows,
                  std::int64_t outputs, MPI_Comm comm) {
  const Partition part(comm, globalRows);
  std::vector<hsize_t> shape{static_cast<hsize_t>(globalRows)};
  if (outputs > 1) shape.push_back(static_cast<hsize_t>(outputs));
  h5::writeRows(file, path, shape, part.begin(), part.localRows(), local.data());
}

// Column widths of the table: wide enough for the headers the metric's name makes.
struct Widths {
  explicit Widths(const std::string& metric)
      : main(std::max<std::size_t>(12, metric.size() + 8)),
        network(std::max<std::size_t>(18, metric.size() + 15)),
        machine(std::max<std::size_t>(16, metric.size() + 12)) {}
  std::size_t main, network, machine;
};

}  // namespace

KrrReference scoreReference(const KrrProblem& p, MPI_Comm comm) {
  KrrReference r;
  r.networkTrain = score(p.loss, p.trainNetwork, p.trainY, OutputMeaning::Logits, comm);
  r.machineTrain = score(p.loss, p.trainMachine, p.trainY, OutputMeaning::Logits, comm);
  if (p.nTest > 0) {
    r.networkTest = score(p.loss, p.testNetwork, p.testY, OutputMeaning::Logits, comm);
    r.machineTest = score(p.loss, p.testMachine, p.testY, OutputMeaning::Logits, comm);
  }
  return r;
}

void printKrrReport(std::ostream& os, const KrrProblem& p, const std::vector<KrrRow>& rows, const KrrReference& ref) {
  // For mse the header says what is measured: the plain mean squared error, not the halved loss.
  const std::string metric = classification(p) ? "acc" : "mean(f-y)^2";
  const Widths w(metric);
  os << "kernel ridge regression (K + lambda I) alpha = y on " << p.runPath << ": N = " << p.nTrain
     << " train, M = " << p.nTest << " test, C = " << p.outputs << ", loss " << toString(p.loss) << "\n"
     << "  " << targetsNote(p) << "\n";
  for (std::size_t k = 0; k < rows.size(); ++k)
    if (k == 0 || rows[k].kernel != rows[k - 1].kernel)
      os << "  " << pad(toString(rows[k].kernel) + ":", 17) << rows[k].description << "\n";
  if (!rows.empty())
    os << "  solver: KSP " << rows[0].solution.kspType << ", PC " << rows[0].solution.pcType << ", rtol "
       << formatNumber("%.1e", rows[0].solution.rtol)
       << "; residual = |y - (K + lambda I) alpha| / |y| (max over outputs)\n";
  os << "\n"
     << pad("kernel", 16) << pad("lambda", 9, true) << pad("iters", 7, true) << pad("residual", 10, true) << "  "
     << pad("status", 8) << pad("train " + metric, w.main, true) << pad("test " + metric, w.main, true)
     << pad("test logloss", 14, true) << "  |" << pad("network test " + metric, w.network, true)
     << pad("y_KM test " + metric, w.machine, true) << "\n";
  const std::string netTest = mainMetric(p, ref.networkTest), kmTest = mainMetric(p, ref.machineTest);
  for (const auto& row : rows) {
    const auto& s = row.solution;
    os << pad(toString(row.kernel), 16) << pad(formatNumber("%.3g", s.lambda), 9, true)
       << pad(std::to_string(s.iterations), 7, true) << pad(formatNumber("%.1e", s.relResidual), 10, true) << "  "
       << pad(s.ok ? "ok" : "FAILED", 8) << pad(mainMetric(p, row.train, s.ok), w.main, true)
       << pad(mainMetric(p, row.test, s.ok), w.main, true) << pad(logloss(p, row.test, s.ok), 14, true) << "  |"
       << pad(netTest, w.network, true) << pad(kmTest, w.machine, true) << "\n";
  }
  for (const auto& [name, train, test] : {std::make_tuple("network", ref.networkTrain, ref.networkTest),
                                          std::make_tuple("y_KM (run)", ref.machineTrain, ref.machineTest)}) {
    os << pad(name, 16) << pad("", 9 + 7 + 10 + 2 + 8) << pad(mainMetric(p, train), w.main, true)
       << pad(mainMetric(p, test), w.main, true) << pad(logloss(p, test), 14, true) << "\n";
  }
  for (const auto& row : rows) {
    if (row.solution.ok) continue;
    const auto& sol = row.solution;
    const bool itsOut = sol.status == "DIVERGED_ITS";
    os << "\n"
       << toString(row.kernel) << ", lambda " << formatNumber("%.3g", sol.lambda) << ": FAILED, " << sol.status
       << " after " << sol.iterations << " iterations (residual " << formatNumber("%.1e", sol.relResidual) << "). "
       << (itsOut ? "K + lambda I is too ill-conditioned for this many iterations: try a larger --ridge or -ksp_max_it."
                  : "K + lambda I is not positive definite enough for " + sol.kspType +
                        ": try a larger --ridge, or -ksp_type gmres.");
  }
  os << std::endl;
}

void writeKrrFile(const std::string& path, const KrrSettings& s, const KrrProblem& p, const std::vector<KrrRow>& rows,
                  const KrrReference& ref, MPI_Comm comm) {
  OutputFile file(path, kKrrFormat, kKrrFormatVersion, comm);
  {
    h5::Id config = h5::ensureGroup(file, "/config");
    h5::setAttribute(config, "run", s.run);
    h5::setAttribute(config, "kernel", s.kernels);
    h5::setAttribute(config, "ridge", s.ridge);
    h5::setAttribute(config, "bandwidth", s.bandwidth);
    h5::setAttribute(config, "data", p.dataFile);
    h5::setAttribute(config, "queries", s.queries);
    h5::setAttribute(config, "rtol", s.rtol);
    h5::setAttribute(config, "petsc_options", s.petscOptions);
    h5::setAttribute(config, "loss", toString(p.loss));
    h5::setAttribute(config, "outputs", p.outputs);
    h5::setAttribute(config, "targets", targetsNote(p));
  }
  {
    h5::Id network = h5::ensureGroup(file, "/reference/network");
    writeScores(network, "train", p, ref.networkTrain);
    writeScores(network, "test", p, ref.networkTest);
    h5::Id machine = h5::ensureGroup(file, "/reference/kernel_machine");
    writeScores(machine, "train", p, ref.machineTrain);
    writeScores(machine, "test", p, ref.machineTest);
  }
  std::map<std::string, std::int64_t> counter;  // solves written so far per kernel
  for (const auto& row : rows) {
    const std::string kernel = toString(row.kernel);
    const std::string group = "/solve/" + kernel + "/" + std::to_string(counter[kernel]++);
    const auto& sol = row.solution;
    writeColumns(file, group + "/alpha", sol.alpha, p.nTrain, p.outputs, comm);
    writeColumns(file, group + "/predict_train", sol.trainPrediction, p.nTrain, p.outputs, comm);
    if (p.nTest > 0) writeColumns(file, group + "/predict_test", sol.testPrediction, p.nTest, p.outputs, comm);
    h5::Id g = h5::ensureGroup(file, group);
    h5::setAttribute(g, "kernel", kernel);
    h5::setAttribute(g, "description", row.description);
    h5::setAttribute(g, "lambda", sol.lambda);
    h5::setFlagAttribute(g, "ok", sol.ok);
    h5::setAttribute(g, "status", sol.status);
    h5::setAttribute(g, "iterations", sol.iterations);
    h5::setAttribute(g, "rel_residual", sol.relResidual);
    h5::setAttribute(g, "ksp_type", sol.kspType);
    h5::setAttribute(g, "pc_type", sol.pcType);
    h5::setAttribute(g, "rtol", sol.rtol);
    writeScores(g, "train", p, row.train);
    writeScores(g, "test", p, row.test);
  }
  file.finish();
}

}  // namespace pk
