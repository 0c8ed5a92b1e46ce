#include "explain/Predict.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/Error.hpp"
#include "core/Partition.hpp"
#include "data/InputShape.hpp"
#include "data/Validate.hpp"
#include "explain/Explanation.hpp"
#include "explain/QuerySpec.hpp"
#include "explain/ReportText.hpp"
#include "io/OutputFile.hpp"
#include "model/Loss.hpp"
#include "model/Network.hpp"
#include "results/Formats.hpp"
#include "results/QuerySource.hpp"
#include "results/RunModel.hpp"
#include "results/RunReader.hpp"

namespace pk::explain {

namespace {

// Per row: logistic, the probability of class 1; softmax, of every class.
Matrix probabilities(Loss loss, const Matrix& f) {
  if (loss == Loss::Mse) return Matrix();
  Matrix p(f.rows(), f.cols());
  for (std::int64_t r = 0; r < f.rows(); ++r) {
    const auto classes = classProbabilities(loss, f.row(r), f.cols());
    std::copy(classes.end() - f.cols(), classes.end(), p.row(r));
  }
  return p;
}

}  // namespace

Predictions predict(const std::string& runPath, const std::string& querySpec, MPI_Comm comm) {
  const RunReader run(runPath, comm);
  run.requireRunFile("predict");
  Predictions p;
  const auto [file, group] = querySource(querySpec);
  p.queries = readQueryFile(file, group, comm);
  PK_REQUIRE(p.queries.inputs == run.inputs(), "the query points of '" + querySpec +
                                                   "' have D = " + std::to_string(p.queries.inputs) +
                                                   " but the run has D = " + std::to_string(run.inputs()));
  // Flat query rows take the run's image shape (/config input_shape); images must have it.
  PK_REQUIRE(p.queries.inputShape.empty() || run.inputShape().empty() || p.queries.inputShape == run.inputShape(),
             "the query points of '" + querySpec + "' are images of shape " + inputShapeText(p.queries.inputShape) +
                 " but the run was trained on images of shape " + inputShapeText(run.inputShape()));
  requireFiniteRows(p.queries.block.x, p.queries.block.firstRow, "the query points of '" + querySpec + "'", comm);
  const Network model = networkOf(run);
  p.loss = run.loss();
  p.outputs = run.outputs();
  // Predictions are [n, C] when the run's are (C > 1, or targets given as [N, C]).
  p.matrixShape = run.shape("/predict/train/network").size() == 2;
  p.network = model.forward(readParameters(run, model, "final").data(), p.queries.block.x).output();
  p.initial = model.forward(readParameters(run, model, "initial").data(), p.queries.block.x).output();
  p.probability = probabilities(p.loss, p.network);
  // Names only label the classes: a data file that moved or changed costs them, not the predictions.
  try {
    p.classNames = classNamesOf(run);
  } catch (const InputError&) {
    p.classNames.clear();
  }
  return p;
}

void writePredictions(const std::string& path, const std::string& run, const std::string& queries, const Predictions& p,
                      MPI_Comm comm) {
  OutputFile file(path, kPredictionsFormat, kPredictionsFormatVersion, comm);
  h5::setAttribute(file, "run", run);
  h5::setAttribute(file, "queries", queries);
  h5::setAttribute(file, "loss", toString(p.loss));
  if (!p.classNames.empty()) {
    std::string names;
    for (const auto& name : p.classNames) names += (names.empty() ? "" : ",") + name;
    h5::setAttribute(file, "class_names", names);
  }
  const DataBlock& q = p.queries.block;
  const auto n = static_cast<hsize_t>(q.globalRows), c = static_cast<hsize_t>(p.outputs);
  const std::vector<hsize_t> shape = p.matrixShape ? std::vector<hsize_t>{n, c} : std::vector<hsize_t>{n};
  h5::writeRows(file, "/predict/query/network", shape, q.firstRow, q.x.rows(), p.network.data());
  h5::writeRows(file, "/predict/query/initial", shape, q.firstRow, q.x.rows(), p.initial.data());
  if (p.loss != Loss::Mse) {
    std::vector<std::int64_t> classes;
    for (std::int64_t r = 0; r < p.network.rows(); ++r)
      classes.push_back(predictedClass(p.loss, p.network.row(r), p.outputs));
    h5::writeRows(file, "/predict/query/class", {n}, q.firstRow, q.x.rows(), classes.data());
    const std::vector<hsize_t> probShape = p.loss == Loss::Logistic ? std::vector<hsize_t>{n} : shape;
    h5::writeRows(file, "/predict/query/probability", probShape, q.firstRow, q.x.rows(), p.probability.data());
  }
  h5::writeRows(file, "/queries/X", {n, static_cast<hsize_t>(p.queries.inputs)}, q.firstRow, q.x.rows(), q.x.data());
  file.finish();
}

void printPredictions(std::ostream* out, const Predictions& p, const std::string& format, MPI_Comm comm) {
  const Partition rows(comm, p.queries.block.globalRows);
  const auto network = allgatherRows(rows, p.network.data(), p.outputs);
  const auto initial = allgatherRows(rows, p.initial.data(), p.outputs);
  const std::int64_t pc = p.loss == Loss::Mse ? 0 : p.probability.cols();
  const auto probability = allgatherRows(rows, p.probability.data(), pc);
  if (!out) return;
  const bool csv = format == "csv", json = format == "json";
  const bool classes = p.loss != Loss::Mse;
  auto values = [&](const std::vector<double>& v, std::int64_t r, std::int64_t width, const char* sep) {
    std::ostringstream os;
    os << std::setprecision(csv || json ? 17 : 6);
    for (std::int64_t c = 0; c < width; ++c) os << (c ? sep : "") << v[static_cast<std::size_t>(r * width + c)];
    return os.str();
  };
  if (csv) *out << "query,network,initial" << (classes ? ",class,class_name,probability" : "") << "\n";
  if (json) {
    *out << "{\"loss\": \"" << toString(p.loss) << "\"";
    if (!p.classNames.empty()) {
      *out << ", \"class_names\": [";
      for (std::size_t k = 0; k < p.classNames.size(); ++k) *out << (k ? ", " : "") << text::quoted(p.classNames[k]);
      *out << "]";
    }
    *out << ", \"queries\": [";
  }
  for (std::int64_t r = 0; r < rows.globalRows(); ++r) {
    const std::int64_t cls =
        classes ? predictedClass(p.loss, &network[static_cast<std::size_t>(r * p.outputs)], p.outputs) : 0;
    // The probability of the predicted class.
    const double p1 = p.loss == Loss::Logistic ? probability[static_cast<std::size_t>(r)] : 0.0;
    const double prob = !classes                   ? 0.0
                        : p.loss == Loss::Logistic ? (cls == 1 ? p1 : 1.0 - p1)
                                                   : probability[static_cast<std::size_t>(r * pc + cls)];
    if (csv)
      *out << r << "," << values(network, r, p.outputs, ";") << "," << values(initial, r, p.outputs, ";");
    else if (json)
      *out << (r ? ",\n  " : "\n  ") << "{\"query\": " << r << ", \"network\": [" << values(network, r, p.outputs, ", ")
           << "], \"initial\": [" << values(initial, r, p.outputs, ", ") << "]";
    else
      *out << "query:" << std::left << std::setw(6) << r << std::right << "  f_S " << values(network, r, p.outputs, " ")
           << "  f_0 " << values(initial, r, p.outputs, " ");
    if (classes) {
      const std::string name = text::nameOf(static_cast<double>(cls), p.classNames);
      if (csv) *out << "," << cls << "," << text::csvField(name) << "," << std::setprecision(17) << prob;
      if (json)
        *out << ", \"class\": " << cls << ", \"class_name\": " << text::jsonName(name)
             << ", \"probability\": " << std::setprecision(17) << prob;
      if (!csv && !json)
        *out << "  class " << text::named(static_cast<double>(cls), p.classNames, "?")
             << " (p = " << std::setprecision(4) << prob << ")";
    }
    *out << (json ? "}" : "\n") << std::setprecision(6);
  }
  if (json) *out << "\n]}\n";
}

}  // namespace pk::explain
