#pragma once
// Every setting of `pathkernel krr` in one plain struct, described to
// Boost.Program_options in one place and validated in one place. Options
// this command does not know and that look like PETSc options (one dash:
// -ksp_type gmres, -pc_type none, -log_view) are collected for PETSc.
#include <cstdint>
#include <string>
#include <vector>

namespace pk {

struct KrrSettings {
  std::string run;               // the run file (read only)
  std::string kernels = "path";  // comma-separated: path, tangent-initial, tangent-final, rbf, snapshot:J
  std::string ridge = "1e-3";    // comma-separated lambdas, each >= 0
  double bandwidth = 0.0;        // rbf: 0 = median heuristic
  std::string data;              // rbf and targets: data file instead of the run's own data
  std::string queries;           // a replay's queries file: its points are the held-out ones
  std::string out;               // empty: RUN.h5 -> RUN.krr.h5
  double rtol = 1e-10;           // KSP relative tolerance (before -ksp_rtol)
  std::string petscOptions;      // the PETSc tokens, joined by spaces
  bool force = false;            // replace an existing output file
};

enum class KernelKind { Path, TangentInitial, TangentFinal, Rbf, Snapshot };

/// One kernel of --kernel: its kind and, for snapshot:J, the snapshot J
/// (counted from 0 in the run's /snapshots/steps).
struct KernelChoice {
  KernelChoice(KernelKind k = KernelKind::Path, std::int64_t j = -1)  // NOLINT: a kind alone names a kernel
      : kind(k), snapshot(j) {}
  KernelKind kind;
  std::int64_t snapshot;
  bool operator==(const KernelChoice& other) const { return kind == other.kind && snapshot == other.snapshot; }
  bool operator!=(const KernelChoice& other) const { return !(*this == other); }
};

/// "path", "rbf", "snapshot:3": the name --kernel takes and the output file uses.
std::string toString(const KernelChoice& kernel);

/// Parses the command line. Returns false if --help was asked (help printed
/// when printHelp). Throws InputError on malformed values and on unknown
/// options that are not PETSc options (PETSc options have one leading dash).
bool parseKrrSettings(int argc, const char* const* argv, KrrSettings& settings, bool printHelp);

/// Every problem with the settings at once, each with the allowed range; empty if valid.
std::vector<std::string> validate(const KrrSettings& settings);

/// "path,rbf,snapshot:3" -> kernels in the order given, duplicates dropped. Throws InputError.
std::vector<KernelChoice> parseKernelList(const std::string& text);
/// "1e-6,1e-3,1" -> lambdas. Throws InputError if malformed or negative.
std::vector<double> parseRidgeList(const std::string& text);

/// The output file: settings.out, or the run file with ".h5" replaced by ".krr.h5".
std::string krrOutputPath(const KrrSettings& settings);

}  // namespace pk
