#pragma once
// The query points a user asks about (--query): items separated by commas,
// each SET:ROW, SET:FIRST-LAST, SET:label=K (every point of the set whose
// label is class K), SET:misclassified and SET:correct (the points whose
// predicted class differs from, or equals, their label) or SET:all, with SET
// train or test. An item without a
// SET: prefix belongs to the set of the item before it, so "test:11,14,20-22"
// is test points 11, 14, 20, 21 and 22. --query may be repeated.
#include <cstdint>
#include <string>
#include <vector>

#include "results/RunReader.hpp"

namespace pk::explain {

struct QueryPoint {
  std::string set;  // "train", "test", or "query" (a replay's queries file)
  std::int64_t row = 0;
  std::string label() const { return set + ":" + std::to_string(row); }
};

/// One item of --query, before it is resolved against a run.
struct QuerySelection {
  enum class Kind { Rows, Label, All, Misclassified, Correct };
  std::string set;
  Kind kind = Kind::Rows;
  std::int64_t first = 0, last = 0;  // Rows: FIRST-LAST (FIRST = LAST for one row)
  std::int64_t label = 0;            // Label: the class K
  std::string text() const;          // as it would be typed: "test:3-5", "test:label=2"
};

/// The splits of a run that queries refer to: their sizes and labels.
struct QuerySets {
  std::int64_t trainRows = 0, testRows = 0, queryRows = 0;  // queryRows: a replay's queries file
  Labels train, test, query;                                // possibly unavailable (the note says why)
  bool classification = false;                              // labels are classes (logistic, softmax)
  std::vector<std::string> classNames;  // the data file's root attribute class_names (classification), or none
  // The network's predicted class of every point (classification), for SET:misclassified and SET:correct.
  std::vector<std::int64_t> predictedTrain, predictedTest, predictedQuery;
  std::int64_t rows(const std::string& set) const {
    return set == "train" ? trainRows : set == "test" ? testRows : set == "query" ? queryRows : 0;
  }
  const Labels& labels(const std::string& set) const { return set == "train" ? train : set == "test" ? test : query; }
  const std::vector<std::int64_t>& predicted(const std::string& set) const {
    return set == "train" ? predictedTrain : set == "test" ? predictedTest : predictedQuery;
  }
};

/// Collective. The sizes and labels of the run's splits, the labels read from
/// `dataOverride` if given, else the run's data (RunReader::labels).
QuerySets querySetsOf(const RunReader& run, const std::string& dataOverride = "");

/// Collective. The names of the classes of a classification run, from its data file's root attribute
/// class_names (or `dataOverride`'s), one per class; none for mse, built-in data, a data file that cannot be
/// found or has no such attribute. Throws InputError when the file found differs from the run's data.
std::vector<std::string> classNamesOf(const RunReader& run, const std::string& dataOverride = "");

/// Parses every --query value, in the order given. Not collective.
/// Throws InputError naming the malformed item and the accepted forms.
std::vector<QuerySelection> parseQuerySelections(const std::vector<std::string>& texts);

/// The points of the selections, in order. Not collective. Throws InputError
/// for a row out of range, SET:label=K (misclassified, correct) without class labels, or too many points.
std::vector<QueryPoint> resolveQueries(const std::vector<QuerySelection>& selections, const QuerySets& sets);

/// Parses and resolves row items only (SET:ROW, SET:FIRST-LAST), without a run.
/// Not collective. Throws InputError for malformed items and for label= and all.
std::vector<QueryPoint> parseQueries(const std::vector<std::string>& texts);

}  // namespace pk::explain
