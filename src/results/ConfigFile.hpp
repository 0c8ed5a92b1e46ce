#pragma once
// The settings as attributes of /config (docs/FORMAT.md 2.3), written and read
// by walking the settings table: the run file, the checkpoint and the converge
// file all store them this way, and every reader of a run gets them back as
// the arguments that resolve to the run's settings.
#include <string>

#include "io/H5.hpp"
#include "settings/SettingsTable.hpp"

namespace pk {

/// Which entries of the table a file's /config holds.
enum class ConfigPart {
  ModelAndTraining,  // Stored::Model: the data, the model and its training (converge files)
  Run,               // every stored setting (run files, checkpoints)
};

/// Collective. Every setting of `part` as an attribute of the group `config`.
void writeSettings(const h5::Id& config, const TrainSettings& settings, const RunFacts& run, ConfigPart part);

/// Not collective. The arguments stored in the group `config` of the file
/// `path`: each setting written back (a setting added after the first format
/// version, absent from an older file, at its default). Throws InputError
/// naming a missing attribute.
TrainArguments readSettings(const h5::Id& config, const std::string& path);

}  // namespace pk
