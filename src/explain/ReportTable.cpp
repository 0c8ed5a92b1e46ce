#include "explain/ReportTable.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>

#include "explain/Report.hpp"
#include "explain/ReportText.hpp"

namespace pk::explain {

namespace {

// Below this |sum C| / sum |C| the contributions mostly cancel: a share of their sum means little.
constexpr double kCancelling = 0.5;

using text::number;

// Which columns a list of training examples shows.
struct Columns {
  std::string score;   // header of the score column
  std::string value;   // header of the contribution column ("" for none)
  std::string kernel;  // header of the K^p column ("" for none)
  bool coefficient = true;
  const std::vector<std::string>* names = nullptr;  // class names for the label column, or none
};

void tableRows(std::ostream& out, const std::string& title, const std::vector<Influence>& list, bool integer,
               const Columns& columns) {
  out << "  " << title << (list.empty() ? ": none\n" : ":\n");
  if (list.empty()) return;
  const bool named = integer && columns.names && !columns.names->empty();
  // Wide enough for "1 (T-shirt/top)": the class number, then its name.
  int labelWidth = 10;
  if (named)
    for (const auto& name : *columns.names) labelWidth = std::max(labelWidth, static_cast<int>(name.size()) + 8);
  out << "    " << std::setw(4) << "#" << std::setw(8) << "index" << std::setw(labelWidth) << "label" << std::setw(16)
      << columns.score;
  if (!columns.value.empty()) out << std::setw(15) << columns.value;
  if (!columns.kernel.empty()) out << std::setw(15) << columns.kernel;
  if (columns.coefficient) out << std::setw(15) << "a_i(x)";
  out << "\n";
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Influence& in = list[k];
    out << "    " << std::setw(4) << k + 1 << std::setw(8) << in.index << std::setw(labelWidth)
        << (named ? text::named(in.label, *columns.names, "?") : text::label(in.label, integer, "?")) << std::setw(16)
        << number(in.score);
    if (!columns.value.empty()) out << std::setw(15) << number(in.contribution);
    if (!columns.kernel.empty()) out << std::setw(15) << number(in.pathKernel);
    if (columns.coefficient) out << std::setw(15) << number(in.coefficient);
    out << "\n";
  }
}

// "true label 1, predicted class 1 (p = 0.9966)", or the targets for mse.
std::string queryHeading(const QueryExplanation& e, bool integer) {
  std::string line = "query " + e.query.label();
  if (!text::classification(e)) {
    line += "   target" + std::string(e.target.size() > 1 ? "s " : " ");
    if (e.target.empty()) line += "?";
    for (std::size_t c = 0; c < e.target.size(); ++c) line += (c ? ", " : "") + number(e.target[c]);
    if (e.outputs > 1) line += "   (values below: output " + std::to_string(e.output) + ")";
    return line;
  }
  const auto& names = e.classNames;
  line += "   true label " + (e.target.empty() ? std::string("?")
                              : integer        ? text::named(e.target[0], names, "?")
                                               : text::label(e.target[0], integer, "?"));
  line += ", predicted class " + text::named(static_cast<double>(e.rule.predicted), names, "?") +
          " (p = " + number(text::probability(e, e.rule.predicted), 4) + ")";
  if (e.rule.toward != e.rule.predicted)
    line += ", explained class " + text::named(static_cast<double>(e.rule.toward), names, "?") +
            " (p = " + number(text::probability(e, e.rule.toward), 4) + ")";
  if (e.outputs > 1) line += "\n  (values below: logit of class " + std::to_string(e.output) + ")";
  return line;
}

void table(std::ostream& out, const QueryExplanation& e, bool integer) {
  out << queryHeading(e, integer) << "\n"
      << "  network f_S(x)          " << number(e.network, 10) << "\n"
      << "  kernel machine y_KM(x)  " << number(e.kernelMachine, 10) << "\n"
      << "  residual r(x)           " << number(e.residual, 4) << "\n"
      << "  bias b(x) = f_0 + R     " << number(e.bias, 10) << "   (f_0(x) = " << number(e.initial) << ")\n"
      << "  change f_S - f_0        " << number(e.change, 10) << "\n"
      << "  sum_i C(x,i), all N     " << number(e.contributionSum, 10) << "\n"
      << "  " << e.rule.formula() << "\n";
  const Columns columns{e.rule.header(), "C(x,i)", "K^p(x,x_i)", e.outputs == 1, &e.classNames};
  tableRows(out, "top proponents (largest score > 0)", e.proponents, integer, columns);
  tableRows(out, "top opponents (most negative score)", e.opponents, integer, columns);
  // A share of f_S - f_0 means something only when the contributions add up rather than cancel.
  const double gross = e.towardSum - e.againstSum;
  const bool cancel = !(std::abs(e.contributionSum) >= kCancelling * gross);
  out << "  sums of C(x,i): top proponents " << number(e.proponentSum) << ", top opponents " << number(e.opponentSum)
      << "; all N: positive " << number(e.towardSum) << ", negative " << number(e.againstSum) << "\n";
  const std::string all = std::isnan(e.allShare) ? std::string("n/a") : number(100.0 * e.allShare, 4) + " %";
  if (cancel)
    out << "  the contributions cancel (their sum is "
        << number(gross > 0 ? 100.0 * std::abs(e.contributionSum) / gross : 0.0, 3)
        << " % of the sum of their sizes): no share of f_S - f_0 for the top examples; all N together: " << all << "\n";
  else
    out << "  share of f_S - f_0: top proponents and opponents "
        << (std::isnan(e.topShare) ? std::string("n/a") : number(100.0 * e.topShare, 4) + " %")
        << ", all training examples " << all << "\n";
}

}  // namespace

void tableExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations,
                       const std::string& labelNote, bool integer) {
  out << "(" << labelNote << ")\n";
  bool manyOutputs = false;
  for (std::size_t k = 0; k < explanations.size(); ++k) {
    if (k) out << "\n";
    table(out, explanations[k], integer);
    manyOutputs = manyOutputs || explanations[k].outputs > 1;
  }
  if (manyOutputs) out << "\nnote: " << kNoCoefficientNote << "\n";
}

void tableAggregate(std::ostream& out, const AggregateInfluence& a, const std::string& labelNote, bool integer) {
  out << "(" << labelNote << ")\n"
      << "aggregate over " << a.points << " points (" << a.over << "), toward " << a.toward
      << ": T_i = sum_x score(x,i)\n"
      << "  " << a.scoreFormula << "\n"
      << "  all positive totals " << number(a.totalPositive) << ", all negative totals " << number(a.totalNegative)
      << "\n";
  const Columns totals{"T_i", "", "", false, &a.classNames};
  tableRows(out, "most positive in total", a.mostPositive, integer, totals);
  tableRows(out, "most negative in total", a.mostNegative, integer, totals);
  const Columns self{"score(x_i,i)", "C(x_i,i)", "K^p(x_i,x_i)", a.hasCoefficient, &a.classNames};
  if (a.hasSelf)
    tableRows(out, "largest self-influence |score(x_i,i)|", a.selfLargest, integer, self);
  else
    out << "  " << a.selfNote << "\n";
  if (a.hasSelf && !a.hasCoefficient) out << "note: " << kNoCoefficientNote << "\n";
}

}  // namespace pk::explain
