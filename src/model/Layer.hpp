#pragma once
// One layer of a network (docs/ARCHITECTURE.md, The model as layers). A
// network is a sequence of layers; each knows its input and output widths
// (values per example), its parameter blocks inside the one flat parameter
// vector w, and how to run on a block of examples (rows): forward, the
// backward step through it, its share of the gradient, of a directional
// derivative and of an explicit Jacobian. The network calls each of these once
// per layer and block of rows, never per element.
//
// Signals are matrices whose rows are examples (or, for output signals, an
// example's C signals one after another): the layer never sees the loss.
#include <cstdint>
#include <string>
#include <vector>

#include "core/Matrix.hpp"
#include "core/Rng.hpp"

namespace pk {

/// A named parameter array of a layer: its stored shape and where it starts in w.
struct ParameterBlock {
  std::string name;                 // "W", "b"
  std::vector<std::int64_t> shape;  // stored shape, row-major
  std::int64_t offset = 0;          // index of its first value in w
  std::int64_t size() const;
};

class Layer {
 public:
  virtual ~Layer() = default;

  /// The layer's kind ("dense") and its normalised description ("dense:16").
  virtual std::string kind() const = 0;
  virtual std::string description() const = 0;
  /// Values per example of its input and of its output z.
  virtual std::int64_t inputWidth() const = 0;
  virtual std::int64_t outputWidth() const = 0;
  /// Its output's shape per example ({H} for a dense layer).
  virtual std::vector<std::int64_t> outputShape() const = 0;
  /// Its parameter blocks in the order of w (empty for a layer without parameters).
  const std::vector<ParameterBlock>& parameters() const { return blocks_; }
  std::int64_t parameterCount() const;

  /// Writes the layer's initial parameters into w (at its blocks' offsets).
  virtual void initialise(Rng& rng, double* w) const = 0;
  /// z = the layer's output before its activation [n, outputWidth()]; next = sigma(z),
  /// the next layer's input, unless the layer is the last (then next is untouched). Both
  /// are reshaped and every value overwritten, so their storage can be reused.
  virtual void forward(const double* w, const Matrix& in, Matrix& z, Matrix* next) const = 0;
  /// Signals w.r.t. the layer's input from signals w.r.t. its output z:
  /// above [rows, outputWidth()] -> below [rows, inputWidth()], overwritten. The rows
  /// are the signals of the examples of `in` (the layer's input), rows / in.rows() each
  /// (max pooling finds its windows' largest entries there again).
  virtual void backward(const double* w, const Matrix& in, ConstView above, MutableView below) const = 0;
  /// Multiplies each example's `perExample` signals w.r.t. sigma(z) by sigma'(z):
  /// signals [n, perExample * outputWidth()], in place; `next` = sigma(z).
  virtual void throughActivation(const Matrix& z, const Matrix& next, Matrix& signals,
                                 std::int64_t perExample) const = 0;
  /// grad += sum over rows of d(u . z)/dw for this layer's blocks, u [n, outputWidth()].
  virtual void accumulateGradient(const Matrix& in, const Matrix& u, double* grad) const = 0;
  /// result [n, C] += delta_c . (dz/dw v) for every output c: the layer's share of grad f_c . v.
  /// `delta` [n, C * outputWidth()] (the identity for the last layer).
  virtual void addDirectional(const double* v, const Matrix& in, const Matrix& delta, Matrix& result) const = 0;
  /// jac [C, P]: this layer's columns of example r's Jacobian (verification only).
  virtual void addJacobian(const Matrix& in, const Matrix& delta, std::int64_t r, Matrix& jac) const = 0;
  /// Whether every example's own parameter gradient is small enough to be formed one by one
  /// (a conv layer: K C_in k^2 + K values). Then exampleGradients gives them, the path kernel
  /// works on them, and the trainer, which forms them once a step, sums them for its gradient.
  virtual bool hasExampleGradients() const { return false; }
  /// gradients [n, count * P_layer]: row r holds, for each of example r's `count` signals
  /// (rows of `signals` [n, count * outputWidth()]), d(signal . z)/d(the layer's blocks) in
  /// the order of w. Only for a layer with hasExampleGradients().
  virtual void exampleGradients(const ConstView& in, const ConstView& signals, std::int64_t count,
                                const MutableView& gradients) const;

 protected:
  std::vector<ParameterBlock> blocks_;
};

}  // namespace pk
