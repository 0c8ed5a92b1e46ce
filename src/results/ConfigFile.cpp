#include "results/ConfigFile.hpp"

#include "core/Error.hpp"

namespace pk {

namespace {

void writeValue(const h5::Id& config, const std::string& name, SettingType type, const SettingValue& value) {
  switch (type) {
    case SettingType::Text:
      h5::setAttribute(config, name, std::get<std::string>(value));
      return;
    case SettingType::Integer:
      h5::setAttribute(config, name, std::get<std::int64_t>(value));
      return;
    case SettingType::Number:
      h5::setAttribute(config, name, std::get<double>(value));
      return;
    case SettingType::Flag:
      h5::setFlagAttribute(config, name, std::get<bool>(value));
      return;
    case SettingType::Widths:
      h5::setAttribute(config, name, std::get<std::vector<std::int64_t>>(value));
      return;
  }
}

SettingValue readValue(const h5::Id& config, const std::string& name, SettingType type) {
  switch (type) {
    case SettingType::Text:
      return h5::stringAttribute(config, name);
    case SettingType::Integer:
      return h5::intAttribute(config, name);
    case SettingType::Number:
      return h5::doubleAttribute(config, name);
    case SettingType::Flag:
      return h5::intAttribute(config, name) != 0;
    case SettingType::Widths:
      return h5::intArrayAttribute(config, name);
  }
  return {};
}

bool inPart(Stored stored, ConfigPart part) {
  if (stored == Stored::Not) return false;
  return part == ConfigPart::Run || stored == Stored::Model;
}

}  // namespace

void writeSettings(const h5::Id& config, const TrainSettings& settings, const RunFacts& run, ConfigPart part) {
  for (const Setting& setting : settingsTable())
    if (inPart(setting.stored, part) && isWritten(setting, settings, run))
      writeValue(config, setting.attribute(), setting.type, setting.value(settings, run));
}

TrainArguments readSettings(const h5::Id& config, const std::string& path) {
  TrainArguments arguments;
  for (const Setting& setting : settingsTable()) {
    if (setting.stored == Stored::Not || setting.stored == Stored::WriteOnly) continue;
    const std::string name = setting.attribute();
    if (!h5::hasAttribute(config, name)) {
      // Settings added after the first format version: files written before them used the default.
      // `hidden` only for a network of dense layers (then `layers` says it all).
      const bool optional =
          !setting.sinceFirstFormat || (setting.written == Written::DenseNetwork && h5::hasAttribute(config, "layers"));
      PK_REQUIRE(optional, "'" + path + "' has no /config attribute '" + name + "'");
      continue;
    }
    setArgument(arguments, setting, readValue(config, name, setting.type));
  }
  return arguments;
}

}  // namespace pk
