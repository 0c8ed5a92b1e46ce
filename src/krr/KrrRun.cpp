#include "krr/KrrRun.hpp"

#include "core/Error.hpp"
#include "krr/KernelSource.hpp"
#include "krr/Scores.hpp"

namespace pk {

std::vector<KrrRow> runKernelRidge(const KrrProblem& p, const std::vector<KernelChoice>& kernels,
                                   const std::vector<double>& lambdas, double bandwidth, const SolverOptions& options,
                                   MPI_Comm comm) {
  const Matrix rhs = ridgeTargets(p.loss, p.trainY, p.outputs);
  std::vector<KrrRow> rows;
  for (const auto& kernel : kernels) {
    KernelMatrices k = buildKernel(kernel, p, bandwidth, comm);
    for (const double lambda : lambdas) {
      KrrRow row;
      row.kernel = kernel;
      row.description = k.description;
      row.solution = solveKernelRidge(k.train, k.test, rhs, lambda, options);
      row.train = score(p.loss, row.solution.trainPrediction, p.trainY, OutputMeaning::RidgeFit, comm);
      if (p.nTest > 0) row.test = score(p.loss, row.solution.testPrediction, p.testY, OutputMeaning::RidgeFit, comm);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace pk
