// The settings table is the one description of every setting: each entry goes
// through the options, the typed settings, /config and back, and belongs to a
// checkpoint's identity exactly when its entry says so. A new entry without a
// sample value below fails EveryEntryHasASample, so every test here covers it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "TestSupport.hpp"
#include "core/Error.hpp"
#include "io/H5.hpp"
#include "results/ConfigFile.hpp"
#include "settings/Settings.hpp"
#include "settings/SettingsTable.hpp"

namespace pk::test {
namespace {

// A valid value other than the default for every setting, in its canonical
// form (the one /config stores). Together they resolve: optimizer momentum
// with --nesterov, steps beyond the snapshots, files that differ.
const std::map<std::string, SettingValue>& samples() {
  static const std::map<std::string, SettingValue> values = {
      {"config", std::string("sample.ini")},
      {"data", std::string("builtin:moons")},
      {"out", std::string("sample.h5")},
      {"hidden", std::string("8,4")},
      {"layers", std::string("dense:8,dense:4")},  // the same network: --layers wins, --hidden agrees
      {"input-shape", std::string("1,4,4")},
      {"activation", std::string("relu")},
      {"param", std::string("ntk")},
      {"loss", std::string("logistic")},
      {"lr", 0.375},
      {"steps", std::int64_t{40}},
      {"batch-size", std::int64_t{3}},
      {"weight-decay", 0.25},
      {"seed", std::int64_t{7}},
      {"optimizer", std::string("momentum")},
      {"momentum", 0.5},
      {"nesterov", true},
      {"beta1", 0.5},
      {"beta2", 0.75},
      {"adam-eps", 1e-6},
      {"lr-schedule", std::string("step:10:0.5")},
      {"warmup", std::int64_t{5}},
      {"path-rule", std::string("gauss:3")},
      {"tangent-kernels", true},
      {"kernel-coef", true},
      {"skip-train-kernels", true},
      {"snapshots", std::string("0,5,20")},
      {"layer-kernels", true},
      {"superposition", true},
      {"classes", std::int64_t{3}},
      {"n-train", std::int64_t{20}},
      {"n-test", std::int64_t{10}},
      {"inputs", std::int64_t{3}},
      {"data-seed", std::int64_t{9}},
      {"checkpoint", std::string("sample.ckpt")},
      {"checkpoint-every", std::int64_t{5}},
      {"restart", std::string("restart.ckpt")},
      {"progress-every", std::int64_t{7}},
      {"pid-file", std::string("sample.pid")},
      {"force", true},
      {"keep-checkpoint", true},
      {"dry-run", true},
  };
  return values;
}

// A value as given (--hidden "8,4" where /config stores [8, 4]).
SettingValue asGiven(const Setting&, const SettingValue& stored) {
  if (const auto* widths = std::get_if<std::vector<std::int64_t>>(&stored)) return hiddenText(*widths);
  return stored;
}

TrainArguments sampleArguments() {
  TrainArguments a;
  for (const Setting& setting : settingsTable()) setArgument(a, setting, samples().at(setting.name));
  return a;
}

RunFacts factsOf(const TrainSettings& t) {
  RunFacts facts;
  facts.origin = t.data;
  facts.nTrain = t.builtin.nTrain;
  facts.nTest = t.builtin.nTest;
  facts.inputs = t.builtin.inputs;
  facts.outputs = 1;
  return facts;
}

TEST(SettingsTable, EveryEntryHasASampleAndOneNameAndMatchingTypes) {
  std::set<std::string> names, attributes;
  for (const Setting& setting : settingsTable()) {
    SCOPED_TRACE(setting.name);
    EXPECT_TRUE(names.insert(setting.name).second);
    EXPECT_TRUE(attributes.insert(setting.attribute()).second);
    ASSERT_EQ(samples().count(setting.name), 1u) << "give the new setting a sample value in this test";
    // The default and the sample fit the field that holds the value as given.
    TrainArguments a;
    EXPECT_EQ(argumentValue(a, setting), asGiven(setting, setting.byDefault));
    EXPECT_NE(argumentValue(a, setting), samples().at(setting.name)) << "the sample must differ from the default";
    const bool text = setting.type == SettingType::Text || setting.type == SettingType::Widths;
    EXPECT_EQ(std::holds_alternative<std::string>(setting.byDefault), text);
    EXPECT_EQ(std::holds_alternative<std::int64_t>(setting.byDefault), setting.type == SettingType::Integer);
    EXPECT_EQ(std::holds_alternative<double>(setting.byDefault), setting.type == SettingType::Number);
    EXPECT_EQ(std::holds_alternative<bool>(setting.byDefault), setting.type == SettingType::Flag);
    EXPECT_FALSE(setting.help.empty());
  }
  EXPECT_EQ(names.size(), samples().size()) << "a sample names no setting";
}

TEST(SettingsTable, EveryEntryIsAnOptionWithItsDefault) {
  // Defaults: nothing given.
  {
    TrainArguments a;
    const char* argv[] = {"train"};
    ASSERT_TRUE(parseTrainArguments(1, argv, a, false));
    for (const Setting& setting : settingsTable())
      EXPECT_EQ(argumentValue(a, setting), asGiven(setting, setting.byDefault)) << setting.name;
  }
  // Every sample given on the command line arrives in its field; --config
  // names a file that is read, so it names a real (empty) one.
  const std::string ini = tempPath("sample.ini");
  if (rank() == 0) std::ofstream(ini) << "# nothing\n";
  MPI_Barrier(MPI_COMM_WORLD);
  auto sampleOf = [&](const Setting& setting) -> SettingValue {
    return std::string(setting.name) == "config" ? SettingValue(ini) : samples().at(setting.name);
  };
  std::vector<std::string> words = {"train"};
  for (const Setting& setting : settingsTable()) {
    const SettingValue sample = sampleOf(setting);
    words.push_back(std::string("--") + setting.name);
    if (setting.type == SettingType::Flag) continue;  // a switch: given means true
    words.push_back(std::holds_alternative<std::string>(sample) ? std::get<std::string>(sample) : settingText(sample));
  }
  std::vector<const char*> argv;
  for (const auto& word : words) argv.push_back(word.c_str());
  TrainArguments a;
  ASSERT_TRUE(parseTrainArguments(static_cast<int>(argv.size()), argv.data(), a, false));
  EXPECT_TRUE(a.parseProblems.empty());
  for (const Setting& setting : settingsTable()) {
    EXPECT_EQ(argumentValue(a, setting), sampleOf(setting)) << setting.name;
    EXPECT_TRUE(a.wasGiven(setting.name)) << setting.name;
  }
}

TEST(SettingsTable, EveryEntryResolvesAndIsStoredAsGiven) {
  const TrainSettings t = resolveSettings(sampleArguments());
  const RunFacts facts = factsOf(t);
  for (const Setting& setting : settingsTable())
    EXPECT_EQ(asGiven(setting, setting.value(t, facts)), samples().at(setting.name)) << setting.name;
}

TEST(SettingsTable, EveryStoredEntryRoundTripsThroughConfig) {
  const TrainSettings t = resolveSettings(sampleArguments());
  const RunFacts facts = factsOf(t);
  const std::string path = tempPath("config.h5");
  for (const ConfigPart part : {ConfigPart::Run, ConfigPart::ModelAndTraining}) {
    {
      h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
      h5::Id config = h5::ensureGroup(file, "/config");
      writeSettings(config, t, facts, part);
      config.reset();
      h5::closeFile(file, MPI_COMM_WORLD);
    }
    h5::Id file = h5::openFile(path, MPI_COMM_WORLD);
    const h5::Id config = h5::openGroup(file, "/config");
    for (const Setting& setting : settingsTable()) {
      const bool written =
          setting.stored == Stored::Model || (part == ConfigPart::Run && setting.stored != Stored::Not);
      EXPECT_EQ(h5::hasAttribute(config, setting.attribute()), written) << setting.name;
    }
    if (part == ConfigPart::ModelAndTraining) {
      // A run's /config needs the run's settings too: the first missing one is named.
      expectInputError([&] { readSettings(config, path); }, "has no /config attribute");
      continue;
    }
    const TrainArguments back = readSettings(config, path);
    for (const Setting& setting : settingsTable()) {
      const bool readBack = setting.stored == Stored::Model || setting.stored == Stored::Run;
      const SettingValue expected = readBack ? samples().at(setting.name) : asGiven(setting, setting.byDefault);
      EXPECT_EQ(argumentValue(back, setting), expected) << setting.name;
    }
    // And they resolve to the same settings, stored the same way.
    const TrainSettings again = resolveSettings(back);
    for (const Setting& setting : settingsTable()) {
      if (setting.stored == Stored::Model || setting.stored == Stored::Run) {
        EXPECT_EQ(setting.value(again, facts), setting.value(t, facts)) << setting.name;
      }
    }
  }
}

// Identity: an entry that belongs to it (where its condition holds) changes the
// identity when it changes, so a checkpoint of the other value is refused; any
// other entry leaves it alone.
TEST(SettingsTable, EveryIdentityEntryDecidesWhetherACheckpointFits) {
  for (const Setting& setting : settingsTable()) {
    SCOPED_TRACE(setting.name);
    TrainArguments base;
    base.snapshots = "0,5";
    // The condition of the entry holds in the base.
    if (setting.identity == Identity::Momentum) base.optimizer = "momentum";
    if (setting.identity == Identity::Adam) base.optimizer = "adam";
    if (setting.identity == Identity::Cosine) base.lrSchedule = "cosine";
    if (std::string(setting.name) == "nesterov") base.optimizer = "momentum";  // its sample needs momentum
    if (std::string(setting.name) == "steps") base.lrSchedule = "cosine";
    // `layers` names the network in the identity when it is not all dense.
    if (setting.identity == Identity::OtherNetwork) base.layers = "dense:8,maxpool:2";
    if (setting.identity == Identity::Images) base.inputShape = "3,2,2";
    TrainArguments changed = base;
    setArgument(changed, setting, samples().at(setting.name));
    if (setting.identity == Identity::OtherNetwork) changed.layers = "dense:8,avgpool:2";
    // --optimizer momentum and its condition-bound entries are tested with their own condition.
    const TrainSettings a = resolveSettings(base), b = resolveSettings(changed);
    const auto before = settingsIdentity(a, factsOf(a)), after = settingsIdentity(b, factsOf(b));
    const std::string key = setting.attribute();
    if (setting.identity == Identity::Never) {
      EXPECT_EQ(before, after);
      EXPECT_EQ(before.count(key), 0u);
    } else {
      ASSERT_EQ(before.count(key), 1u);
      ASSERT_EQ(after.count(key), 1u);
      EXPECT_NE(before.at(key), after.at(key));
    }
  }
  // A condition that does not hold keeps the entry out: momentum's constants under sgd.
  TrainArguments sgd;
  const TrainSettings s = resolveSettings(sgd);
  const auto id = settingsIdentity(s, factsOf(s));
  for (const char* absent : {"momentum", "nesterov", "beta1", "beta2", "adam_eps", "steps", "layers"})
    EXPECT_EQ(id.count(absent), 0u) << absent;
  for (const char* present : {"optimizer", "lr", "hidden", "path_rule", "data_seed", "snapshots", "outputs"})
    EXPECT_EQ(id.count(present), 1u) << present;
}

// The log echoes the settings that differ from their defaults: every entry
// shows there when it changes, and nothing shows for the defaults.
TEST(SettingsTable, EveryChangedEntryIsEchoedInTheLog) {
  EXPECT_EQ(changedSettingsText(resolveSettings(TrainArguments())), "");
  for (const Setting& setting : settingsTable()) {
    if (setting.stored == Stored::Not) continue;
    TrainArguments a;
    if (std::string(setting.name) == "nesterov") a.optimizer = "momentum";
    setArgument(a, setting, samples().at(setting.name));
    // A dense network is echoed as --hidden; --layers shows for any other.
    if (setting.identity == Identity::OtherNetwork) a.layers = "dense:8,maxpool:2";
    const std::string text = changedSettingsText(resolveSettings(a)) + " ";
    EXPECT_NE(text.find(std::string(" --") + setting.name + " "), std::string::npos) << text;
  }
  TrainArguments a;
  a.lr = 0.1;
  a.hidden = "none";
  EXPECT_EQ(changedSettingsText(resolveSettings(a)), " --hidden none --lr 0.1");
  a.layers = "conv:4:3,maxpool:2";
  EXPECT_EQ(changedSettingsText(resolveSettings(a)), " --layers conv:4:3,maxpool:2 --lr 0.1");
}

// `hidden` is written only for a network of dense layers (`layers` says the rest), and a
// file from before `layers` (its `hidden` alone) reads back as the same network.
TEST(SettingsTable, HiddenOnlyForDenseNetworksAndOlderFilesReadBack) {
  const std::string path = tempPath("layers.h5");
  auto roundTrip = [&](const TrainArguments& given, bool dropLayers) {
    const TrainSettings t = resolveSettings(given);
    {
      h5::Id file = h5::createFile(path, MPI_COMM_WORLD);
      h5::Id config = h5::ensureGroup(file, "/config");
      if (!dropLayers) writeSettings(config, t, factsOf(t), ConfigPart::Run);
      // A file of an earlier release: every stored setting but `layers`.
      for (const Setting& setting : settingsTable()) {
        if (!dropLayers || std::string(setting.name) == "layers" || setting.stored == Stored::Not) continue;
        std::visit(
            [&](const auto& v) {
              if constexpr (std::is_same_v<std::decay_t<decltype(v)>, bool>)
                h5::setFlagAttribute(config, setting.attribute(), v);
              else
                h5::setAttribute(config, setting.attribute(), v);
            },
            setting.value(t, factsOf(t)));
      }
      config.reset();
      h5::closeFile(file, MPI_COMM_WORLD);
    }
    h5::Id file = h5::openFile(path, MPI_COMM_WORLD);
    const h5::Id config = h5::openGroup(file, "/config");
    const bool hasHidden = h5::hasAttribute(config, "hidden");
    return std::make_pair(hasHidden, resolveSettings(readSettings(config, path)).layers);
  };
  TrainArguments conv;
  conv.layers = "conv:4:3:s2,avgpool:2,dense:8";
  const auto [convHidden, convLayers] = roundTrip(conv, false);
  EXPECT_FALSE(convHidden);
  EXPECT_EQ(layersText(convLayers), "conv:4:3:s2,avgpool:2,dense:8");
  TrainArguments dense;
  dense.hidden = "16,8";
  const auto [denseHidden, denseLayers] = roundTrip(dense, true);
  EXPECT_TRUE(denseHidden);
  EXPECT_EQ(layersText(denseLayers), "dense:16,dense:8");
}

// A checkpoint of an earlier release lacks the flags added since: their absence
// stands for off (so it still restarts), and for nothing else.
TEST(SettingsTable, AnAbsentLaterFlagStandsForItsDefaultOnly) {
  EXPECT_EQ(identityWhenAbsent("superposition"), "0");
  EXPECT_EQ(identityWhenAbsent("lr"), "");
  EXPECT_EQ(identityWhenAbsent("layers"), "");
  EXPECT_EQ(identityWhenAbsent("no_such_setting"), "");
}

}  // namespace
}  // namespace pk::test
