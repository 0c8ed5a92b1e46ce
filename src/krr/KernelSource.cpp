#include "krr/KernelSource.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/Error.hpp"
#include "core/Text.hpp"
#include "io/DistributedIO.hpp"
#include "io/H5.hpp"
#include "results/RunReader.hpp"

namespace pk {

namespace {

// "K^g at w_s, s = 21 of 200 steps (10.5%; snapshot 4 of 0..7)": how far training had come.
std::string snapshotDescription(const RunReader& run, std::int64_t j) {
  const auto count = static_cast<std::int64_t>(h5::shape(run.file(), "/snapshots/steps").at(0));
  const auto step = static_cast<std::int64_t>(run.rowsOf("/snapshots/steps", j, 1).at(0));
  const auto steps = static_cast<std::int64_t>(h5::shape(run.file(), "/history/lr").at(0));
  const double share = steps > 0 ? 100.0 * static_cast<double>(step) / static_cast<double>(steps) : 0.0;
  return "K^g at w_s, s = " + std::to_string(step) + " of " + std::to_string(steps) + " steps (" +
         formatNumber("%.3g", share) + "%; snapshot " + std::to_string(j) + " of 0.." + std::to_string(count - 1) + ")";
}

KernelMatrices storedKernel(const KernelChoice& kernel, const KrrProblem& p, MPI_Comm comm) {
  const RunReader run(p.runPath, comm);
  const std::string group = storedKernelGroup(kernel.kind);
  const bool snapshot = kernel.kind == KernelKind::Snapshot;
  KernelMatrices k;
  // A snapshot kernel is one slice of the stack; the held-out rows come from the run or a queries file.
  auto read = [&](const RunReader& from, const std::string& name) {
    return snapshot ? from.matrixSlice(name, kernel.snapshot) : from.matrix(name);
  };
  k.train = read(run, group + "/train");
  if (p.nTest > 0) {
    const RunReader heldOut(p.testSource, comm);
    if (heldOut.has(group + "/" + p.testSet)) k.test = read(heldOut, group + "/" + p.testSet);
  }
  const double asymmetry = symmetrise(k.train);
  const std::string what = kernel.kind == KernelKind::Path             ? "K^p (path rule " + p.pathRule + ")"
                           : kernel.kind == KernelKind::TangentInitial ? "K^g at w_0"
                           : kernel.kind == KernelKind::TangentFinal   ? "K^g at w_S"
                                                                       : snapshotDescription(run, kernel.snapshot);
  k.description = what + ", symmetrised (K + K^T)/2; |K - K^T|_F/|K|_F was " + formatNumber("%.2e", asymmetry);
  return k;
}

KernelMatrices rbfKernel(const KrrProblem& p, double bandwidth, MPI_Comm comm) {
  const Matrix trainX = readInputs(p, "train", 0, p.nTrain, comm);
  std::string origin = "--bandwidth";
  if (bandwidth == 0.0) {
    const std::int64_t sample = 1000;
    bandwidth = medianPairwiseDistance(trainX, sample);
    origin = "median pairwise distance of " +
             (p.nTrain > sample ? std::to_string(sample) + " evenly spaced of " : std::string("all ")) +
             std::to_string(p.nTrain) + " training inputs";
    PK_REQUIRE(bandwidth > 0.0, "rbf: the training inputs are all equal (median distance 0): give --bandwidth");
  }
  KernelMatrices k;
  k.train = DenseRows(comm, p.nTrain, p.nTrain);
  // This rank's rows of the training inputs, from the copy every rank already holds.
  Matrix localX(k.train.localRows(), trainX.cols());
  std::copy(trainX.row(k.train.firstRow()), trainX.row(k.train.firstRow() + k.train.localRows()), localX.data());
  fillRbf(k.train, localX, trainX, bandwidth);
  if (p.nTest > 0) {
    k.test = DenseRows(comm, p.nTest, p.nTrain);
    fillRbf(k.test, readInputs(p, "test", k.test.firstRow(), k.test.localRows(), comm), trainX, bandwidth);
  }
  k.description = "exp(-|x - x'|^2/(2 h^2)), h = " + formatNumber("%.4g", bandwidth) + " (" + origin + ")";
  return k;
}

}  // namespace

KernelMatrices buildKernel(const KernelChoice& kernel, const KrrProblem& problem, double bandwidth, MPI_Comm comm) {
  return kernel.kind == KernelKind::Rbf ? rbfKernel(problem, bandwidth, comm) : storedKernel(kernel, problem, comm);
}

void fillRbf(DenseRows& k, const Matrix& localX, const Matrix& trainX, double bandwidth) {
  PK_ASSERT(localX.rows() == k.localRows() && trainX.rows() == k.cols() && localX.cols() == trainX.cols(),
            "fillRbf: inputs do not match the kernel");
  const double scale = -0.5 / (bandwidth * bandwidth);
  {
    const auto a = k.local();
    for (std::int64_t j = 0; j < k.cols(); ++j)
      for (std::int64_t r = 0; r < k.localRows(); ++r) {
        double d2 = 0.0;
        for (std::int64_t c = 0; c < trainX.cols(); ++c) {
          const double d = localX(r, c) - trainX(j, c);
          d2 += d * d;
        }
        a.data()[r + j * a.ld()] = std::exp(scale * d2);
      }
  }
  k.assemble();
}

double medianPairwiseDistance(const Matrix& x, std::int64_t maxRows) {
  const std::int64_t n = x.rows();
  std::vector<std::int64_t> rows;
  for (std::int64_t k = 0; k < std::min(n, maxRows); ++k) rows.push_back(n > maxRows ? k * n / maxRows : k);
  std::vector<double> distances;
  distances.reserve(rows.size() * (rows.size() - (rows.empty() ? 0 : 1)) / 2);
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b) {
      double d2 = 0.0;
      for (std::int64_t c = 0; c < x.cols(); ++c) {
        const double d = x(rows[a], c) - x(rows[b], c);
        d2 += d * d;
      }
      distances.push_back(std::sqrt(d2));
    }
  if (distances.empty()) return 0.0;
  const std::size_t mid = distances.size() / 2;
  std::nth_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(mid), distances.end());
  const double upper = distances[mid];
  if (distances.size() % 2 == 1) return upper;
  const double lower = *std::max_element(distances.begin(), distances.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

}  // namespace pk
