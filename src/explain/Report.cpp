#include "explain/Report.hpp"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "core/Error.hpp"
#include "core/NameTable.hpp"

namespace pk::explain {

namespace {

std::string number(double v, int precision = 6) {
  if (std::isnan(v)) return "nan";
  std::ostringstream os;
  os << std::setprecision(precision) << v;
  return os.str();
}

std::string labelText(double label, bool integer, const char* unknown) {
  if (std::isnan(label)) return unknown;
  if (integer) return std::to_string(static_cast<long long>(std::llround(label)));
  return number(label);
}

std::string json(double v) {
  return std::isfinite(v) ? number(v, 17) : "null";
}

std::string quoted(const std::string& text) {
  std::string q = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') q += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20) q += ch;
  }
  return q + "\"";
}

std::string percent(double share) {
  return std::isnan(share) ? "n/a" : number(100.0 * share, 4) + " %";
}

// --- table ---------------------------------------------------------------

void tableRows(std::ostream& out, const std::string& title, const std::vector<Influence>& list, bool integer,
               bool kernelColumns, const std::string& valueName) {
  out << "  " << title << (list.empty() ? ": none\n" : ":\n");
  if (list.empty()) return;
  out << "    " << std::setw(4) << "#" << std::setw(8) << "index" << std::setw(10) << "label" << std::setw(15)
      << valueName;
  if (kernelColumns) out << std::setw(15) << "K^p(x,x_i)" << std::setw(15) << "a_i(x)";
  out << "\n";
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Influence& in = list[k];
    out << "    " << std::setw(4) << k + 1 << std::setw(8) << in.index << std::setw(10)
        << labelText(in.label, integer, "?") << std::setw(15) << number(in.contribution);
    if (kernelColumns) out << std::setw(15) << number(in.pathKernel) << std::setw(15) << number(in.coefficient);
    out << "\n";
  }
}

void table(std::ostream& out, const QueryExplanation& e, bool integer) {
  out << "query " << e.query.label();
  if (e.outputs > 1) out << "  (output " << e.output << " of 0.." << e.outputs - 1 << ")";
  out << "\n"
      << "  network f_S(x)          " << number(e.network, 10) << "\n"
      << "  kernel machine y_KM(x)  " << number(e.kernelMachine, 10) << "\n"
      << "  residual r(x)           " << number(e.residual, 4) << "\n"
      << "  bias b(x) = f_0 + R     " << number(e.bias, 10) << "   (f_0(x) = " << number(e.initial) << ")\n"
      << "  change f_S - f_0        " << number(e.change, 10) << "\n"
      << "  sum_i C(x,i), all N     " << number(e.contributionSum, 10) << "\n";
  tableRows(out, "top proponents (largest C(x,i) > 0)", e.proponents, integer, true, "C(x,i)");
  tableRows(out, "top opponents (most negative C(x,i))", e.opponents, integer, true, "C(x,i)");
  out << "  share of f_S - f_0: top proponents " << number(e.proponentSum) << " + top opponents "
      << number(e.opponentSum) << " = " << percent(e.topShare) << "; all training examples " << percent(e.allShare)
      << "\n";
}

// --- csv -----------------------------------------------------------------

const char* kCsvHeader =
    "query,output,network,kernel_machine,residual,bias,initial,top_share,all_share,role,rank,train_index,label,"
    "contribution,path_kernel,coefficient\n";

void csvRows(std::ostream& out, const QueryExplanation& e, const char* role, const std::vector<Influence>& list,
             bool integer) {
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Influence& in = list[k];
    out << e.query.label() << "," << e.output << "," << number(e.network, 17) << "," << number(e.kernelMachine, 17)
        << "," << number(e.residual, 17) << "," << number(e.bias, 17) << "," << number(e.initial, 17) << ","
        << number(e.topShare, 17) << "," << number(e.allShare, 17) << "," << role << "," << k + 1 << "," << in.index
        << "," << labelText(in.label, integer, "") << "," << number(in.contribution, 17) << ","
        << number(in.pathKernel, 17) << "," << number(in.coefficient, 17) << "\n";
  }
}

// --- json ----------------------------------------------------------------

void jsonList(std::ostream& out, const std::vector<Influence>& list, bool integer) {
  out << "[";
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Influence& in = list[k];
    out << (k ? ", " : "") << "{\"train_index\": " << in.index
        << ", \"label\": " << (std::isnan(in.label) ? "null" : labelText(in.label, integer, ""))
        << ", \"contribution\": " << json(in.contribution) << ", \"path_kernel\": " << json(in.pathKernel)
        << ", \"coefficient\": " << json(in.coefficient) << "}";
  }
  out << "]";
}

