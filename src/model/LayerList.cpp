#include "model/LayerList.hpp"

#include <algorithm>
#include <cctype>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "model/DenseLayer.hpp"

namespace pk {

namespace {

constexpr NameTable<Parameterization, 2> kParameterizationNames = {{Parameterization::Standard, "standard"},
                                                                   {Parameterization::Ntk, "ntk"}};

// "16" as a size in 1..1000000, or an InputError naming the whole entry.
std::int64_t sizeOf(const std::string& text, const std::string& entry, const std::string& what) {
  const std::string problem = "--layers: '" + entry + "': " + what + " must be an integer in 1..1000000";
  PK_REQUIRE(!text.empty() && text.size() <= 7 && std::all_of(text.begin(), text.end(), ::isdigit), problem);
  const std::int64_t value = std::stoll(text);
  PK_REQUIRE(value >= 1 && value <= 1000000, problem);
  return value;
}

// dense:H
LayerSpec parseDense(const std::vector<std::string>& fields, const std::string& entry) {
  PK_REQUIRE(fields.size() == 2, "--layers: '" + entry + "': expected dense:H (H outputs)");
  return {"dense", {sizeOf(fields[1], entry, "H")}};
}

std::unique_ptr<Layer> buildDense(const LayerSpec& spec, std::int64_t inputWidth, const LayerOptions& options,
                                  std::int64_t offset) {
  return std::make_unique<DenseLayer>(inputWidth, spec.values.at(0), options, true, offset);
}

// One entry per layer kind: adding a kind is one more line here.
struct LayerKind {
  const char* name;
  LayerSpec (*parse)(const std::vector<std::string>& fields, const std::string& entry);
  std::unique_ptr<Layer> (*build)(const LayerSpec&, std::int64_t, const LayerOptions&, std::int64_t);
};
const LayerKind kKinds[] = {{"dense", parseDense, buildDense}};

const LayerKind* findKind(const std::string& name) {
  for (const auto& kind : kKinds)
    if (name == kind.name) return &kind;
  return nullptr;
}

std::string kindList() {
  std::string list;
  for (const auto& kind : kKinds) list += (list.empty() ? "" : ", ") + std::string(kind.name);
  return list;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (char c : text)
    if (c == separator)
      parts.emplace_back();
    else
      parts.back() += c;
  return parts;
}

}  // namespace

Parameterization parseParameterization(const std::string& name) {
  if (const auto* found = findByName(kParameterizationNames, name)) return *found;
  throw InputError("unknown parameterization '" + name + "' (allowed: " + nameList(kParameterizationNames) + ")");
}

std::string toString(Parameterization p) {
  return nameOf(kParameterizationNames, p);
}

std::vector<LayerSpec> parseLayers(const std::string& text) {
  std::string normal;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      normal += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<LayerSpec> layers;
  if (normal.empty() || normal == "none") return layers;
  for (const auto& entry : split(normal, ',')) {
    PK_REQUIRE(!entry.empty(),
               "malformed --layers '" + text + "': an empty entry (expected e.g. dense:64,dense:64 or none)");
    const auto fields = split(entry, ':');
    const LayerKind* kind = findKind(fields[0]);
    PK_REQUIRE(kind, "unknown layer kind '" + fields[0] + "' in --layers (known: " + kindList() + ")");
    layers.push_back(kind->parse(fields, entry));
  }
  return layers;
}

std::string layersText(const std::vector<LayerSpec>& layers) {
  std::string text;
  for (const auto& layer : layers) {
    text += (text.empty() ? "" : ",") + layer.kind;
    for (auto v : layer.values) text += ":" + std::to_string(v);
  }
  return text;
}

std::vector<LayerSpec> denseLayers(const std::vector<std::int64_t>& widths) {
  std::vector<LayerSpec> layers;
  for (auto h : widths) layers.push_back({"dense", {h}});
  return layers;
}

std::optional<std::vector<std::int64_t>> hiddenWidths(const std::vector<LayerSpec>& layers) {
  std::vector<std::int64_t> widths;
  for (const auto& layer : layers) {
    if (layer.kind != "dense") return std::nullopt;
    widths.push_back(layer.values.at(0));
  }
  return widths;
}

std::unique_ptr<Layer> makeLayer(const LayerSpec& spec, std::int64_t inputWidth, const LayerOptions& options,
                                 std::int64_t offset) {
  const LayerKind* kind = findKind(spec.kind);
  PK_REQUIRE(kind, "unknown layer kind '" + spec.kind + "' (known: " + kindList() + ")");
  return kind->build(spec, inputWidth, options, offset);
}

std::unique_ptr<Layer> makeOutputLayer(std::int64_t inputWidth, std::int64_t outputs, const LayerOptions& options,
                                       std::int64_t offset) {
  return std::make_unique<DenseLayer>(inputWidth, outputs, options, false, offset);
}

}  // namespace pk
