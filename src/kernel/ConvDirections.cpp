#include "kernel/ConvDirections.hpp"

#include <algorithm>

#include "core/Blas.hpp"
#include "core/Error.hpp"
#include "kernel/ConvTerms.hpp"

namespace pk {

namespace {

class ConvDirections : public LayerDirections {
 public:
  ConvDirections(const ConvLayer& layer, const DirectionShape& shape)
      : layer_(layer),
        shape_(shape),
        weights_(layer.geometry().filters * layer.geometry().patchSize()),
        per_(layer.parameterCount()),
        buffer_(shape.examples, per_),
        direction_(shape.examples, per_) {
    PK_ASSERT(!shape.last, "a conv layer is never the output layer");
    PK_ASSERT(per_ == weights_ + layer.geometry().filters, "ConvDirections: a conv layer holds W then b");
  }

  // The products of addTileProducts are [examples, nx * C]: C values per example and query.
  std::int64_t rowsPerExample() const override { return shape_.outputs; }

  void update(const Matrix& h, const Matrix& u, const DirectionRule& rule, const double* p) override {
    // e_i = d(c_i . f)/d(W, b) of each owned example, from its input and loss signals.
    const Matrix e = convGradients(layer_, h.view(), u.view(), 1);
    const std::int64_t weights = layer_.weightOffset(), biases = layer_.biasOffset();
    for (std::int64_t i = 0; i < shape_.examples; ++i) {
      const double* ei = e.row(i);
      double* b = buffer_.row(i);
      double* d = direction_.row(i);
      for (std::int64_t l = 0; l < per_; ++l) {
        b[l] = rule.decay * b[l] + rule.feed * ei[l];
        const double dl = rule.direct * ei[l] + rule.through * b[l];
        // The preconditioner in parameter layout: W at its offset, b at its own.
        d[l] = p ? dl * p[l < weights_ ? weights + l : biases + (l - weights_)] : dl;
      }
    }
  }

  void prepareQueries(const FeatureView& queries, std::int64_t x0, std::int64_t nx) override {
    // [nx, C * P_l]: row x holds G_c(x) for c = 0..C-1, so it is also [nx * C, P_l].
    queryView_ = queryGradients(layer_, shape_.layer, queries, x0, nx, shape_.outputs, query_);
    if (queryView_.ld != queryView_.cols) {
      // Rows of a wider gathered buffer: packed, as the product below reads them as [nx * C, P_l].
      query_ = Matrix(nx, queryView_.cols);
      for (std::int64_t x = 0; x < nx; ++x) std::copy_n(queryView_.row(x), queryView_.cols, query_.row(x));
      queryView_ = query_.view();
    }
  }

  double addTileProducts(std::int64_t nx, std::int64_t i0, std::int64_t ni, std::vector<double>& sums,
                         std::vector<double>& product) const override {
    const std::int64_t outputs = shape_.outputs, width = nx * outputs;
    // T [ni, nx * C] = D(examples i0..) [ni, P_l] x G^T; T(i, x * C + c) = G_c(x) . d_i.
    product.resize(static_cast<std::size_t>(ni * width));
    blas::gemmNT(1.0, direction_.view().rowBlock(i0, ni), ConstView{queryView_.data, width, per_, per_}, 0.0,
                 denseView(product.data(), ni, width));
    for (std::int64_t i = 0; i < ni; ++i)
      for (std::int64_t c = 0; c < outputs; ++c) {
        double* acc = &sums[static_cast<std::size_t>((i * outputs + c) * nx)];
        const double* t = &product[static_cast<std::size_t>(i * width + c)];
        for (std::int64_t x = 0; x < nx; ++x) acc[x] += t[x * outputs];
      }
    return 2.0 * static_cast<double>(ni * width * per_);
  }

  double addOuterProducts(const FeatureView& queries, std::int64_t x0, std::int64_t nx, std::vector<double>& sums,
                          std::vector<double>&) const override {
    Matrix storage;
    const ConstView query = queryGradients(layer_, shape_.layer, queries, x0, nx, 1, storage);
    // sums [examples, nx] += D [examples, P_l] x G^T.
    blas::gemmNT(1.0, direction_.view(), query, 1.0, denseView(sums.data(), shape_.examples, nx));
    return 2.0 * static_cast<double>(shape_.examples * per_ * nx);
  }

  void addDirections(std::vector<double>& sum) const override {
    const std::int64_t weights = layer_.weightOffset(), biases = layer_.biasOffset();
    for (std::int64_t i = 0; i < shape_.examples; ++i) {
      const double* row = direction_.row(i);
      for (std::int64_t l = 0; l < weights_; ++l) sum[static_cast<std::size_t>(weights + l)] += row[l];
      for (std::int64_t l = weights_; l < per_; ++l) sum[static_cast<std::size_t>(biases + l - weights_)] += row[l];
    }
  }

  void save(StateWriter& out, const std::string& name) const override {
    out.rows(name, buffer_, shape_.globalExamples, shape_.firstExample);
  }
  void restore(StateReader& in, const std::string& name) override { in.rows(name, buffer_, shape_.firstExample); }

 private:
  const ConvLayer& layer_;
  DirectionShape shape_;
  std::int64_t weights_, per_;  // K C_in k^2, and that + K
  Matrix buffer_;               // [examples, P_l]: b_i (momentum) or m_i (adam)
  Matrix direction_;            // the same layout: d_{i,s}
  Matrix query_;                // per query tile (C > 1): [nx, C * P_l], when formed here
  ConstView queryView_;         // that, or the training side's rows
};

class NoDirections : public LayerDirections {
 public:
  std::int64_t rowsPerExample() const override { return 1; }
  void update(const Matrix&, const Matrix&, const DirectionRule&, const double*) override {}
  void prepareQueries(const FeatureView&, std::int64_t, std::int64_t) override {}
  double addTileProducts(std::int64_t, std::int64_t, std::int64_t, std::vector<double>&,
                         std::vector<double>&) const override {
    return 0.0;
  }
  double addOuterProducts(const FeatureView&, std::int64_t, std::int64_t, std::vector<double>&,
                          std::vector<double>&) const override {
    return 0.0;
  }
  void addDirections(std::vector<double>&) const override {}
  void save(StateWriter&, const std::string&) const override {}
  void restore(StateReader&, const std::string&) override {}
};

}  // namespace

std::unique_ptr<LayerDirections> convDirections(const ConvLayer& layer, const DirectionShape& shape) {
  return std::make_unique<ConvDirections>(layer, shape);
}

std::unique_ptr<LayerDirections> noDirections() {
  return std::make_unique<NoDirections>();
}

}  // namespace pk
