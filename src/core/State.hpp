#pragma once
// Saving and restoring what changes during a run, for checkpoints. Each
// stateful part (trainer, kernel engine) writes its own named items through a
// StateWriter and reads them back through a StateReader; the checkpoint file
// (an HDF5 implementation in io/) only stores them. Names are slash-separated
// paths ("/state/w"). Rows are addressed by global index, so a state written at
// one rank count reads back at another. Every call is collective.
#include <cstdint>
#include <string>
#include <vector>

#include "core/DenseRows.hpp"
#include "core/Matrix.hpp"

namespace pk {

class StateWriter {
 public:
  virtual ~StateWriter() = default;
  /// Values every rank holds alike.
  virtual void replicated(const std::string& name, const std::vector<double>& values) = 0;
  virtual void replicated(const std::string& name, const std::vector<std::int64_t>& values) = 0;
  /// This rank's rows [firstRow, firstRow + local.rows()) of a [globalRows, local.cols()] matrix.
  virtual void rows(const std::string& name, const Matrix& local, std::int64_t globalRows, std::int64_t firstRow) = 0;
  /// A distributed matrix [rows, cols].
  virtual void matrix(const std::string& name, const DenseRows& m) = 0;
  /// One matrix per output: [rows, cols] for one, [rows, cols, C] interleaved for C > 1.
  virtual void perOutput(const std::string& name, const std::vector<DenseRows>& matrices) = 0;
  /// Matrices of one shape as slices [k, rows, cols].
  virtual void slices(const std::string& name, const std::vector<DenseRows>& matrices) = 0;
};

class StateReader {
 public:
  virtual ~StateReader() = default;
  /// Whether an item was saved (items added by later versions may be absent).
  virtual bool has(const std::string& name) = 0;
  virtual std::vector<double> replicatedDoubles(const std::string& name) = 0;
  virtual std::vector<std::int64_t> replicatedInts(const std::string& name) = 0;
  /// Fills `local` (its shape fixes what is read) from rows starting at global row firstRow.
  virtual void rows(const std::string& name, Matrix& local, std::int64_t firstRow) = 0;
  /// Overwrites this rank's rows of m.
  virtual void matrix(const std::string& name, DenseRows& m) = 0;
  virtual void perOutput(const std::string& name, std::vector<DenseRows>& matrices) = 0;
  virtual void slices(const std::string& name, std::vector<DenseRows>& matrices) = 0;
};

}  // namespace pk
