#include "explain/Score.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "model/Loss.hpp"

namespace pk::explain {

double ScoreRule::score(const double* contribution) const {
  switch (loss) {
    case Loss::Logistic:
      return sign * contribution[0];
    case Loss::Softmax: {
      double sum = 0.0;
      for (std::int64_t c = 0; c < outputs; ++c) sum += contribution[c];
      return contribution[toward] - sum / static_cast<double>(outputs);
    }
    case Loss::Mse:
      break;
  }
  return contribution[column];
}

std::string ScoreRule::header() const {
  switch (loss) {
    case Loss::Logistic:
      return sign > 0 ? "score=+C" : "score=-C";
    case Loss::Softmax:
      return "score=C_k-mean";
    case Loss::Mse:
      break;
  }
  return "score=C";
}

std::string ScoreRule::formula() const {
  const std::string k = std::to_string(toward);
  switch (loss) {
    case Loss::Logistic:
      return std::string("score = ") + (sign > 0 ? "+" : "-") + "C(x,i) toward class " + k +
             " (s C(x,i), s = +1 toward class 1, -1 toward class 0)";
    case Loss::Softmax:
      return "score = C_k(x,i) - mean_c C_c(x,i) toward class k = " + k + " (C(x,i) below is C_k)";
    case Loss::Mse:
      break;
  }
  return "score = C(x,i) of output " + k;
}

std::string scoreDefinition(Loss loss) {
  switch (loss) {
    case Loss::Logistic:
      return "score(x,i) = s C(x,i), s = +1 toward class 1, -1 toward class 0";
    case Loss::Softmax:
      return "score(x,i) = C_k(x,i) - mean_c C_c(x,i) toward class k";
    case Loss::Mse:
      break;
  }
  return "score(x,i) = C_k(x,i) of output k";
}

void requireClass(Loss loss, std::int64_t outputs, std::int64_t requested) {
  const std::int64_t choices = loss == Loss::Logistic ? 2 : outputs;
  PK_REQUIRE(requested >= -1 && requested < choices,
             "--class " + std::to_string(requested) + " is out of range: the run has " + std::to_string(choices) +
                 (loss == Loss::Mse ? " output(s)" : " classes") + " (0.." + std::to_string(choices - 1) +
                 ", or -1 for " + (loss == Loss::Mse ? "output 0)" : "the predicted class)"));
}

ScoreRule scoreRule(Loss loss, const double* network, std::int64_t outputs, std::int64_t requested) {
  ScoreRule rule;
  rule.loss = loss;
  rule.outputs = outputs;
  rule.predicted = predictedClass(loss, network, outputs);
  requireClass(loss, outputs, requested);
  rule.toward = requested >= 0 ? requested : std::max<std::int64_t>(rule.predicted, 0);
  rule.column = loss == Loss::Logistic ? 0 : rule.toward;
  rule.sign = loss == Loss::Logistic && rule.toward == 0 ? -1.0 : 1.0;
  return rule;
}

std::vector<double> classProbabilities(Loss loss, const double* network, std::int64_t outputs) {
  if (loss == Loss::Logistic) {
    const double p = 1.0 / (1.0 + std::exp(-network[0]));
    return {1.0 - p, p};
  }
  if (loss != Loss::Softmax) return {};
  const double top = *std::max_element(network, network + outputs);
  std::vector<double> p(static_cast<std::size_t>(outputs));
  double sum = 0.0;
  for (std::int64_t c = 0; c < outputs; ++c) sum += p[static_cast<std::size_t>(c)] = std::exp(network[c] - top);
  for (double& v : p) v /= sum;
  return p;
}

}  // namespace pk::explain
