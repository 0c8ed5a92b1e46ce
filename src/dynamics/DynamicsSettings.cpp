#include "dynamics/DynamicsSettings.hpp"

#include <boost/program_options.hpp>

#include <iostream>

#include "core/Error.hpp"
#include "core/FilePath.hpp"
#include "core/NameTable.hpp"
#include "core/Options.hpp"
#include "core/Text.hpp"

namespace po = boost::program_options;

namespace pk::dynamics {

namespace {

constexpr NameTable<Format, 3> kFormatNames = {{Format::Table, "table"}, {Format::Csv, "csv"}, {Format::Json, "json"}};

po::options_description describeDynamicsOptions(DynamicsSettings& s) {
  po::options_description d("pathkernel dynamics options");
  // clang-format off
  d.add_options()
      ("help,h", "print this help and exit")
      ("run", po::value(&s.run), "run file written by pathkernel train --snapshots (never modified)")
      ("out", po::value(&s.out), "output HDF5 file; default: RUN.h5 -> RUN.dynamics.h5")
      ("kernels", po::value(&s.kernels)->default_value(s.kernels),
       "matrices measured: all (the snapshots, K^p, and its layers when stored), or a list of snapshots, path, layers")
      ("eigen", po::value(&s.eigen)->default_value(s.eigen),
       "the K largest eigenvalues of (K + K^T)/2 of every matrix, with SLEPc (0: none)")
      ("eigenvectors", po::bool_switch(&s.eigenvectors), "also keep their eigenvectors (in the output file)")
      ("format", po::value(&s.format)->default_value(s.format), "table|csv|json (csv and json at full precision)")
      ("force", po::bool_switch(&s.force), "replace the output file if it exists")
      ("bench", po::bool_switch(&s.bench),
       "also time a dense LAPACK eigensolve of the last snapshot against SLEPc's (gathers it on rank 0)");
  // clang-format on
  return d;
}

}  // namespace

bool parseDynamicsSettings(int argc, const char* const* argv, DynamicsSettings& s, bool printHelp) {
  auto description = describeDynamicsOptions(s);
  po::variables_map vm;
  if (parseOptionsWithPetsc(argc, argv, description, vm, "dynamics", s.petscOptions)) return true;
  if (printHelp)
    std::cout << "usage: pathkernel dynamics --run RUN.h5 [options] [SLEPc options: -eps_type krylovschur "
                 "-eps_tol 1e-12 ...]\n\n"
              << description << "\n";
  return false;
}

KernelSelection parseKernelSelection(const std::string& text) {
  KernelSelection k;
  if (text == "all") {
    k.snapshots = k.path = k.layers = k.all = true;
    return k;
  }
  for (const auto& item : splitList(text)) {
    if (item == "snapshots")
      k.snapshots = true;
    else if (item == "path")
      k.path = true;
    else if (item == "layers")
      k.layers = true;
    else
      throw InputError("--kernels: unknown kernel '" + item + "' (allowed: all, or a list of snapshots, path, layers)");
  }
  PK_REQUIRE(k.snapshots || k.path || k.layers, "--kernels: give all, or at least one of snapshots, path, layers");
  return k;
}

Format parseFormat(const std::string& text) {
  const Format* format = findByName(kFormatNames, text);
  PK_REQUIRE(format != nullptr, "--format: unknown format '" + text + "' (allowed: " + nameList(kFormatNames) + ")");
  return *format;
}

std::vector<std::string> validate(const DynamicsSettings& s) {
  std::vector<std::string> problems;
  if (s.run.empty()) problems.push_back("--run: the run file is required");
  collectProblem(problems, [&] { parseKernelSelection(s.kernels); });
  collectProblem(problems, [&] { parseFormat(s.format); });
  if (s.eigen < 0) problems.push_back("--eigen: must be >= 0 (0: no eigenvalues)");
  if (s.eigenvectors && s.eigen == 0) problems.push_back("--eigenvectors needs --eigen K with K >= 1");
  if (s.bench && s.eigen == 0) problems.push_back("--bench compares eigensolvers: give --eigen K with K >= 1");
  if (!s.run.empty() && samePath(dynamicsOutputPath(s), s.run))
    problems.push_back("--out: must differ from the run file (the run file is never modified)");
  return problems;
}

std::string dynamicsOutputPath(const DynamicsSettings& s) {
  if (!s.out.empty()) return s.out;
  return besideRunFile(s.run, ".dynamics.h5");
}

}  // namespace pk::dynamics
