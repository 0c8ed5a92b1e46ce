// pathkernel data: a data file made from IDX image files (the MNIST family).
//   1. parse  2. validate  3. run (the library)  4. report.
#include <boost/program_options.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>

#include "Commands.hpp"
#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/Options.hpp"
#include "core/Text.hpp"
#include "data/ImageDataFile.hpp"
#include "io/OutputFile.hpp"

namespace po = boost::program_options;

namespace pk::cli {

namespace {

std::vector<std::int64_t> parseClasses(const std::string& text, std::vector<std::string>& problems) {
  std::vector<std::int64_t> classes;
  if (text.empty()) return classes;
  std::set<std::int64_t> seen;
  for (const std::string& item : splitList(text)) {
    char* end = nullptr;
    const long value = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || value < 0 || value > 255) {
      problems.push_back("--classes '" + text + "': '" + item + "' is not a label 0..255");
    } else if (!seen.insert(value).second) {
      problems.push_back("--classes '" + text + "' names class " + item + " twice");
    } else {
      classes.push_back(value);
    }
  }
  if (text.back() == ',') problems.push_back("--classes '" + text + "' ends with a comma");
  if (problems.empty() && classes.size() < 2) problems.push_back("--classes needs at least two classes");
  return classes;
}

}  // namespace

int data(int argc, char** argv, int rank) {
  // 1. parse
  ImageDataRequest request;
  IdxSources& s = request.sources;
  std::string classes;
  bool fashion = false, force = false;
  std::vector<std::string> problems;
  po::options_description d("pathkernel data options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("train-images", po::value(&s.trainImages), "IDX images [n, rows, cols] of the training set (plain or .gz)")
      ("train-labels", po::value(&s.trainLabels), "IDX labels [n] of the training set")
      ("test-images", po::value(&s.testImages), "IDX images of the test set (optional, with --test-labels)")
      ("test-labels", po::value(&s.testLabels), "IDX labels of the test set")
      ("fashion-mnist", po::bool_switch(&fashion),
       "the four files of Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist)")
      ("classes", po::value(&classes), "labels to keep, renumbered 0.. in this order (default: every class "
       "of the training labels, ascending); two classes make a logistic file, more a softmax file")
      ("n-train", checkedValue(&request.nTrain, &problems, "n-train"),
       "a class-stratified sample of this many training examples (default: all)")
      ("n-test", checkedValue(&request.nTest, &problems, "n-test"),
       "a class-stratified sample of this many test examples (default: all)")
      ("seed", checkedValue(&request.seed, &problems, "seed")->default_value(1), "seed of the samples")
      ("out", po::value(&request.out), "the data file to write")
      ("force", po::bool_switch(&force), "replace --out if it exists");
  // clang-format on
  po::variables_map vm;
  parseOptions(argc, argv, d, vm, "data");
  if (vm.count("help")) {
    if (rank == 0)
      std::cout << "usage: pathkernel data (--fashion-mnist | --train-images F --train-labels F "
                   "[--test-images F --test-labels F]) --out DATA.h5 [options]\n\n"
                << d << "\nThe file's layout is in docs/FORMAT.md (data files); the command in docs/guide/data.md.\n";
    return 0;
  }
  // 2. validate
  const bool filesGiven =
      !(s.trainImages.empty() && s.trainLabels.empty() && s.testImages.empty() && s.testLabels.empty());
  if (fashion && filesGiven)
    problems.push_back("--fashion-mnist names the four files itself: give no --*-images/labels");
  if (fashion) {
    s = fashionMnistSources();
    request.classNames = fashionMnistClassNames();
    if (!std::filesystem::exists(s.trainImages))
      problems.push_back("--fashion-mnist: '" + s.trainImages +
                         "' is missing (install Debian's package: apt-get install dataset-fashion-mnist)");
  } else {
    if (s.trainImages.empty() || s.trainLabels.empty())
      problems.push_back("the training set is required: --train-images and --train-labels (or --fashion-mnist)");
    if (s.testImages.empty() != s.testLabels.empty()) problems.push_back("--test-images and --test-labels go together");
  }
  request.classes = parseClasses(classes, problems);
  if (request.nTrain < 0) problems.push_back("--n-train must be >= 1 (or left out: every example)");
  if (request.nTest < 0) problems.push_back("--n-test must be >= 1 (or left out: every example)");
  if (vm.count("n-test") && s.testImages.empty()) problems.push_back("--n-test needs a test set (--test-images)");
  if (request.out.empty()) problems.push_back("--out: the data file to write is required");
  for (const std::string* source : {&s.trainImages, &s.trainLabels, &s.testImages, &s.testLabels})
    if (!source->empty() && samePath(*source, request.out))
      problems.push_back("--out must differ from the source '" + *source + "'");
  requireValidSettings(problems);
  requireOutputPath(request.out, force, MPI_COMM_WORLD);
  // 3. run  4. report
  const ImageDataSummary summary = writeImageDataFile(request, MPI_COMM_WORLD);
  if (rank == 0)
    std::cout << "pathkernel data: wrote " << request.out << ": " << summary.trainRows << " training and "
              << summary.testRows << " test images of 1x" << summary.rows << "x" << summary.cols << ", loss "
              << summary.loss << "\n";
  return 0;
}

}  // namespace pk::cli
