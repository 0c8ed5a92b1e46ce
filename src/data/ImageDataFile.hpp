#pragma once
// pathkernel data: a data file (docs/FORMAT.md, data files) made from IDX
// image and label files, the MNIST family's format. Pixels become
// float64(pixel) / 255.0 in X [N, 1, rows, cols]; the chosen classes are
// renumbered 0.. in the order given (two classes: y float64 0/1 and loss
// "logistic"; more: y int64 and loss "softmax"); optionally a seeded,
// class-stratified sample. The file records each source's SHA-256, the
// classes, their names and the IDX row of every kept example.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace pk {

struct IdxSources {
  std::string trainImages, trainLabels;
  std::string testImages, testLabels;  // both empty: no test split
};

/// The four files of Debian's dataset-fashion-mnist package.
IdxSources fashionMnistSources();
/// Fashion-MNIST's class names, by label 0..9.
std::vector<std::string> fashionMnistClassNames();

struct ImageDataRequest {
  IdxSources sources;
  std::vector<std::int64_t> classes;    // source labels to keep, in the order of their new numbers
  std::vector<std::string> classNames;  // name of every source label, or empty (the labels' numbers are used)
  std::int64_t nTrain = 0, nTest = 0;   // stratified sample sizes; 0 keeps every example of the classes
  std::uint64_t seed = 1;
  std::string out;
};

struct ImageDataSummary {
  std::int64_t trainRows = 0, testRows = 0, rows = 0, cols = 0;
  std::string loss;
};

/// Collective (every rank reads the sources; rank 0 writes). The file appears
/// at request.out only when complete. Throws InputError naming the problem.
ImageDataSummary writeImageDataFile(const ImageDataRequest& request, MPI_Comm comm);

}  // namespace pk
