#include "explain/ReportData.hpp"

#include "explain/Report.hpp"
#include "explain/ReportText.hpp"

namespace pk::explain {

namespace {

using text::csvField;
using text::json;
using text::jsonName;
using text::nameOf;
using text::number;
using text::quoted;

// --- csv -----------------------------------------------------------------

// The columns of one query, repeated on each of its lines. For mse,
// true_label is the target of the output shown and the class columns are empty.
// Each class number is followed by its name from the data file (empty without names).
std::string csvQuery(const QueryExplanation& e, bool integer) {
  const bool cls = text::classification(e);
  auto exact = [](double v) { return number(v, 17); };
  auto name = [&](double k) { return cls ? csvField(nameOf(k, e.classNames)) : std::string(); };
  return e.query.label() + "," + text::label(text::shownTarget(e), integer && cls, "", 17) + "," +
         name(text::shownTarget(e)) + "," + (cls ? std::to_string(e.rule.predicted) : "") + "," +
         name(static_cast<double>(e.rule.predicted)) + "," +
         (cls ? exact(text::probability(e, e.rule.predicted)) : "") + "," + std::to_string(e.rule.toward) + "," +
         name(static_cast<double>(e.rule.toward)) + "," + std::to_string(e.output) + "," + exact(e.network) + "," +
         exact(e.kernelMachine) + "," + exact(e.residual) + "," + exact(e.bias) + "," + exact(e.initial) + "," +
         exact(e.topShare) + "," + exact(e.allShare);
}

// One line per training example, after `prefix` (the query's columns, or nothing).
void csvRows(std::ostream& out, const std::string& prefix, const char* role, const std::vector<Influence>& list,
             bool integer, bool coefficient, const std::vector<std::string>& names) {
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Influence& in = list[k];
    out << prefix << (prefix.empty() ? "" : ",") << role << "," << k + 1 << "," << in.index << ","
        << text::label(in.label, integer, "", 17) << "," << (integer ? csvField(nameOf(in.label, names)) : "") << ","
        << number(in.score, 17) << "," << number(in.contribution, 17) << "," << number(in.pathKernel, 17);
    if (coefficient) out << "," << number(in.coefficient, 17);
    out << "\n";
  }
}

// --- json ----------------------------------------------------------------

void jsonList(std::ostream& out, const std::vector<Influence>& list, bool integer, bool kernel, bool coefficient,
              const std::vector<std::string>& names) {
  out << "[";
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Influence& in = list[k];
    out << (k ? ", " : "") << "{\"train_index\": " << in.index
        << ", \"label\": " << (std::isnan(in.label) ? "null" : text::label(in.label, integer, "", 17));
    if (integer) out << ", \"label_name\": " << jsonName(nameOf(in.label, names));
    out << ", \"score\": " << json(in.score) << ", \"contribution\": " << json(in.contribution);
    if (kernel) out << ", \"path_kernel\": " << json(in.pathKernel);
    if (coefficient) out << ", \"coefficient\": " << json(in.coefficient);
    out << "}";
  }
  out << "]";
}

std::string jsonArray(const std::vector<double>& values) {
  std::string a = "[";
  for (std::size_t k = 0; k < values.size(); ++k) a += (k ? ", " : "") + json(values[k]);
  return a + "]";
}

// What the query is: its label and prediction (classification) or its targets (mse).
void jsonTruth(std::ostream& out, const QueryExplanation& e, bool integer) {
  if (!text::classification(e)) {
    out << ", \"targets\": " << (e.target.empty() ? "null" : jsonArray(e.target))
        << ", \"explained_output\": " << e.rule.toward;
    return;
  }
  const double truth = e.target.empty() ? std::nan("") : e.target[0];
  out << ", \"true_label\": " << (e.target.empty() ? "null" : text::label(truth, integer, "", 17))
      << ", \"true_label_name\": " << jsonName(nameOf(truth, e.classNames))
      << ", \"predicted_class\": " << e.rule.predicted
      << ", \"predicted_class_name\": " << jsonName(nameOf(static_cast<double>(e.rule.predicted), e.classNames))
      << ", \"probability\": " << json(text::probability(e, e.rule.predicted))
      << ", \"probabilities\": " << jsonArray(e.probabilities) << ", \"explained_class\": " << e.rule.toward
      << ", \"explained_class_name\": " << jsonName(nameOf(static_cast<double>(e.rule.toward), e.classNames));
  if (!e.classNames.empty()) {
    out << ", \"class_names\": [";
    for (std::size_t k = 0; k < e.classNames.size(); ++k) out << (k ? ", " : "") << quoted(e.classNames[k]);
    out << "]";
  }
}

