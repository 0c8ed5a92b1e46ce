#include "explain/QuerySpec.hpp"

#include <algorithm>
#include <cmath>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "io/H5.hpp"

namespace pk::explain {

namespace {

constexpr std::int64_t kMaxQueries = 100000;

[[noreturn]] void malformed(const std::string& item) {
  throw InputError("malformed --query '" + item +
                   "': expected SET:ROW, SET:FIRST-LAST, SET:label=K, SET:misclassified, SET:correct or SET:all with "
                   "SET train or test (query in a replay's queries file), items separated by commas (e.g. test:17, "
                   "test:0-9, test:11,14, test:label=3, test:misclassified, query:0)");
}

std::int64_t parseIndex(const std::string& text, const std::string& item) {
  if (text.empty() || text.size() > 15 || text.find_first_not_of("0123456789") != std::string::npos) malformed(item);
  return std::stoll(text);
}

// One item; `set` is the set of the item before it (empty for the first).
QuerySelection parseItem(const std::string& item, const std::string& set) {
  QuerySelection s;
  const auto colon = item.find(':');
  s.set = colon == std::string::npos ? set : item.substr(0, colon);
  if (s.set != "train" && s.set != "test" && s.set != "query") malformed(item);
  const std::string what = colon == std::string::npos ? item : item.substr(colon + 1);
  if (what == "all") {
    s.kind = QuerySelection::Kind::All;
  } else if (what == "misclassified" || what == "correct") {
    s.kind = what == "correct" ? QuerySelection::Kind::Correct : QuerySelection::Kind::Misclassified;
  } else if (what.rfind("label=", 0) == 0) {
    s.kind = QuerySelection::Kind::Label;
    s.label = parseIndex(what.substr(6), item);
  } else {
    const auto dash = what.find('-');
    s.first = parseIndex(what.substr(0, dash), item);
    s.last = dash == std::string::npos ? s.first : parseIndex(what.substr(dash + 1), item);
    PK_REQUIRE(s.last >= s.first, "malformed --query '" + item + "': the range FIRST-LAST needs FIRST <= LAST");
  }
  return s;
}

void add(std::vector<QueryPoint>& points, const std::string& set, std::int64_t row) {
  PK_REQUIRE(static_cast<std::int64_t>(points.size()) < kMaxQueries,
             "--query asks for more than " + std::to_string(kMaxQueries) + " points");
  points.push_back({set, row});
}

void resolveLabel(const QuerySelection& s, const QuerySets& sets, std::vector<QueryPoint>& points) {
  const Labels& labels = sets.labels(s.set);
  PK_REQUIRE(sets.classification, "--query " + s.text() + " selects a class, but the run's loss is mse");
  PK_REQUIRE(labels.available, "--query " + s.text() + " needs the labels of the " + s.set + " points: " + labels.note);
  const std::size_t before = points.size();
  for (std::int64_t row = 0; row < sets.rows(s.set); ++row)
    if (labels.of(row, 0) == static_cast<double>(s.label)) add(points, s.set, row);
  PK_REQUIRE(points.size() > before,
             "--query " + s.text() + ": no " + s.set + " point has label " + std::to_string(s.label));
}

// Every point of the set whose predicted class differs from (or, for `correct`, equals) its label.
void resolveOutcome(const QuerySelection& s, const QuerySets& sets, std::vector<QueryPoint>& points) {
  const bool correct = s.kind == QuerySelection::Kind::Correct;
  const Labels& labels = sets.labels(s.set);
  PK_REQUIRE(sets.classification, "--query " + s.text() + " compares classes, but the run's loss is mse");
  PK_REQUIRE(labels.available, "--query " + s.text() + " needs the labels of the " + s.set + " points: " + labels.note);
  const std::vector<std::int64_t>& predicted = sets.predicted(s.set);
  PK_REQUIRE(static_cast<std::int64_t>(predicted.size()) == sets.rows(s.set),
             "--query " + s.text() + ": the run has no predictions of its " + s.set + " points");
  const std::size_t before = points.size();
  for (std::int64_t row = 0; row < sets.rows(s.set); ++row)
    if ((labels.of(row, 0) == static_cast<double>(predicted[static_cast<std::size_t>(row)])) == correct)
      add(points, s.set, row);
  PK_REQUIRE(points.size() > before, "--query " + s.text() + ": every " + s.set + " point is " +
                                         (correct ? "misclassified" : "classified correctly"));
}

// The class the network predicts from each row of f_S ([rows, C]): f > 0 for one logit, else the argmax.
std::vector<std::int64_t> predictedClasses(const std::vector<double>& network, std::int64_t rows, std::int64_t c) {
  std::vector<std::int64_t> classes(static_cast<std::size_t>(rows));
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* f = network.data() + r * c;
    classes[static_cast<std::size_t>(r)] = c == 1 ? (f[0] > 0.0 ? 1 : 0) : std::max_element(f, f + c) - f;
  }
  return classes;
}

}  // namespace

