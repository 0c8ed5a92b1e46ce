#pragma once
// The settings of a training run, in two forms. TrainArguments is what the
// command line and the INI file gave, as Boost.Program_options fills it.
// resolveSettings() checks every value at once (each problem with its allowed
// range) and returns TrainSettings, the typed form that everything after it
// reads: no setting string is parsed again downstream. The run file's /config
// stores the typed settings back as the same strings the user typed.
#include <boost/program_options.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/Builtin.hpp"
#include "model/Loss.hpp"
#include "model/Network.hpp"
#include "settings/Optimization.hpp"
#include "settings/PathRule.hpp"
#include "settings/SnapshotSteps.hpp"

namespace pk {

/// `pathkernel train`'s options as given (their meaning, defaults and checks: settings/SettingsTable.hpp).
struct TrainArguments {
  /// Every setting at its default (settingsTable()).
  TrainArguments();

  std::string data{};
  std::string out{};
  std::string hidden{};
  std::string layers{};      // --layers; empty: --hidden
  std::string inputShape{};  // --input-shape C,H,W; empty: the data's own shape
  std::string activation{};
  std::string param{};
  std::string loss{};
  double lr{};
  std::int64_t steps{};
  std::int64_t batchSize{};
  double weightDecay{};
  std::int64_t seed{};
  std::string optimizer{};
  double momentum{};
  bool nesterov{};
  double beta1{};
  double beta2{};
  double adamEps{};
  std::string lrSchedule{};
  std::int64_t warmup{};
  std::string pathRule{};
  bool tangentKernels{};
  bool kernelCoef{};
  bool skipTrainKernels{};
  std::string snapshots{};
  bool layerKernels{};
  bool superposition{};
  std::int64_t classes{};
  std::int64_t nTrain{};
  std::int64_t nTest{};
  std::int64_t inputs{};
  std::int64_t dataSeed{};
  std::string checkpoint{};
  std::int64_t checkpointEvery{};
  std::string restart{};
  std::string config{};
  std::int64_t progressEvery{};
  bool force{};
  bool keepCheckpoint{};
  bool dryRun{};
  std::string pidFile{};
  // Filled by the parse: the options given (command line or INI file, not
  // defaulted), and the values that did not parse ("--lr fast"), which
  // validate() reports with every other problem.
  std::vector<std::string> given;
  std::vector<std::string> parseProblems;

  /// Whether option `name` ("n-train") was given rather than defaulted.
  bool wasGiven(const std::string& name) const;
};

/// A training run's settings, typed and checked.
struct TrainSettings {
  std::string data;                      // builtin:NAME or the data file's path, as given
  BuiltinSpec builtin;                   // the generator's sizes and seed (recorded for every run)
  std::string out;                       // the run file
  std::vector<LayerSpec> layers;         // the layers before the output layer; empty = linear model
  std::vector<std::int64_t> inputShape;  // --input-shape [C, H, W]: flat rows read as images; empty = as stored
  Activation activation = Activation::Tanh;
  Parameterization parameterization = Parameterization::Standard;
  std::optional<Loss> loss;  // empty: the loss the data names (auto)
  std::int64_t classes = 0;  // softmax: 0 = 1 + the largest label
  TrainOptions training;     // learning rate and schedule, steps, batches, weight decay, seed, optimizer
  PathRule pathRule;
  bool tangentKernels = false;
  bool kernelCoef = false;
  bool skipTrainKernels = false;
  SnapshotSteps snapshots;  // as given (log:K resolves against the steps)
  bool layerKernels = false;
  bool superposition = false;  // keep Gamma of a first conv layer (a dense one's is always kept)
  std::string checkpoint;      // --checkpoint, or OUT.ckpt
  std::int64_t checkpointEvery = 0;
  std::string restart;
  std::string config;
  std::int64_t progressEvery = 0;
  bool force = false;           // replace an existing run file
  bool keepCheckpoint = false;  // keep the checkpoint after the run file is written
  bool dryRun = false;          // print the settings and the memory estimate, and stop
  std::string pidFile;          // every rank's process id, one line each, while the run lasts

  bool builtinData() const { return isBuiltin(data); }
};

/// Describes every option with its default to Boost.Program_options.
boost::program_options::options_description describeTrainOptions(TrainArguments& arguments);

/// Parses the command line (and the INI file of --config). Returns false if
/// --help was asked (help printed when printHelp). Throws InputError.
bool parseTrainArguments(int argc, const char* const* argv, TrainArguments& arguments, bool printHelp);

/// Every problem with the arguments at once, each with the allowed range; empty if valid.
std::vector<std::string> validate(const TrainArguments& arguments);

/// The typed settings; throws one InputError listing every problem.
TrainSettings resolveSettings(const TrainArguments& arguments);

/// --checkpoint, or OUT.ckpt when it is not given.
std::string checkpointFile(const TrainArguments& arguments);

/// Parsed "--hidden": widths, empty for "none". Throws InputError if malformed.
std::vector<std::int64_t> parseHidden(const std::string& text);
/// The layers of --layers, or of its shorthand --hidden; throws InputError if malformed or both are given.
std::vector<LayerSpec> layersOf(const TrainArguments& arguments);
/// Parsed "--input-shape C,H,W" (three integers >= 1); empty for "". Throws InputError if malformed.
std::vector<std::int64_t> parseInputShape(const std::string& text);
/// "64,64", or "none" for a linear model.
std::string hiddenText(const std::vector<std::int64_t>& widths);

}  // namespace pk
