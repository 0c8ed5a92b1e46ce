#pragma once
// Every setting of `pathkernel dynamics` in one plain struct, described to
// Boost.Program_options in one place and validated in one place. Options this
// command does not know and that look like PETSc or SLEPc options (one dash:
// -eps_type lanczos, -eps_tol 1e-14, -log_view) are collected for PETSc's
// options database, where the eigensolver reads them.
#include <cstdint>
#include <string>
#include <vector>

namespace pk::dynamics {

enum class Format { Table, Csv, Json };

struct DynamicsSettings {
  std::string run;               // the run file (read only)
  std::string out;               // empty: RUN.h5 -> RUN.dynamics.h5
  std::string kernels = "all";   // all, or a list of snapshots, path, layers
  std::int64_t eigen = 0;        // largest eigenvalues per matrix (0: none)
  bool eigenvectors = false;     // also keep their eigenvectors
  std::string format = "table";  // table | csv | json
  bool force = false;            // replace an existing output file
  bool bench = false;            // also time a dense eigensolve of one matrix against SLEPc's
  std::string petscOptions;      // the PETSc/SLEPc tokens, joined by spaces
};

/// Which matrices of the run are measured.
struct KernelSelection {
  bool snapshots = false;  // the tangent kernels K^g_s of /snapshots/tangent/train
  bool path = false;       // K^p, /kernel/path/train
  bool layers = false;     // each layer's share of K^p, /kernel/path_layer/train
  bool all = false;        // "all": snapshots required, layers when the run has them
};

/// Parses the command line. Returns false if --help was asked (printed when
/// printHelp). Throws InputError on malformed values and on unknown options
/// that are not PETSc options (PETSc options have one leading dash).
bool parseDynamicsSettings(int argc, const char* const* argv, DynamicsSettings& settings, bool printHelp);

/// Every problem with the settings at once, each with the allowed range; empty if valid.
std::vector<std::string> validate(const DynamicsSettings& settings);

/// "all" or "snapshots,path,layers" (any subset). Throws InputError.
KernelSelection parseKernelSelection(const std::string& text);
/// "table", "csv" or "json". Throws InputError.
Format parseFormat(const std::string& text);

/// The output file: settings.out, or the run file with ".h5" replaced by ".dynamics.h5".
std::string dynamicsOutputPath(const DynamicsSettings& settings);

}  // namespace pk::dynamics
