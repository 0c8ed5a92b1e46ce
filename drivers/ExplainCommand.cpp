// pathkernel explain: a prediction as a sum over training examples.
//   1. parse  2. validate  3. build (open the run, read the labels, resolve the queries)
//   4. run (explain each query, or aggregate)  5. report on rank 0.
// Every rank opens the run file and reads the same rows, so bad input throws
// the same InputError everywhere; the work itself is in src/explain.
#include <boost/program_options.hpp>

#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "core/Options.hpp"
#include "explain/Aggregate.hpp"
#include "explain/Explanation.hpp"
#include "explain/QuerySpec.hpp"
#include "explain/Report.hpp"
#include "results/RunReader.hpp"

namespace po = boost::program_options;

namespace pk::cli {

namespace {

struct ExplainSettings {
  std::string run;
  std::vector<std::string> queries;
  std::int64_t top = 10;
  std::string format = "table";
  std::int64_t output = -1;  // --class; -1 = the network's predicted class
  bool aggregate = false;
  std::string data;
  std::vector<std::string> problems;  // values that did not parse
};

po::options_description describe(ExplainSettings& s) {
  po::options_description d("pathkernel explain options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("run", po::value(&s.run), "run file written by pathkernel train")
      ("query", po::value(&s.queries)->composing(),
       "points: test:17, test:0-9, test:11,14 (one SET: for several rows), test:label=3 (every test point of "
       "class 3), test:misclassified and test:correct (predicted class against the label), test:all, train:5; "
       "comma-separated or repeated")
      ("top", checkedValue(&s.top, &s.problems, "top")->default_value(s.top),
       "proponents and opponents listed per query, >= 1")
      ("format", po::value(&s.format)->default_value(s.format), "table|csv|json")
      ("class", checkedValue(&s.output, &s.problems, "class")->default_value(s.output),
       "the class the scores point toward (logistic 0|1, softmax 0..C-1) or the output explained (mse); "
       "-1 = the predicted class (mse: output 0)")
      ("aggregate", po::bool_switch(&s.aggregate),
       "over the --query points (default: all test points): the training examples with the largest total "
       "score sum_x score(x,i), and the largest self-influence")
      ("data", po::value(&s.data),
       "data file with the labels (README: Input data); default: the run's /data or its /config data file, "
       "checked against its SHA-256");
  // clang-format on
  return d;
}

void printHelp(const po::options_description& d) {
  std::cout << "usage: pathkernel explain --run RUN.h5 --query test:17 [options]\n"
            << "       pathkernel explain --run RUN.h5 --aggregate [--query test:label=3]\n\n"
            << "f_S(x) = b(x) + sum_i C(x,i) + r(x): the network's prediction as a sum over the training examples\n"
            << "i. Proponents support the predicted class most (largest score), opponents oppose it most:\n"
            << "  logistic  score = s C(x,i), s = +1 toward class 1 (f_S(x) > 0), -1 toward class 0\n"
            << "  softmax   score = C_k(x,i) - mean_c C_c(x,i), k the predicted class (or --class)\n"
            << "  mse       score = C_k(x,i), k the output (--class, default 0)\n"
            << "(README: Explaining a prediction; docs/THEORY.md: Support for a prediction)\n\n"
            << d;
}

// Every problem with the options at once (the run's own checks come after it is opened).
void validate(const ExplainSettings& s) {
  std::vector<std::string> problems = s.problems;
  if (s.run.empty()) problems.push_back("explain needs --run RUN.h5 (see pathkernel explain --help)");
  if (!s.aggregate && s.queries.empty()) problems.push_back("explain needs --query (e.g. test:17) or --aggregate");
  if (s.top < 1) problems.push_back("--top must be >= 1");
  if (s.output < -1) problems.push_back("--class must be >= 0 (or -1 = the predicted class)");
  collectProblem(problems, [&] { explain::parseFormat(s.format); });
  collectProblem(problems, [&] { explain::parseQuerySelections(s.queries); });
  requireValidSettings(problems);
}

}  // namespace

int explain(int argc, char** argv, int rank) {
  // 1. parse
  ExplainSettings s;
  const auto description = describe(s);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "explain");
  if (vm.count("help")) {
    if (rank == 0) printHelp(description);
    return 0;
  }

  // 2. validate
  validate(s);
  const explain::Format format = explain::parseFormat(s.format);
  const auto selections = explain::parseQuerySelections(s.queries);

  // 3. build
  const RunReader run(s.run, MPI_COMM_WORLD);
  const explain::QuerySets sets = explain::querySetsOf(run, s.data);
  explain::requireClass(run.loss(), run.outputs(), s.output);
  // Without --query: every test point of a run, every point of a replay's queries file.
  const std::string pointsSet = run.isQueries() ? "query" : "test";
  PK_REQUIRE(!selections.empty() || run.rows(pointsSet) > 0,
             "--aggregate without --query covers the test points, and '" + s.run +
                 "' has none: give --query train:all (or other training points)");
  const std::vector<explain::QuerySelection> chosen =
      selections.empty() ? std::vector<explain::QuerySelection>{{pointsSet, explain::QuerySelection::Kind::All}}
                         : selections;
  const auto points = explain::resolveQueries(chosen, sets);
  const bool integerLabels = sets.classification;

  // 4. run  5. report
  if (s.aggregate) {
    std::string over;
    for (const auto& selection : chosen) over += (over.empty() ? "" : ",") + selection.text();
    const auto aggregate = explain::aggregateInfluence(run, points, over, s.output, s.top, sets);
    if (rank == 0) explain::printAggregate(std::cout, aggregate, format, sets.train.note, integerLabels);
    return 0;
  }
  std::vector<explain::QueryExplanation> explanations;
  for (const auto& point : points) explanations.push_back(explain::explainQuery(run, point, s.output, s.top, sets));
  if (rank == 0) explain::printExplanations(std::cout, explanations, format, sets.train.note, integerLabels);
  // Domingos' a_i = C / K^p assumes plain gradient descent; with memory the optimizer's part is in C alone.
  const OptimizerKind optimizer = run.settings().training.optimizer.kind;
  if (rank == 0 && format == explain::Format::Table && run.outputs() == 1 && optimizer != OptimizerKind::Sgd)
    std::cout << "\nnote: this run used " << toString(optimizer)
              << ": a_i(x) = C(x,i)/K^p(x,x_i) is not Domingos' coefficient. K^p is the plain path kernel; the "
                 "optimizer's memory and preconditioner are in C(x,i) only (docs/THEORY.md, Optimizers), so a_i "
                 "is a ratio, not the weight of example i in a kernel machine over K^p\n";
  return 0;
}

}  // namespace pk::cli
