#include "model/LayerList.hpp"

#include <algorithm>
#include <cctype>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "model/ConvLayer.hpp"
#include "model/DenseLayer.hpp"
#include "model/PoolLayer.hpp"

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

std::int64_t widthOf(const std::vector<std::int64_t>& shape) {
  std::int64_t width = 1;
  for (const auto d : shape) width *= d;
  return width;
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
  std::string text;
  for (const auto d : shape) text += (text.empty() ? "" : "x") + std::to_string(d);
  return text;
}

// The image a convolution or pooling layer takes, or an InputError saying why its input is none.
ImageShape imageInput(const std::vector<std::int64_t>& inputShape) {
  PK_REQUIRE(inputShape.size() == 3, "needs images [C, H, W] as its input, but its input is " +
                                         std::to_string(widthOf(inputShape)) +
                                         " flat values (image data are X [N, C, H, W], or flat X with --input-shape "
                                         "C,H,W; a dense layer's output is flat)");
  return {inputShape[0], inputShape[1], inputShape[2]};
}

std::unique_ptr<Layer> buildDense(const LayerSpec& spec, const std::vector<std::int64_t>& inputShape,
                                  const LayerOptions& options, std::int64_t offset) {
  // A dense layer after a convolution or pooling flattens its input in (channel, row, column) order.
  return std::make_unique<DenseLayer>(widthOf(inputShape), spec.values.at(0), options, true, offset);
}

// conv:K:k[:sS][:pP]
LayerSpec parseConv(const std::vector<std::string>& fields, const std::string& entry) {
  const std::string expected =
      "--layers: '" + entry + "': expected conv:K:k[:sS][:pP] (K filters of k x k, stride S, padding P)";
  PK_REQUIRE(fields.size() >= 3 && fields.size() <= 5, expected);
  LayerSpec spec{"conv", {sizeOf(fields[1], entry, "K"), sizeOf(fields[2], entry, "k"), 1, 0}};
  bool strideGiven = false, padGiven = false;
  for (std::size_t f = 3; f < fields.size(); ++f) {
    const std::string& field = fields[f];
    PK_REQUIRE(field.size() >= 2 && (field[0] == 's' || field[0] == 'p'), expected);
    if (field[0] == 's') {
      PK_REQUIRE(!strideGiven && !padGiven, expected + ": the stride once, before the padding");
      spec.values[2] = sizeOf(field.substr(1), entry, "S");
      strideGiven = true;
    } else {
      PK_REQUIRE(!padGiven, expected + ": the padding once");
      const std::string digits = field.substr(1);
      PK_REQUIRE(digits == "0" || (!digits.empty() && digits[0] != '0'), expected);
      spec.values[3] = digits == "0" ? 0 : sizeOf(digits, entry, "P");
      padGiven = true;
    }
  }
  return spec;
}

std::string convText(const LayerSpec& spec) {
  std::string text = "conv:" + std::to_string(spec.values[0]) + ":" + std::to_string(spec.values[1]);
  if (spec.values[2] != 1) text += ":s" + std::to_string(spec.values[2]);
  if (spec.values[3] != 0) text += ":p" + std::to_string(spec.values[3]);
  return text;
}

std::unique_ptr<Layer> buildConv(const LayerSpec& spec, const std::vector<std::int64_t>& inputShape,
                                 const LayerOptions& options, std::int64_t offset) {
  const ConvGeometry g{imageInput(inputShape), spec.values[0], spec.values[1], spec.values[2], spec.values[3]};
  PK_REQUIRE(g.fits(), "does not fit its input " + shapeText(inputShape) + ": a " + std::to_string(g.kernel) + "x" +
                           std::to_string(g.kernel) + " kernel on " + std::to_string(g.input.height) + "x" +
                           std::to_string(g.input.width) + " pixels with padding " + std::to_string(g.pad));
  return std::make_unique<ConvLayer>(g, options, offset);
}

// avgpool:k, maxpool:k
LayerSpec parsePool(const std::vector<std::string>& fields, const std::string& entry) {
  PK_REQUIRE(fields.size() == 2, "--layers: '" + entry + "': expected " + fields[0] + ":k (k x k windows)");
  return {fields[0], {sizeOf(fields[1], entry, "k")}};
}

std::unique_ptr<Layer> buildPool(const LayerSpec& spec, const std::vector<std::int64_t>& inputShape,
                                 const LayerOptions& /*options*/, std::int64_t /*offset*/) {
  const PoolGeometry g{imageInput(inputShape), spec.values[0]};
  PK_REQUIRE(g.output().size() > 0, "has " + std::to_string(g.window) + "x" + std::to_string(g.window) +
                                        " windows, larger than its input " + shapeText(inputShape));
  return std::make_unique<PoolLayer>(spec.kind == "avgpool" ? PoolLayer::Kind::Average : PoolLayer::Kind::Max, g);
}

std::string plainText(const LayerSpec& spec) {
  std::string text = spec.kind;
  for (auto v : spec.values) text += ":" + std::to_string(v);
  return text;
}

// One entry per layer kind: adding a kind is one more line here.
struct LayerKind {
  const char* name;
  LayerSpec (*parse)(const std::vector<std::string>& fields, const std::string& entry);
  std::string (*text)(const LayerSpec&);  // the normalised text of the entry
  std::unique_ptr<Layer> (*build)(const LayerSpec&, const std::vector<std::int64_t>&, const LayerOptions&,
                                  std::int64_t);
};
const LayerKind kKinds[] = {{"dense", parseDense, plainText, buildDense},
                            {"conv", parseConv, convText, buildConv},
                            {"avgpool", parsePool, plainText, buildPool},
                            {"maxpool", parsePool, plainText, buildPool}};

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
    const LayerKind* kind = findKind(layer.kind);
    text += (text.empty() ? "" : ",") + (kind ? kind->text(layer) : plainText(layer));
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

std::unique_ptr<Layer> makeLayer(const LayerSpec& spec, const std::vector<std::int64_t>& inputShape,
                                 const LayerOptions& options, std::int64_t offset) {
  const LayerKind* kind = findKind(spec.kind);
  PK_REQUIRE(kind, "unknown layer kind '" + spec.kind + "' (known: " + kindList() + ")");
  return kind->build(spec, inputShape, options, offset);
}

std::unique_ptr<Layer> makeOutputLayer(std::int64_t inputWidth, std::int64_t outputs, const LayerOptions& options,
                                       std::int64_t offset) {
  return std::make_unique<DenseLayer>(inputWidth, outputs, options, false, offset);
}

}  // namespace pk
