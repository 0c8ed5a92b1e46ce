#pragma once
// The one table of `pathkernel train`'s settings. Each entry says, once, what
// a setting is: its option name (its /config attribute is the same name with
// '_' for '-'), the stored type, the default, the help text, how /config
// stores it and whether it belongs to a checkpoint's identity; and it holds
// the two conversions between the forms of docs/ARCHITECTURE.md (as given in
// TrainArguments, typed in TrainSettings). The options, their checks and
// resolveSettings, the /config writer and reader and the checkpoint identity
// and the log all walk this table: a new setting is one entry (and the fields
// that hold it).
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "settings/Settings.hpp"

namespace pk {

/// What a run found out that its settings do not say: the data's origin and
/// sizes, and the outputs of the model. /config stores the counts the run
/// used, and a checkpoint's identity names them.
struct RunFacts {
  std::string origin;  // the data as given, or builtin:NAME
  std::int64_t nTrain = 0, nTest = 0, inputs = 0, outputs = 1;
  std::vector<std::int64_t> inputShape;  // [C, H, W] of image data (recorded from the data), else empty
};

/// How a setting is stored as a /config attribute.
enum class SettingType {
  Text,     // string
  Integer,  // int64
  Number,   // float64
  Flag,     // int8 0/1
  Widths,   // int64 array (--hidden "64,64" is [64, 64], "none" is [])
};

/// Where a setting goes in /config.
enum class Stored {
  Model,      // with the data, the model and its training: in every run, checkpoint and converge file
  Run,        // run files and checkpoints
  WriteOnly,  // written but never read back (it concerns the start of the program only)
  Not,        // not stored (--dry-run stops before any file)
};

/// When a setting is part of a checkpoint's identity: restarting with it
/// changed would mix two runs, so it must agree.
enum class Identity {
  Never,
  Always,
  Builtin,       // built-in data only (its generator's seed)
  Momentum,      // --optimizer momentum only
  Adam,          // --optimizer adam or adamw only
  Cosine,        // --lr-schedule cosine only (it runs to the last step)
  DenseNetwork,  // a network of dense layers only (it keeps the identity of earlier releases: `hidden`)
  OtherNetwork,  // a network with any other layer (`layers`)
  Images,        // --input-shape given (flat rows read as images)
};

/// Which networks a setting is written for.
enum class Written {
  Always,
  DenseNetwork,  // only when every layer is dense (`hidden` cannot say more); may be absent from a file
  Images,        // only for image inputs (`input_shape`: the option's or the data's [C, H, W]); absent for flat data
};

/// A value of a setting as /config stores it.
using SettingValue = std::variant<std::string, std::int64_t, double, bool, std::vector<std::int64_t>>;
/// The member of TrainArguments that holds a setting as given.
using ArgumentField = std::variant<std::string TrainArguments::*, std::int64_t TrainArguments::*,
                                   double TrainArguments::*, bool TrainArguments::*>;

struct Setting {
  const char* name;  // the option, "batch-size"
  SettingType type;
  ArgumentField field;
  SettingValue byDefault;  // as given (--hidden "64,64")
  std::string help;
  Stored stored;
  bool sinceFirstFormat;  // in every run file; false: added later, absent means the default
  Identity identity;
  /// Checks the value as given and sets its typed form; throws InputError
  /// (with the allowed range) for a bad value.
  void (*resolve)(const TrainArguments& given, TrainSettings& typed);
  /// The typed value as /config stores it (the run's own count where a
  /// setting is resolved by the run: --classes 0, the built-in sizes).
  SettingValue (*value)(const TrainSettings& typed, const RunFacts& run);
  Written written = Written::Always;

  /// The /config attribute: "batch_size".
  std::string attribute() const;
};

/// Every setting, in the order of `pathkernel train --help`.
const std::vector<Setting>& settingsTable();
/// The entry of an option name ("batch-size"); throws Error if none.
const Setting& settingNamed(const std::string& name);
/// Whether `setting` is written to /config for these settings and this run (Written).
bool isWritten(const Setting& setting, const TrainSettings& settings, const RunFacts& run);

/// A /config value as text: numbers exactly (%.17g), flags 1/0, widths as --hidden takes them.
std::string settingText(const SettingValue& value);
/// Not collective. The settings and data a checkpoint belongs to, as text
/// (docs/FORMAT.md, section 4): the entries whose identity applies, with the
/// snapshot steps resolved against the run's steps, the data's origin, and
/// the model's outputs.
std::map<std::string, std::string> settingsIdentity(const TrainSettings& settings, const RunFacts& run);
/// The identity text that a checkpoint of an earlier release, which lacks `attribute`, stands for:
/// the default of a flag added later (its absence meant off); empty when absence stands for nothing.
std::string identityWhenAbsent(const std::string& attribute);

/// Not collective. Every stored setting whose value differs from its default,
/// as options in the table's order ("--lr 0.5 --optimizer momentum"): the
/// settings a run echoes in its log, as /config stores them.
std::string changedSettingsText(const TrainSettings& settings);

/// Not collective. The value `field` holds in `arguments`, and setting it from a /config value.
SettingValue argumentValue(const TrainArguments& arguments, const Setting& setting);
void setArgument(TrainArguments& arguments, const Setting& setting, const SettingValue& value);

}  // namespace pk
