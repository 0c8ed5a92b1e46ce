#pragma once
// The groups of the validation file (docs/FORMAT.md, section 9), each written
// and read by one function: /config and /notes, /queries and /reference,
// /scores, and the measures with /summary. Every function is collective.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "io/H5.hpp"
#include "validate/Measures.hpp"
#include "validate/Study.hpp"
#include "validate/ValidateFile.hpp"

namespace pk::validation::parts {

/// A dataset held alike by every rank (written by rank 0).
void put(const h5::Id& file, const std::string& path, std::initializer_list<std::int64_t> shape,
         const std::vector<double>& values);
void put(const h5::Id& file, const std::string& path, std::initializer_list<std::int64_t> shape,
         const std::vector<std::int64_t>& values);
/// A whole dataset, read by every rank.
std::vector<double> getDoubles(const h5::Id& file, const std::string& path);
std::vector<std::int64_t> getInts(const h5::Id& file, const std::string& path);

void writeStudyConfig(const h5::Id& file, const Study& study, const StudyNotes& notes);
void readStudyConfig(const h5::Id& file, const std::string& path, Study& study, StudyNotes& notes);
void writeNotes(const h5::Id& file, const StudyNotes& notes);
void readNotes(const h5::Id& file, StudyNotes& notes);
void writeReference(const h5::Id& file, const Study& study);
void readReference(const h5::Id& file, Study& study);
void writeScores(const h5::Id& file, const Study& study);
void readScores(const h5::Id& file, Study& study);
void writeMeasures(const h5::Id& file, const Study& study, const Measures& measures);
void writeSummary(const h5::Id& file, const Study& study, const Measures& measures, const Results& results);

}  // namespace pk::validation::parts
