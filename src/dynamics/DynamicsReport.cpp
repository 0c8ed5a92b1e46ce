#include "dynamics/DynamicsReport.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/Text.hpp"

namespace pk::dynamics {

namespace {

constexpr Series kAllSeries[] = {Series::Snapshots, Series::Path, Series::PathLayer};
constexpr std::size_t kTableEigenvalues = 3;

std::string pad(const std::string& text, std::size_t width, bool right = true) {
  if (text.size() >= width) return text + " ";
  const std::string space(width - text.size(), ' ');
  return right ? space + text : text + space;
}

std::string cell(const char* pattern, double v) {
  return std::isnan(v) ? "-" : formatNumber(pattern, v);
}

std::string full(double v, const char* nan) {
  return std::isfinite(v) ? formatNumber("%.17g", v) : std::isnan(v) ? nan : (v > 0 ? "inf" : "-inf");
}

std::string quoted(const std::string& text) {
  std::string q = "\"";
  for (const char ch : text) q += ch == '"' || ch == '\\' ? std::string("\\") + ch : std::string(1, ch);
  return q + "\"";
}

// Step and time of matrix j of a series: the snapshot's, or none (K^p and its layers span the whole run).
double stepOf(const DynamicsResult& r, Series s, std::size_t j) {
  return s == Series::Snapshots ? static_cast<double>(r.steps[j]) : kNotApplicable;
}
double timeOf(const DynamicsResult& r, Series s, std::size_t j) {
  return s == Series::Snapshots ? r.times[j] : kNotApplicable;
}

void printHeader(std::ostream& out, const DynamicsResult& r, int ranks) {
  out << "pathkernel dynamics: " << r.runPath << ", N = " << r.nTrain << " training examples, " << r.totalSteps
      << " steps (T = sum eps_s = " << formatNumber("%.6g", r.totalTime) << "), loss " << toString(r.loss) << ", "
      << ranks << (ranks == 1 ? " rank\n" : " ranks\n")
      << "  K: a train x train kernel as stored; its eigenvalues are those of S = (K + K^T)/2\n"
      << "  d(A, B) = 1 - <A,B>_F / (|A|_F |B|_F); velocity = d(previous snapshot, this one) / sum of eps_s "
         "between them\n"
      << "  alignment = <HKH, Y>_F / (|HKH|_F |HYH|_F), H = I - 11^T/N, Y = y y^T with y: " << r.targets << "\n"
      << "  participation = tr(K)^2 / |K|_F^2"
      << (r.layers.empty() ? ""
                           : "; K^p layer l: the share of W_l, b_l (l = 1..L as in "
                             "docs/THEORY.md; slice l-1 of /kernel/path_layer in the files)")
      << "\n";
  if (r.tangentEnds)
    out << "  snapshots: the run kept none (no --snapshots); its tangent kernels at w_0 (step 0) and w_S (step "
        << r.totalSteps << ", --tangent-kernels) are the two snapshots\n";
  if (r.eigenCount > 0)
    out << "  eigenvalues: SLEPc " << r.eigenType << ", |S v - lambda v| <= " << formatNumber("%.0e", r.eigenTolerance)
        << " |S|; the " << std::min<std::int64_t>(r.eigenCount, kTableEigenvalues) << " largest shown, all "
        << r.eigenCount << " in --format csv|json and the output file\n";
  out << "\n"
      << pad("kernel", 14, false) << pad("step", 7) << pad("t", 10) << pad("trace", 11) << pad("|K|_F", 11)
      << pad("d(first)", 10) << pad("d(last)", 10) << pad("velocity", 10) << pad("alignment", 10)
      << pad("particip.", 10);
  for (std::size_t k = 0; k < std::min<std::size_t>(r.eigenCount, kTableEigenvalues); ++k)
    out << pad("lambda_" + std::to_string(k + 1), 11);
  out << "\n";
}

void printTable(std::ostream& out, const DynamicsResult& r, int ranks) {
  printHeader(out, r, ranks);
  double asymmetry[3] = {0.0, 0.0, 0.0};
  for (const Series s : kAllSeries) {
    const auto& series = r.series(s);
    for (std::size_t j = 0; j < series.size(); ++j) {
      const MatrixMetrics& m = series[j];
      asymmetry[static_cast<int>(s)] = std::max(asymmetry[static_cast<int>(s)], m.asymmetry);
      out << pad(matrixName(s, j), 14, false) << pad(cell("%.0f", stepOf(r, s, j)), 7)
          << pad(cell("%.4g", timeOf(r, s, j)), 10) << pad(cell("%.4e", m.trace), 11)
          << pad(cell("%.4e", m.frobenius), 11) << pad(cell("%.5f", m.distanceFirst), 10)
          << pad(cell("%.5f", m.distanceLast), 10) << pad(cell("%.3e", m.velocity), 10)
          << pad(cell("%.5f", m.alignment), 10) << pad(cell("%.3f", m.participation), 10);
      for (std::size_t k = 0; k < std::min(m.eigenvalues.size(), kTableEigenvalues); ++k)
        out << pad(cell("%.4e", m.eigenvalues[k]), 11);
      out << "\n";
    }
  }
  out << "  asymmetry |K - K^T|_F / |K|_F, largest:";
  for (const Series s : kAllSeries)
    if (!r.series(s).empty()) out << " " << groupName(s) << " " << formatNumber("%.1e", asymmetry[static_cast<int>(s)]);
  out << std::endl;
}

void printCsv(std::ostream& out, const DynamicsResult& r) {
  out << "series,index,step,time,trace,frobenius,asymmetry,distance_first,distance_last,velocity,alignment,"
         "participation,eigen_iterations,eigen_error";
  for (std::int64_t k = 0; k < r.eigenCount; ++k) out << ",lambda_" << k + 1;
  out << "\n";
  for (const Series s : kAllSeries) {
    const auto& series = r.series(s);
    for (std::size_t j = 0; j < series.size(); ++j) {
      const MatrixMetrics& m = series[j];
      out << groupName(s) << "," << j << "," << (s == Series::Snapshots ? std::to_string(r.steps[j]) : "") << ","
          << full(timeOf(r, s, j), "") << "," << full(m.trace, "nan") << "," << full(m.frobenius, "nan") << ","
          << full(m.asymmetry, "nan") << "," << full(m.distanceFirst, "nan") << "," << full(m.distanceLast, "nan")
          << "," << full(m.velocity, "nan") << "," << full(m.alignment, "nan") << "," << full(m.participation, "nan")
          << "," << m.eigenIterations << "," << full(m.eigenError, "nan");
      for (const double lambda : m.eigenvalues) out << "," << full(lambda, "nan");
      out << "\n";
    }
  }
  out.flush();
}

void printJsonMatrix(std::ostream& out, const DynamicsResult& r, Series s, std::size_t j) {
  const MatrixMetrics& m = r.series(s)[j];
  out << "    {\"series\": " << quoted(groupName(s)) << ", \"index\": " << j
      << ", \"step\": " << (s == Series::Snapshots ? std::to_string(r.steps[j]) : "null")
      << ", \"time\": " << full(timeOf(r, s, j), "null") << ", \"trace\": " << full(m.trace, "null")
      << ", \"frobenius\": " << full(m.frobenius, "null") << ", \"asymmetry\": " << full(m.asymmetry, "null")
      << ", \"distance_first\": " << full(m.distanceFirst, "null")
      << ", \"distance_last\": " << full(m.distanceLast, "null") << ", \"velocity\": " << full(m.velocity, "null")
      << ", \"alignment\": " << full(m.alignment, "null") << ", \"participation\": " << full(m.participation, "null")
      << ", \"eigen_iterations\": " << m.eigenIterations << ", \"eigen_error\": " << full(m.eigenError, "null")
      << ", \"eigenvalues\": [";
  for (std::size_t k = 0; k < m.eigenvalues.size(); ++k) out << (k ? ", " : "") << full(m.eigenvalues[k], "null");
  out << "]}";
}

void printJson(std::ostream& out, const DynamicsResult& r, int ranks) {
  out << "{\n  \"run\": " << quoted(r.runPath) << ",\n  \"n_train\": " << r.nTrain << ",\n  \"steps\": " << r.totalSteps
      << ",\n  \"total_time\": " << full(r.totalTime, "null") << ",\n  \"loss\": " << quoted(toString(r.loss))
      << ",\n  \"targets\": " << quoted(r.targets) << ",\n  \"ranks\": " << ranks
      << ",\n  \"eigen\": {\"count\": " << r.eigenCount << ", \"solver\": " << quoted(r.eigenType)
      << ", \"tolerance\": " << full(r.eigenTolerance, "null") << "},\n  \"matrices\": [\n";
  bool first = true;
  for (const Series s : kAllSeries)
    for (std::size_t j = 0; j < r.series(s).size(); ++j) {
      out << (first ? "" : ",\n");
      printJsonMatrix(out, r, s, j);
      first = false;
    }
  out << "\n  ]\n}" << std::endl;
}

}  // namespace

std::string matrixName(Series series, std::size_t index) {
  switch (series) {
    case Series::Snapshots:
      return "K^g_s";
    case Series::Path:
      return "K^p";
    case Series::PathLayer:
      return "K^p layer " + std::to_string(index + 1);  // layers l = 1..L, as docs/THEORY.md numbers them
  }
  return "?";
}

void printDynamics(std::ostream& out, const DynamicsResult& result, Format format, int ranks) {
  switch (format) {
    case Format::Table:
      return printTable(out, result, ranks);
    case Format::Csv:
      return printCsv(out, result);
    case Format::Json:
      return printJson(out, result, ranks);
  }
}

}  // namespace pk::dynamics
