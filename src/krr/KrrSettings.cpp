#include "krr/KrrSettings.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/NameTable.hpp"
#include "core/Options.hpp"
#include "core/Text.hpp"

namespace po = boost::program_options;

namespace pk {

namespace {

// The one list of kernel names, in the order the messages give them.
constexpr NameTable<KernelKind, 4> kKernelNames = {{KernelKind::Path, "path"},
                                                   {KernelKind::TangentInitial, "tangent-initial"},
                                                   {KernelKind::TangentFinal, "tangent-final"},
                                                   {KernelKind::Rbf, "rbf"}};

po::options_description describeKrrOptions(KrrSettings& s) {
  po::options_description d("pathkernel krr options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("run", po::value(&s.run), "run file written by pathkernel train (never modified)")
      ("kernel", po::value(&s.kernels)->default_value(s.kernels),
       ("kernels, comma-separated: " + nameList(kKernelNames) +
        ", snapshot:J (the tangent kernel at the J-th step of /snapshots/steps, J from 0)").c_str())
      ("ridge", po::value(&s.ridge)->default_value(s.ridge), "ridge lambdas, comma-separated, each >= 0")
      ("bandwidth", po::value(&s.bandwidth)->default_value(s.bandwidth),
       "rbf bandwidth h of exp(-|x-x'|^2/(2h^2)); 0 = median pairwise distance of training inputs")
      ("data", po::value(&s.data),
       "data file (README: Input data) for targets and rbf inputs; default: the run's /data or its /config data file")
      ("queries", po::value(&s.queries),
       "a queries file of this run (pathkernel replay): predict and score its points instead of the test points")
      ("out", po::value(&s.out), "output HDF5 file; default: RUN.h5 -> RUN.krr.h5")
      ("rtol", po::value(&s.rtol)->default_value(s.rtol), "KSP relative tolerance (-ksp_rtol overrides)")
      ("force", po::bool_switch(&s.force), "replace the output file if it exists");
  // clang-format on
  return d;
}

// "snapshot:J" -> J, or -1 when `name` is not of that form. Throws InputError for a malformed J.
std::int64_t snapshotIndex(const std::string& name) {
  const std::string prefix = "snapshot:";
  if (name.rfind(prefix, 0) != 0) return -1;
  const std::string digits = name.substr(prefix.size());
  PK_REQUIRE(
      !digits.empty() && digits.size() < 10 && digits.find_first_not_of("0123456789") == std::string::npos,
      "--kernel: '" + name + "' is not snapshot:J with J = 0, 1, 2, ... (the snapshot's place in /snapshots/steps)");
  return std::stoll(digits);
}

}  // namespace

std::string toString(const KernelChoice& kernel) {
  if (kernel.kind == KernelKind::Snapshot) return "snapshot:" + std::to_string(kernel.snapshot);
  return nameOf(kKernelNames, kernel.kind);
}

bool parseKrrSettings(int argc, const char* const* argv, KrrSettings& s, bool printHelp) {
  auto description = describeKrrOptions(s);
  po::variables_map vm;
  if (parseOptionsWithPetsc(argc, argv, description, vm, "krr", s.petscOptions)) return true;
  if (printHelp)
    std::cout << "usage: pathkernel krr --run RUN.h5 [options] [PETSc options: -ksp_type cg -pc_type jacobi ...]\n\n"
              << "Kernel ridge regression (K + lambda I) alpha = y with the kernels a run learned, scored next to\n"
              << "the network: accuracy and log-loss for classification; for mse the plain mean squared error\n"
              << "mean(f-y)^2, which is 2/C times the training loss (README: Kernel machines from the learned\n"
              << "kernel; docs/THEORY.md: Kernel ridge regression).\n\n"
              << description << "\n";
  return false;
}

std::vector<KernelChoice> parseKernelList(const std::string& text) {
  std::vector<KernelChoice> kernels;
  const std::string allowed = nameList(kKernelNames) + ", snapshot:J";
  for (const auto& name : splitList(text)) {
    const std::int64_t snapshot = snapshotIndex(name);
    const auto* kind = findByName(kKernelNames, name);
    if (kind == nullptr && snapshot < 0)
      throw InputError("--kernel: unknown kernel '" + name + "' (allowed: " + allowed + ")");
    const KernelChoice kernel = snapshot >= 0 ? KernelChoice(KernelKind::Snapshot, snapshot) : KernelChoice(*kind);
    if (std::find(kernels.begin(), kernels.end(), kernel) == kernels.end()) kernels.push_back(kernel);
  }
  PK_REQUIRE(!kernels.empty(), "--kernel: give at least one kernel (" + allowed + ")");
  return kernels;
}

std::vector<double> parseRidgeList(const std::string& text) {
  std::vector<double> lambdas;
  for (const auto& item : splitList(text)) {
    std::size_t used = 0;
    double value = NAN;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    PK_REQUIRE(used == item.size() && used > 0, "--ridge: '" + item + "' is not a number");
    PK_REQUIRE(std::isfinite(value) && value >= 0.0, "--ridge: lambda must be finite and >= 0, got " + item);
    lambdas.push_back(value);
  }
  PK_REQUIRE(!lambdas.empty(), "--ridge: give at least one lambda >= 0");
  return lambdas;
}

std::vector<std::string> validate(const KrrSettings& s) {
  std::vector<std::string> problems;
  if (s.run.empty()) problems.push_back("--run: the run file is required");
  collectProblem(problems, [&] { parseKernelList(s.kernels); });
  collectProblem(problems, [&] { parseRidgeList(s.ridge); });
  if (!(std::isfinite(s.bandwidth) && s.bandwidth >= 0.0))
    problems.push_back("--bandwidth: must be > 0, or 0 for the median heuristic");
  if (!(s.rtol > 0.0 && s.rtol < 1.0)) problems.push_back("--rtol: must be in (0, 1)");
  if (!s.run.empty() && samePath(krrOutputPath(s), s.run))
    problems.push_back("--out: must differ from the run file (the run file is never modified)");
  return problems;
}

std::string krrOutputPath(const KrrSettings& s) {
  if (!s.out.empty()) return s.out;
  return besideRunFile(s.run, ".krr.h5");
}

}  // namespace pk