std::string QuerySelection::text() const {
  switch (kind) {
    case Kind::All:
      return set + ":all";
    case Kind::Misclassified:
      return set + ":misclassified";
    case Kind::Correct:
      return set + ":correct";
    case Kind::Label:
      return set + ":label=" + std::to_string(label);
    case Kind::Rows:
      break;
  }
  return set + ":" + std::to_string(first) + (last > first ? "-" + std::to_string(last) : "");
}

// The data file's class names ("3,8" as the root attribute class_names), when it has one name per class.
std::vector<std::string> classNamesOf(const RunReader& run, const std::string& dataOverride) {
  if (run.loss() == Loss::Mse || (dataOverride.empty() && run.settings().builtinData())) return {};
  if (!run.labels("train", dataOverride).available) return {};  // the data file cannot be found: numbers only
  const h5::Id file = h5::openFile(run.data(dataOverride).file, run.comm());
  if (!h5::hasAttribute(file, "class_names")) return {};
  std::vector<std::string> names = splitList(h5::stringAttribute(file, "class_names"));
  const std::int64_t classes = run.loss() == Loss::Logistic ? 2 : run.outputs();
  return static_cast<std::int64_t>(names.size()) == classes ? names : std::vector<std::string>{};
}

QuerySets querySetsOf(const RunReader& run, const std::string& dataOverride) {
  QuerySets sets;
  sets.trainRows = run.rows("train");
  sets.testRows = run.rows("test");
  sets.train = run.labels("train", dataOverride);
  sets.test = run.labels("test", dataOverride);
  sets.queryRows = run.rows("query");
  sets.query = run.labels("query", dataOverride);
  sets.classification = run.loss() != Loss::Mse;
  sets.classNames = sets.train.available ? classNamesOf(run, dataOverride) : std::vector<std::string>{};
  if (sets.classification) {
    const std::int64_t c = run.outputs();
    for (const std::string set : {"train", "test", "query"}) {
      const std::int64_t rows = sets.rows(set);
      if (rows == 0) continue;
      auto& predicted = set == "train" ? sets.predictedTrain : set == "test" ? sets.predictedTest : sets.predictedQuery;
      predicted = predictedClasses(run.predictions(set, "network", 0, rows), rows, c);
    }
  }
  return sets;
}

std::vector<QuerySelection> parseQuerySelections(const std::vector<std::string>& texts) {
  std::vector<QuerySelection> selections;
  for (const auto& text : texts) {
    std::string set;
    bool any = false;
    for (const auto& item : splitList(text)) {
      selections.push_back(parseItem(item, set));
      set = selections.back().set;
      any = true;
    }
    if (!any || text.back() == ',') malformed(text);
  }
  return selections;
}

std::vector<QueryPoint> resolveQueries(const std::vector<QuerySelection>& selections, const QuerySets& sets) {
  std::vector<QueryPoint> points;
  for (const auto& s : selections) {
    const std::int64_t rows = sets.rows(s.set);
    PK_REQUIRE(rows > 0, "--query " + s.text() + ": the run has no " + s.set + " points");
    if (s.kind == QuerySelection::Kind::Label) {
      resolveLabel(s, sets, points);
      continue;
    }
    if (s.kind == QuerySelection::Kind::Misclassified || s.kind == QuerySelection::Kind::Correct) {
      resolveOutcome(s, sets, points);
      continue;
    }
    const std::int64_t first = s.kind == QuerySelection::Kind::All ? 0 : s.first;
    const std::int64_t last = s.kind == QuerySelection::Kind::All ? rows - 1 : s.last;
    PK_REQUIRE(last < rows, "query " + s.text() + " is out of range: the run has " + std::to_string(rows) + " " +
                                s.set + " points (rows 0.." + std::to_string(rows - 1) + ")");
    PK_REQUIRE(last - first < kMaxQueries, "--query asks for more than " + std::to_string(kMaxQueries) + " points");
    for (std::int64_t row = first; row <= last; ++row) add(points, s.set, row);
  }
  return points;
}

std::vector<QueryPoint> parseQueries(const std::vector<std::string>& texts) {
  std::vector<QueryPoint> points;
  for (const auto& s : parseQuerySelections(texts)) {
    PK_REQUIRE(s.kind == QuerySelection::Kind::Rows, "--query " + s.text() + " needs the run's labels and sizes");
    for (std::int64_t row = s.first; row <= s.last; ++row) add(points, s.set, row);
  }
  return points;
}

}  // namespace pk::explain
