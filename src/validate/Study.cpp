#include "validate/Study.hpp"

#include <algorithm>
#include <cmath>

#include "core/Sha256.hpp"

namespace pk::validation {

namespace {

template <typename T>
void hashValues(Sha256& sha, const std::vector<T>& values) {
  const std::uint64_t count = values.size();
  sha.update(&count, sizeof count);
  if (!values.empty()) sha.update(values.data(), values.size() * sizeof(T));
}

void hashText(Sha256& sha, const std::string& text) {
  hashValues(sha, std::vector<char>(text.begin(), text.end()));
}

}  // namespace

std::int64_t predictedClassOf(Loss loss, const double* f, std::int64_t outputs) {
  if (loss == Loss::Logistic) return f[0] > 0 ? 1 : 0;
  if (loss == Loss::Softmax) return std::max_element(f, f + outputs) - f;
  return -1;
}

double Study::scoredOutput(std::int64_t q, const double* f) const {
  if (loss != Loss::Softmax) return f[0];
  double mean = 0.0;
  for (std::int64_t c = 0; c < outputs; ++c) mean += f[c];
  return f[predictedClass[static_cast<std::size_t>(q)]] - mean / static_cast<double>(outputs);
}

bool Study::flipped(std::int64_t q, const double* f) const {
  return predictedClassOf(loss, f, outputs) != predictedClass[static_cast<std::size_t>(q)];
}

std::vector<std::int64_t> Study::keepMask(std::int64_t j) const {
  std::vector<std::int64_t> keep(static_cast<std::size_t>(trainRows), 1);
  for (auto i : removed[static_cast<std::size_t>(j)]) keep[static_cast<std::size_t>(i)] = 0;
  return keep;
}

std::string Study::identity() const {
  Sha256 sha;
  hashValues(sha, std::vector<std::int64_t>{static_cast<std::int64_t>(loss), outputs, trainRows,
                                            static_cast<std::int64_t>(seed)});
  for (const auto& q : queries) hashText(sha, q.label());
  for (auto kind : scores) hashText(sha, toString(kind));
  hashValues(sha, topk);
  hashValues(sha, std::vector<double>{ldsFraction});
  hashValues(sha, network.values());
  hashValues(sha, initial.values());
  for (const auto& set : removed) hashValues(sha, set);
  hashValues(sha, topkRetrain);
  hashValues(sha, ldsRetrain);
  hashValues(sha, looExamples);
  hashValues(sha, looRetrain);
  return sha.hexDigest();
}

Results::Results(std::int64_t retrainings, std::int64_t queries, std::int64_t outputs)
    : output(static_cast<std::size_t>(retrainings * queries * outputs), std::nan("")),
      status(static_cast<std::size_t>(retrainings), Pending) {}

std::int64_t Results::pending() const {
  return std::count(status.begin(), status.end(), std::int64_t{Pending});
}

}  // namespace pk::validation
