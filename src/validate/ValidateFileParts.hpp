#pragma once
// The groups of the validation file (docs/FORMAT.md, section 9), each written
// and read by one function: /config and /notes, /queries and /reference,
// /scores, and the measures with /summary. Every function is collective.
#include <hdf5.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "validate/Measures.hpp"
#include "validate/Study.hpp"
#include "validate/ValidateFile.hpp"

namespace pk::validation::parts {

/// A dataset held alike by every rank (written by rank 0).
void put(hid_t file, const std::string& path, std::initializer_list<std::int64_t> shape,
         const std::vector<double>& values);
void put(hid_t file, const std::string& path, std::initializer_list<std::int64_t> shape,
         const std::vector<std::int64_t>& values);
/// A whole dataset, read by every rank.
std::vector<double> getDoubles(hid_t file, const std::string& path);
std::vector<std::int64_t> getInts(hid_t file, const std::string& path);

void writeStudyConfig(hid_t file, const Study& study, const StudyNotes& notes);
void readStudyConfig(hid_t file, const std::string& path, Study& study, StudyNotes& notes);
void writeNotes(hid_t file, const StudyNotes& notes);
void readNotes(hid_t file, StudyNotes& notes);
void writeReference(hid_t file, const Study& study);
void readReference(hid_t file, Study& study);
void writeScores(hid_t file, const Study& study);
void readScores(hid_t file, Study& study);
void writeMeasures(hid_t file, const Study& study, const Measures& measures);
void writeSummary(hid_t file, const Study& study, const Measures& measures, const Results& results);

}  // namespace pk::validation::parts
