// pathkernel bench: 1. parse  2. run (library)  3. report on rank 0.
#include <boost/program_options.hpp>

#include <iostream>

#include "Commands.hpp"
#include "bench/Benchmark.hpp"
#include "core/Error.hpp"
#include "core/Options.hpp"
#include "settings/Settings.hpp"

namespace po = boost::program_options;

namespace pk::cli {

int bench(int argc, char** argv, int rank) {
  BenchSettings s;
  std::string hidden = "64,64", layers, inputShape, pathRule = "left", optimizer = "sgd";
  po::options_description d("pathkernel bench options (built-in regression data)");
  // clang-format off
  d.add_options()("help,h", "print this help and exit")
      ("n-train", po::value(&s.nTrain)->default_value(s.nTrain), "training examples N")
      ("n-test", po::value(&s.nTest)->default_value(s.nTest), "test examples M")
      ("inputs", po::value(&s.inputs)->default_value(s.inputs), "input dimension D")
      ("hidden", po::value(&hidden)->default_value(hidden), "hidden widths")
      ("layers", po::value(&layers),
       "the layers as pathkernel train takes them (conv:K:k, avgpool:k, maxpool:k, dense:H); not with --hidden")
      ("input-shape", po::value(&inputShape), "C,H,W: the built-in rows as images (sets D = C*H*W)")
      ("path-rule", po::value(&pathRule)->default_value(pathRule), "left | gauss:q")
      ("optimizer", po::value(&optimizer)->default_value(optimizer),
       "sgd|momentum|adam|adamw; with memory, the attribution is timed apart")
      ("steps", po::value(&s.steps)->default_value(s.steps), "timed steps");
  // clang-format on
  po::variables_map vm;
  parseOptions(argc, argv, d, vm, "bench");
  if (vm.count("help")) {
    if (rank == 0)
      std::cout << "usage: pathkernel bench [options]\n\n"
                << "Times one step of the kernel accumulation on built-in regression data and compares\n"
                << "its speed with a DGEMM measured in the same run (README: Speed).\n\n"
                << d << "\n";
    return 0;
  }
  PK_REQUIRE(s.nTrain >= 1 && s.nTest >= 0 && s.inputs >= 1 && s.steps >= 1,
             "bench needs --n-train >= 1, --n-test >= 0, --inputs >= 1, --steps >= 1");
  s.hidden = parseHidden(hidden);
  s.layersGiven = vm.count("layers") > 0;
  PK_REQUIRE(!s.layersGiven || vm["hidden"].defaulted(), "bench: --hidden and --layers given together: give one");
  if (s.layersGiven) s.layers = parseLayers(layers);
  s.inputShape = parseInputShape(inputShape);
  if (!s.inputShape.empty()) {
    const std::int64_t values = s.inputShape[0] * s.inputShape[1] * s.inputShape[2];
    PK_REQUIRE(vm["inputs"].defaulted() || s.inputs == values, "bench: --inputs " + std::to_string(s.inputs) +
                                                                   " disagrees with --input-shape " + inputShape +
                                                                   " (C*H*W = " + std::to_string(values) + ")");
    s.inputs = values;
  }
  s.pathRule = PathRule::parse(pathRule);
  s.optimizer = parseOptimizer(optimizer);
  int ranks = 1;
  PK_MPI(MPI_Comm_size(MPI_COMM_WORLD, &ranks));
  const BenchResult result = runBenchmark(s, MPI_COMM_WORLD);
  if (rank == 0) printBenchmark(std::cout, s, result, ranks);
  return 0;
}

}  // namespace pk::cli
