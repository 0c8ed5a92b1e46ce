#include "data/Builtin.hpp"

#include <cmath>

#include "core/Error.hpp"
#include "core/NameTable.hpp"
#include "core/Rng.hpp"

namespace pk {

namespace {

enum class BuiltinSet { Regression, Regression2, Moons, Blobs };

// The one list of the built-in sets' names.
constexpr NameTable<BuiltinSet, 4> kBuiltinNames = {{BuiltinSet::Regression, "regression"},
                                                    {BuiltinSet::Regression2, "regression2"},
                                                    {BuiltinSet::Moons, "moons"},
                                                    {BuiltinSet::Blobs, "blobs"}};

constexpr int kBlobClasses = 3;

// One example of each set: x (D values) and its target(s).
void regressionExample(Rng& rng, std::int64_t d, double* x, double* y, int outputs) {
  for (std::int64_t k = 0; k < d; ++k) x[k] = 4.0 * rng.uniform() - 2.0;
  const double x1 = d > 1 ? x[1] : 0.0;
  y[0] = std::sin(x[0]) + 0.5 * std::cos(2.0 * x1) + 0.05 * rng.normal();
  if (outputs > 1) y[1] = x[0] * x1 / 2.0 - 0.5 * std::sin(x1) + 0.05 * rng.normal();
}

void moonsExample(Rng& rng, std::int64_t d, double* x, double* y) {
  const double label = rng.uniform() < 0.5 ? 0.0 : 1.0;
  const double angle = M_PI * rng.uniform();
  const double px = label == 0.0 ? std::cos(angle) : 1.0 - std::cos(angle);
  const double py = label == 0.0 ? std::sin(angle) : 0.5 - std::sin(angle);
  for (std::int64_t k = 0; k < d; ++k) x[k] = 0.1 * rng.normal();
  x[0] += px;
  if (d > 1) x[1] += py;
  y[0] = label;
}

void blobsExample(Rng& rng, std::int64_t d, double* x, double* y) {
  const auto label = static_cast<int>(rng.below(kBlobClasses));
  const double angle = 2.0 * M_PI * label / kBlobClasses;
  for (std::int64_t k = 0; k < d; ++k) x[k] = 0.6 * rng.normal();
  x[0] += 2.0 * std::cos(angle);
  if (d > 1) x[1] += 2.0 * std::sin(angle);
  y[0] = label;
}

DataBlock makeSplit(BuiltinSet set, const BuiltinSpec& spec, Rng& rng, std::int64_t rows, std::int64_t cols,
                    MPI_Comm comm) {
  Matrix x(rows, spec.inputs), y(rows, cols);
  for (std::int64_t r = 0; r < rows; ++r) {
    switch (set) {
      case BuiltinSet::Regression:
      case BuiltinSet::Regression2:
        regressionExample(rng, spec.inputs, x.row(r), y.row(r), set == BuiltinSet::Regression2 ? 2 : 1);
        break;
      case BuiltinSet::Moons:
        moonsExample(rng, spec.inputs, x.row(r), y.row(r));
        break;
      case BuiltinSet::Blobs:
        blobsExample(rng, spec.inputs, x.row(r), y.row(r));
        break;
    }
  }
  const Partition part(comm, rows);
  DataBlock block;
  block.globalRows = rows;
  block.firstRow = part.begin();
  block.x = Matrix(part.localRows(), spec.inputs);
  block.y = Matrix(part.localRows(), cols);
  std::copy(x.row(part.begin()), x.row(part.end()), block.x.data());
  std::copy(y.row(part.begin()), y.row(part.end()), block.y.data());
  return block;
}

}  // namespace

std::string builtinNames() {
  return nameList(kBuiltinNames);
}

Dataset makeBuiltin(const BuiltinSpec& spec, MPI_Comm comm) {
  const BuiltinSet* set = findByName(kBuiltinNames, spec.name);
  PK_REQUIRE(set, "unknown built-in data set '" + spec.name + "' (allowed: " + builtinNames() + ")");
  Dataset data;
  data.inputs = spec.inputs;
  data.targetCols = *set == BuiltinSet::Regression2 ? 2 : 1;
  data.targetIsMatrix = *set == BuiltinSet::Regression2;
  data.integerLabels = *set == BuiltinSet::Blobs;
  data.origin = kBuiltinPrefix + spec.name;
  data.suggestedLoss = *set == BuiltinSet::Moons ? "logistic" : *set == BuiltinSet::Blobs ? "softmax" : "mse";
  Rng rng(spec.seed);
  data.train = makeSplit(*set, spec, rng, spec.nTrain, data.targetCols, comm);
  data.test = makeSplit(*set, spec, rng, spec.nTest, data.targetCols, comm);
  return data;
}

}  // namespace pk