void jsonQuery(std::ostream& out, const QueryExplanation& e, bool integer) {
  out << "{\"query\": \"" << e.query.label() << "\", \"output\": " << e.output << ", \"outputs\": " << e.outputs
      << ", \"network\": " << json(e.network) << ", \"kernel_machine\": " << json(e.kernelMachine)
      << ", \"residual\": " << json(e.residual) << ", \"bias\": " << json(e.bias)
      << ", \"initial\": " << json(e.initial) << ", \"change\": " << json(e.change)
      << ", \"contribution_sum\": " << json(e.contributionSum) << ", \"top_share\": " << json(e.topShare)
      << ", \"all_share\": " << json(e.allShare) << ",\n   \"proponents\": ";
  jsonList(out, e.proponents, integer);
  out << ",\n   \"opponents\": ";
  jsonList(out, e.opponents, integer);
  out << "}";
}

}  // namespace

Format parseFormat(const std::string& text) {
  constexpr NameTable<Format, 3> kFormatNames = {
      {Format::Table, "table"}, {Format::Csv, "csv"}, {Format::Json, "json"}};
  if (const auto* found = findByName(kFormatNames, text)) return *found;
  throw InputError("unknown --format '" + text + "' (allowed: " + nameList(kFormatNames) + ")");
}

void printExplanations(std::ostream& out, const std::vector<QueryExplanation>& explanations, Format format,
                       const std::string& labelNote, bool integer) {
  if (format == Format::Csv) {
    out << kCsvHeader;
    for (const auto& e : explanations) {
      csvRows(out, e, "proponent", e.proponents, integer);
      csvRows(out, e, "opponent", e.opponents, integer);
    }
    return;
  }
  if (format == Format::Json) {
    out << "{\"labels_source\": " << quoted(labelNote) << ", \"queries\": [\n  ";
    for (std::size_t k = 0; k < explanations.size(); ++k) {
      if (k) out << ",\n  ";
      jsonQuery(out, explanations[k], integer);
    }
    out << "\n]}\n";
    return;
  }
  out << "(" << labelNote << ")\n";
  for (std::size_t k = 0; k < explanations.size(); ++k) {
    if (k) out << "\n";
    table(out, explanations[k], integer);
  }
}

void printAggregate(std::ostream& out, const AggregateInfluence& a, Format format, const std::string& labelNote,
                    bool integer) {
  if (format == Format::Csv) {
    out << "role,rank,train_index,label,value,path_kernel,coefficient\n";
    auto rows = [&](const char* role, const std::vector<Influence>& list) {
      for (std::size_t k = 0; k < list.size(); ++k)
        out << role << "," << k + 1 << "," << list[k].index << "," << labelText(list[k].label, integer, "") << ","
            << number(list[k].contribution, 17) << "," << number(list[k].pathKernel, 17) << ","
            << number(list[k].coefficient, 17) << "\n";
    };
    rows("total_positive", a.mostPositive);
    rows("total_negative", a.mostNegative);
    rows("self", a.selfLargest);
    return;
  }
  if (format == Format::Json) {
    out << "{\"labels_source\": " << quoted(labelNote) << ", \"test_rows\": " << a.testRows
        << ", \"output\": " << quoted(a.output) << ",\n \"most_positive\": ";
    jsonList(out, a.mostPositive, integer);
    out << ",\n \"most_negative\": ";
    jsonList(out, a.mostNegative, integer);
    out << ",\n \"self_influence\": ";
    if (a.hasSelf)
      jsonList(out, a.selfLargest, integer);
    else
      out << "null, \"self_influence_note\": " << quoted(a.selfNote);
    out << "}\n";
    return;
  }
  out << "(" << labelNote << ")\n"
      << "aggregate over " << a.testRows << " test points, " << a.output << ": T_i = sum_x C(x, i)\n"
      << "  all positive totals " << number(a.totalPositive) << ", all negative totals " << number(a.totalNegative)
      << "\n";
  tableRows(out, "most positive in total", a.mostPositive, integer, false, "T_i");
  tableRows(out, "most negative in total", a.mostNegative, integer, false, "T_i");
  if (a.hasSelf)
    tableRows(out, "largest self-influence |C(x_i, i)|", a.selfLargest, integer, true, "C(x_i,i)");
  else
    out << "  " << a.selfNote << "\n";
}

}  // namespace pk::explain
