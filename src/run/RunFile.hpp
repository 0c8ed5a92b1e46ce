#pragma once
// The run file of SPEC section 4 (documented in docs/FORMAT.md): written once
// at the end of a run, with parallel HDF5, to a temporary name that is renamed
// when everything is written, so no partial file ever looks complete.
#include <mpi.h>

#include <string>

#include "core/Dataset.hpp"
#include "io/H5.hpp"
#include "kernel/PathKernelEngine.hpp"
#include "model/Mlp.hpp"
#include "run/Settings.hpp"
#include "train/Trainer.hpp"

namespace pk {

inline constexpr const char* kRunFormat = "pathkernel-run";
inline constexpr std::int64_t kRunFormatVersion = 1;

struct RunRecord {
  const TrainSettings* settings = nullptr;
  const Dataset* data = nullptr;
  const Mlp* model = nullptr;
  const Trainer* trainer = nullptr;
  const PathKernelEngine* engine = nullptr;
  std::string dataSha256;  // empty for built-in data
  double wallSeconds = 0.0;
  ResidualSummary trainResidual, testResidual;  // engine->summarize() of each query set
};

/// Collective. The settings that fix the data, the model and its training, as
/// attributes of the group `config` (shared by the run and converge files).
void writeModelAndTraining(hid_t config, const TrainSettings& s);

/// Collective. Writes every setting as an attribute of /config (SPEC section 4).
void writeConfig(hid_t file, const RunRecord& run);

/// Collective. Writes `path` (through `path`.partial, renamed at the end).
void writeRunFile(const std::string& path, const RunRecord& run, MPI_Comm comm);

/// The data file a run was trained on, as a reader should open it: /config
/// `data` if that path exists from here, else the absolute `data_file`. Not collective.
std::string recordedDataFile(hid_t config);

/// Collective. Opens a run file for reading; throws InputError unless it is a
/// complete pathkernel run file of a format version this build reads.
h5::Id openRunFile(const std::string& path, MPI_Comm comm);

/// Collective. Throws InputError unless the folder of `path` exists and is writable.
void requireWritableOutput(const std::string& path, MPI_Comm comm);

}  // namespace pk
