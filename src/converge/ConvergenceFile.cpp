// The converge table: its HDF5 file (format "pathkernel-converge") and its text form.
#include <cmath>
#include <iomanip>

#include "converge/Convergence.hpp"
#include "core/Error.hpp"
#include "io/H5.hpp"
#include "io/OutputFile.hpp"
#include "results/ConfigFile.hpp"
#include "results/Formats.hpp"

namespace pk {

void writeConvergenceFile(const std::string& path, const ConvergenceTable& t, const TrainSettings& base,
                          MPI_Comm comm) {
  OutputFile file(path, kConvergeFormat, kConvergeFormatVersion, comm);
  h5::setAttribute(file, "order", t.orderTrain);
  h5::setAttribute(file, "order_train", t.orderTrain);
  if (t.hasTest) h5::setAttribute(file, "order_test", t.orderTest);
  h5::setAttribute(file, "lr_times_steps", base.training.lr * static_cast<double>(base.training.steps));

  const hsize_t levels = t.levels.size();
  std::vector<double> lr, absTrain, relTrain, absTest, relTest;
  std::vector<std::int64_t> steps;
  for (const auto& level : t.levels) {
    lr.push_back(level.lr);
    steps.push_back(level.steps);
    absTrain.push_back(level.maxAbsTrain);
    relTrain.push_back(level.relTrain);
    absTest.push_back(level.maxAbsTest);
    relTest.push_back(level.relTest);
  }
  h5::writeReplicated(file, "/lr", {levels}, lr.data());
  h5::writeReplicated(file, "/steps", {levels}, steps.data());
  h5::writeReplicated(file, "/max_abs_residual_train", {levels}, absTrain.data());
  h5::writeReplicated(file, "/rel_residual_train", {levels}, relTrain.data());
  if (t.hasTest) {
    h5::writeReplicated(file, "/max_abs_residual_test", {levels}, absTest.data());
    h5::writeReplicated(file, "/rel_residual_test", {levels}, relTest.data());
  }
  const hsize_t q = t.gaussQ.size();
  if (q > 0) {
    h5::writeReplicated(file, "/gauss_q", {q}, t.gaussQ.data());
    h5::writeReplicated(file, "/gauss_max_abs_residual", {q}, t.gaussMaxAbs.data());
  }

  {
    h5::Id config = h5::ensureGroup(file, "/config");
    writeSettings(config, base, RunFacts{}, ConfigPart::ModelAndTraining);
    h5::setAttribute(config, "classes", base.classes);
    h5::setAttribute(config, "n_train", base.builtin.nTrain);
    h5::setAttribute(config, "n_test", base.builtin.nTest);
    h5::setAttribute(config, "inputs", base.builtin.inputs);
    h5::setAttribute(config, "halvings", static_cast<std::int64_t>(levels) - 1);
  }
  file.finish();
}

void printConvergence(std::ostream& out, const ConvergenceTable& t) {
  out << "left rule, lr * steps fixed:\n"
      << std::setw(12) << "lr" << std::setw(9) << "steps" << std::setw(14) << "max|r| train" << std::setw(14)
      << "rel train";
  if (t.hasTest) out << std::setw(14) << "max|r| test" << std::setw(14) << "rel test";
  out << "\n" << std::scientific << std::setprecision(3);
  for (const auto& level : t.levels) {
    out << std::setw(12) << level.lr << std::setw(9) << level.steps << std::setw(14) << level.maxAbsTrain
        << std::setw(14) << level.relTrain;
    if (t.hasTest) out << std::setw(14) << level.maxAbsTest << std::setw(14) << level.relTest;
    out << "\n";
  }
  out << std::defaultfloat << std::setprecision(4)
      << "fitted order of convergence (max|r| ~ lr^p): p = " << t.orderTrain << " (train)";
  if (t.hasTest) out << ", " << t.orderTest << " (test)";
  out << "; expected 1\n";
  if (t.gaussQ.empty()) return;
  out << "gauss:q rule at lr " << (t.levels.empty() ? 0.0 : t.levels.front().lr) << ":\n"
      << std::setw(12) << "q" << std::setw(14) << "max|r|"
      << "\n"
      << std::scientific << std::setprecision(3);
  for (std::size_t k = 0; k < t.gaussQ.size(); ++k)
    out << std::setw(12) << t.gaussQ[k] << std::setw(14) << t.gaussMaxAbs[k] << "\n";
  out << std::defaultfloat << std::setprecision(6);
}

}  // namespace pk
