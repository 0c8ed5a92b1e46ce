#pragma once
// Every setting of `pathkernel train` in one plain struct, described to
// Boost.Program_options in one place and validated in one place.
#include <boost/program_options.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pk {

struct TrainSettings {
  std::string data = "builtin:regression";
  std::string out = "run.h5";
  std::string hidden = "64,64";  // comma-separated widths, or "none"
  std::string activation = "tanh";
  std::string param = "standard";
  std::string loss = "auto";  // auto: the loss the data names (see README), else mse
  double lr = 0.01;
  std::int64_t steps = 1000;
  std::int64_t batchSize = 0;
  double weightDecay = 0.0;
  std::int64_t seed = 1;
  std::string pathRule = "left";
  bool tangentKernels = false;
  bool kernelCoef = false;
  bool skipTrainKernels = false;
  std::int64_t classes = 0;  // softmax: 0 = 1 + largest label
  // Built-in data sets only.
  std::int64_t nTrain = 256;
  std::int64_t nTest = 128;
  std::int64_t inputs = 2;
  std::int64_t dataSeed = 1;
  // Checkpointing (see README).
  std::string checkpoint;
  std::int64_t checkpointEvery = 0;
  std::string restart;
  std::string config;
  std::int64_t progressEvery = 0;  // 0 = about 20 lines per run
};

/// Describes every option with its default to Boost.Program_options.
boost::program_options::options_description describeTrainOptions(TrainSettings& settings);

/// Parses the command line of `pathkernel COMMAND` into vm: every token must be
/// an option (a stray word is an error), then, if the description has --config
/// and it was given, the INI file it names (the command line wins). Throws
/// InputError with one clear line.
void parseOptions(int argc, const char* const* argv, const boost::program_options::options_description& d,
                  boost::program_options::variables_map& vm, const std::string& command);

/// Parses the command line (and the INI file given by --config; the command
/// line wins). Returns false if --help was asked (help is printed on rank 0).
/// Throws InputError on unknown options or malformed values.
bool parseTrainSettings(int argc, const char* const* argv, TrainSettings& settings, bool printHelp);

/// Every problem with the settings at once, each with the allowed range; empty if valid.
std::vector<std::string> validate(const TrainSettings& settings);

/// Parsed "--hidden": widths, empty for "none". Throws InputError if malformed.
std::vector<std::int64_t> parseHidden(const std::string& text);

/// The checkpoint file: --checkpoint, or OUT.ckpt when not given.
std::string checkpointPath(const TrainSettings& settings);

/// Gauss-Legendre points of the path rule: 0 for "left", q for "gauss:q".
int gaussPoints(const std::string& pathRule);

}  // namespace pk