void jsonQuery(std::ostream& out, const QueryExplanation& e, bool integer) {
  out << "{\"query\": \"" << e.query.label() << "\"";
  jsonTruth(out, e, integer);
  out << ", \"score\": " << quoted(e.rule.formula()) << ", \"output\": " << e.output << ", \"outputs\": " << e.outputs
      << ", \"network\": " << json(e.network) << ", \"kernel_machine\": " << json(e.kernelMachine)
      << ", \"residual\": " << json(e.residual) << ", \"bias\": " << json(e.bias)
      << ", \"initial\": " << json(e.initial) << ", \"change\": " << json(e.change)
      << ", \"contribution_sum\": " << json(e.contributionSum) << ", \"top_share\": " << json(e.topShare)
      << ", \"all_share\": " << json(e.allShare) << ",\n   \"proponents\": ";
  jsonList(out, e.proponents, integer, true, e.outputs == 1, e.classNames);
  out << ",\n   \"opponents\": ";
  jsonList(out, e.opponents, integer, true, e.outputs == 1, e.classNames);
  out << "}";
}

}  // namespace

void csvExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations, bool integer) {
  // The a_i column only when every query has one output (it is not defined for C > 1).
  bool coefficient = true;
  for (const auto& e : explanations) coefficient = coefficient && e.outputs == 1;
  out << "query,true_label,true_label_name,predicted_class,predicted_class_name,probability,explained,explained_name,"
         "output,network,kernel_machine,residual,bias,initial,top_share,all_share,role,rank,train_index,label,"
         "label_name,score,contribution,path_kernel"
      << (coefficient ? ",coefficient" : "") << "\n";
  for (const auto& e : explanations) {
    const std::string query = csvQuery(e, integer);
    csvRows(out, query, "proponent", e.proponents, integer, coefficient, e.classNames);
    csvRows(out, query, "opponent", e.opponents, integer, coefficient, e.classNames);
  }
}

void jsonExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations,
                      const std::string& labelNote, bool integer) {
  bool manyOutputs = false;
  for (const auto& e : explanations) manyOutputs = manyOutputs || e.outputs > 1;
  out << "{\"labels_source\": " << quoted(labelNote);
  if (manyOutputs) out << ", \"coefficient_note\": " << quoted(kNoCoefficientNote);
  out << ", \"queries\": [\n  ";
  for (std::size_t k = 0; k < explanations.size(); ++k) {
    if (k) out << ",\n  ";
    jsonQuery(out, explanations[k], integer);
  }
  out << "\n]}\n";
}

void csvAggregate(std::ostream& out, const AggregateInfluence& a, bool integer) {
  out << "role,rank,train_index,label,label_name,score,contribution,path_kernel"
      << (a.hasCoefficient ? ",coefficient" : "") << "\n";
  csvRows(out, "", "total_positive", a.mostPositive, integer, a.hasCoefficient, a.classNames);
  csvRows(out, "", "total_negative", a.mostNegative, integer, a.hasCoefficient, a.classNames);
  csvRows(out, "", "self", a.selfLargest, integer, a.hasCoefficient, a.classNames);
}

void jsonAggregate(std::ostream& out, const AggregateInfluence& a, const std::string& labelNote, bool integer) {
  out << "{\"labels_source\": " << quoted(labelNote) << ", \"points\": " << a.points << ", \"over\": " << quoted(a.over)
      << ", \"toward\": " << quoted(a.toward) << ", \"score\": " << quoted(a.scoreFormula);
  if (!a.classNames.empty()) {
    out << ", \"class_names\": [";
    for (std::size_t k = 0; k < a.classNames.size(); ++k) out << (k ? ", " : "") << quoted(a.classNames[k]);
    out << "]";
  }
  if (!a.hasCoefficient) out << ", \"coefficient_note\": " << quoted(kNoCoefficientNote);
  out << ",\n \"most_positive\": ";
  jsonList(out, a.mostPositive, integer, false, false, a.classNames);
  out << ",\n \"most_negative\": ";
  jsonList(out, a.mostNegative, integer, false, false, a.classNames);
  out << ",\n \"self_influence\": ";
  if (a.hasSelf)
    jsonList(out, a.selfLargest, integer, true, a.hasCoefficient, a.classNames);
  else
    out << "null, \"self_influence_note\": " << quoted(a.selfNote);
  out << "}\n";
}

}  // namespace pk::explain
