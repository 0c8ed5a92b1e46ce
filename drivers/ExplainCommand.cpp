// pathkernel explain: a prediction as a sum over training examples.
//   1. parse  2. validate  3. build (open the run, read the labels)
//   4. run (explain each query, or aggregate)  5. report on rank 0.
// Every rank opens the run file and reads the same rows, so bad input throws
// the same InputError everywhere; the work itself is in src/explain.
#include <boost/program_options.hpp>

#include <iostream>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "explain/Aggregate.hpp"
#include "explain/Explanation.hpp"
#include "explain/QuerySpec.hpp"
#include "explain/Report.hpp"
#include "run/RunReader.hpp"
#include "core/Options.hpp"

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
};

po::options_description describe(ExplainSettings& s) {
  po::options_description d("pathkernel explain options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("run", po::value(&s.run), "run file written by pathkernel train")
      ("query", po::value(&s.queries)->composing(),
       "points to explain: test:17, test:0-9, train:5, comma-separated or repeated")
      ("top", po::value(&s.top)->default_value(s.top), "proponents and opponents listed per query, >= 1")
      ("format", po::value(&s.format)->default_value(s.format), "table|csv|json")
      ("class", po::value(&s.output)->default_value(s.output),
       "output (class) explained when C > 1; -1 = the network's predicted class (softmax) or output 0")
      ("aggregate", po::bool_switch(&s.aggregate),
       "over all test points: largest total contributions sum_x C(x,i), and largest self-influence C(x_i,i)");
  // clang-format on
  return d;
}

}  // namespace

int explain(int argc, char** argv, int rank) {
  // 1. parse
  ExplainSettings s;
  const auto description = describe(s);
  po::variables_map vm;
  parseOptions(argc, argv, description, vm, "explain");
  if (vm.count("help")) {
    if (rank == 0) std::cout << "usage: pathkernel explain --run RUN.h5 --query test:17 [options]\n\n" << description;
    return 0;
  }

  // 2. validate
  PK_REQUIRE(!s.run.empty(), "explain needs --run RUN.h5 (see pathkernel explain --help)");
  PK_REQUIRE(s.aggregate || !s.queries.empty(), "explain needs --query (e.g. test:17) or --aggregate");
  PK_REQUIRE(s.top >= 1, "--top must be >= 1");
  PK_REQUIRE(s.output >= -1, "--class must be >= 0 (or -1 = the predicted class)");
  const explain::Format format = explain::parseFormat(s.format);
  const auto points = explain::parseQueries(s.queries);

  // 3. build
  const RunReader run(s.run, MPI_COMM_WORLD);
  PK_REQUIRE(s.output < run.outputs(), "--class " + std::to_string(s.output) + " is out of range: the run has " +
                                           std::to_string(run.outputs()) + " output(s) (0.." +
                                           std::to_string(run.outputs() - 1) + ")");
  const Labels labels = run.labels();
  const bool integerLabels = run.loss() == Loss::Softmax;

  // 4. run  5. report
  std::vector<explain::QueryExplanation> explanations;
  for (const auto& point : points) explanations.push_back(explain::explainQuery(run, point, s.output, s.top, labels));
  if (rank == 0 && !explanations.empty())
    explain::printExplanations(std::cout, explanations, format, labels.note, integerLabels);
  if (s.aggregate) {
    const auto aggregate = explain::aggregateInfluence(run, s.output, s.top, labels);
    if (rank == 0) {
      if (!explanations.empty() && format == explain::Format::Table) std::cout << "\n";
      explain::printAggregate(std::cout, aggregate, format, labels.note, integerLabels);
    }
  }
  return 0;
}

}  // namespace pk::cli
