#include "kernel/DenseDirections.hpp"

#include "core/Blas.hpp"

namespace pk {

namespace {

class DenseDirections : public LayerDirections {
 public:
  DenseDirections(const DenseLayer& layer, const DirectionShape& shape)
      : layer_(layer),
        shape_(shape),
        in_(layer.inputWidth()),
        out_(layer.outputWidth()),
        buffer_(shape.examples * out_, in_ + 1),
        direction_(shape.examples * out_, in_ + 1) {}

  std::int64_t rowsPerExample() const override { return out_; }

  void update(const Matrix& h, const Matrix& u, const DirectionRule& rule, const double* p) override {
    const std::int64_t in = in_, out = out_, cols = in + 1;
    const double s = layer_.scale();
    const std::int64_t weights = layer_.weightOffset(), biases = layer_.biasOffset();
    double* buffer = buffer_.data();
    double* direction = direction_.data();
    // One element: the buffer's recursion, then the direction before preconditioning.
    auto advance = [&rule](double e, double& b) {
      b = rule.decay * b + rule.feed * e;
      return rule.direct * e + rule.through * b;
    };
    for (std::int64_t i = 0; i < shape_.examples; ++i) {
      const double* hi = h.row(i);
      for (std::int64_t j = 0; j < out; ++j) {
        // e_i's row j: d(c_i . f)/d[W row j, b[j]] = u_j [s h(x_i), 1].
        const double uj = u(i, j);
        double* b = buffer + (i * out + j) * cols;
        double* d = direction + (i * out + j) * cols;
        const double* pw = p ? p + weights + j * in : nullptr;
        for (std::int64_t l = 0; l < in; ++l) {
          const double dl = advance(uj * s * hi[l], b[l]);
          d[l] = pw ? dl * pw[l] : dl;
        }
        const double bias = advance(uj, b[in]);
        d[in] = p ? bias * p[biases + j] : bias;
      }
    }
  }

  void prepareQueries(const FeatureView& queries, std::int64_t x0, std::int64_t nx) override {
    const auto k = static_cast<std::size_t>(shape_.layer);
    const std::int64_t in = in_, out = out_, outputs = shape_.outputs;
    const double s = layer_.scale();
    queryRows_.resize(static_cast<std::size_t>(nx * (in + 1)));
    for (std::int64_t x = 0; x < nx; ++x) {
      const double* h = queries.h[k].row(x0 + x);
      for (std::int64_t l = 0; l < in; ++l) queryRows_[x * (in + 1) + l] = s * h[l];
      queryRows_[x * (in + 1) + in] = 1.0;
    }
    if (shape_.last) return;  // the last layer's output signals are the identity
    // [C * H_out, nx]: each signal's values over the tile's queries lie together.
    querySignals_.resize(static_cast<std::size_t>(outputs * out * nx));
    for (std::int64_t x = 0; x < nx; ++x) {
      const double* d = queries.delta[k].row(x0 + x);
      for (std::int64_t q = 0; q < outputs * out; ++q) querySignals_[q * nx + x] = d[q];
    }
  }

  double addTileProducts(std::int64_t nx, std::int64_t i0, std::int64_t ni, std::vector<double>& sums,
                         std::vector<double>& product) const override {
    const std::int64_t in = in_, out = out_, cols = in + 1, outputs = shape_.outputs;
    // T [ni * H_out, nx] = D(examples i0..) [ni * H_out, H_in + 1] x Q^T.
    product.resize(static_cast<std::size_t>(ni * out * nx));
    blas::gemmNT(1.0, ConstView{direction_.row(i0 * out), ni * out, cols, cols}, denseView(queryRows_.data(), nx, cols),
                 0.0, denseView(product.data(), ni * out, nx));
    for (std::int64_t i = 0; i < ni; ++i)
      for (std::int64_t c = 0; c < outputs; ++c) {
        double* acc = &sums[static_cast<std::size_t>((i * outputs + c) * nx)];
        if (shape_.last) {
          const double* t = &product[static_cast<std::size_t>((i * out + c) * nx)];
          for (std::int64_t x = 0; x < nx; ++x) acc[x] += t[x];
          continue;
        }
        for (std::int64_t j = 0; j < out; ++j) {
          const double* t = &product[static_cast<std::size_t>((i * out + j) * nx)];
          const double* g = &querySignals_[static_cast<std::size_t>((c * out + j) * nx)];
          for (std::int64_t x = 0; x < nx; ++x) acc[x] += g[x] * t[x];
        }
      }
    return 2.0 * static_cast<double>(ni * out * cols * nx);
  }

  double addOuterProducts(const FeatureView& queries, std::int64_t x0, std::int64_t nx, std::vector<double>& sums,
                          std::vector<double>& product) const override {
    const auto k = static_cast<std::size_t>(shape_.layer);
    const std::int64_t in = in_, out = out_, cols = in + 1, width = out * cols;
    const double s = layer_.scale();
    // Row x: delta(x)_j [s h(x), 1] for j = 0..H_out-1 (the last layer's delta is 1).
    product.resize(static_cast<std::size_t>(nx * width));
    for (std::int64_t x = 0; x < nx; ++x) {
      const double* h = queries.h[k].row(x0 + x);
      const double* d = shape_.last ? nullptr : queries.delta[k].row(x0 + x);
      double* row = &product[static_cast<std::size_t>(x * width)];
      for (std::int64_t j = 0; j < out; ++j) {
        const double dj = d ? d[j] : 1.0;
        for (std::int64_t l = 0; l < in; ++l) row[j * cols + l] = dj * s * h[l];
        row[j * cols + in] = dj;
      }
    }
    blas::gemmNT(1.0, denseView(direction_.data(), shape_.examples, width), denseView(product.data(), nx, width), 1.0,
                 denseView(sums.data(), shape_.examples, nx));
    return 2.0 * static_cast<double>(shape_.examples * width * nx);
  }

  void addDirections(std::vector<double>& sum) const override {
    const std::int64_t in = in_, out = out_;
    const std::int64_t weights = layer_.weightOffset(), biases = layer_.biasOffset();
    for (std::int64_t i = 0; i < shape_.examples; ++i)
      for (std::int64_t j = 0; j < out; ++j) {
        const double* row = direction_.row(i * out + j);
        for (std::int64_t l = 0; l < in; ++l) sum[static_cast<std::size_t>(weights + j * in + l)] += row[l];
        sum[static_cast<std::size_t>(biases + j)] += row[in];
      }
  }

  void save(StateWriter& out, const std::string& name) const override {
    out.rows(name, buffer_, shape_.globalExamples * out_, shape_.firstExample * out_);
  }
  void restore(StateReader& in, const std::string& name) override {
    in.rows(name, buffer_, shape_.firstExample * out_);
  }

 private:
  const DenseLayer& layer_;
  DirectionShape shape_;
  std::int64_t in_, out_;
  Matrix buffer_;     // [examples * H_out, H_in + 1]: b_i (momentum) or m_i (adam)
  Matrix direction_;  // the same layout: d_{i,s}
  // Per query tile (C > 1): [s h(x), 1] rows and the transposed output signals.
  std::vector<double> queryRows_, querySignals_;
};

}  // namespace

std::unique_ptr<LayerDirections> denseDirections(const DenseLayer& layer, const DirectionShape& shape) {
  return std::make_unique<DenseDirections>(layer, shape);
}

}  // namespace pk
