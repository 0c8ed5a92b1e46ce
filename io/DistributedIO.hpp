#pragma once
// Writing and reading the distributed pieces of the engine's state: PETSc row
// blocks and per-rank row blocks of matrices. Reads select rows by global
// index, so a file written at one rank count reads back at any other.
#include <hdf5.h>

#include <string>
#include <vector>

#include "core/DenseRows.hpp"
#include "core/Matrix.hpp"

namespace pk {

/// [rows, cols] from the row blocks of m. Collective.
void writeDenseRows(hid_t file, const std::string& path, const DenseRows& m);
/// Overwrites this rank's rows of m from [rows, cols]. Collective.
void readDenseRows(hid_t file, const std::string& path, DenseRows& m);

/// [rows, cols] for one output, [rows, cols, C] interleaving C matrices otherwise. Collective.
void writePerOutput(hid_t file, const std::string& path, const std::vector<DenseRows>& perOutput);
void readPerOutput(hid_t file, const std::string& path, std::vector<DenseRows>& perOutput);

/// Matrices of the same shape [rows, cols] as one dataset [k, rows, cols] (slice j is matrices[j]). Collective.
void writeSlices(hid_t file, const std::string& path, const std::vector<DenseRows>& matrices);
/// Overwrites this rank's rows of each matrix from the slices of [k, rows, cols]. Collective.
void readSlices(hid_t file, const std::string& path, std::vector<DenseRows>& matrices);

/// A row block [firstRow, firstRow + local.rows()) of a [globalRows, local.cols()] matrix. Collective.
void writeRowBlock(hid_t file, const std::string& path, const Matrix& local, std::int64_t globalRows,
                   std::int64_t firstRow);
/// Reads rows [firstRow, firstRow + local.rows()) into local (its shape fixes what is read). Collective.
void readRowBlock(hid_t file, const std::string& path, Matrix& local, std::int64_t firstRow);

}  // namespace pk
