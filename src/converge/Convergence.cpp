#include "converge/Convergence.hpp"

#include <cmath>
#include <iomanip>

#include "run/Run.hpp"

namespace pk {

double fittedOrder(const std::vector<double>& x, const std::vector<double>& y) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int n = 0;
  for (std::size_t k = 0; k < x.size() && k < y.size(); ++k) {
    if (!(x[k] > 0) || !(y[k] > 0)) continue;
    const double lx = std::log(x[k]), ly = std::log(y[k]);
    sx += lx;
    sy += ly;
    sxx += lx * lx;
    sxy += lx * ly;
    ++n;
  }
  const double denominator = n * sxx - sx * sx;
  if (n < 2 || denominator == 0.0) return std::nan("");
  return (n * sxy - sx * sy) / denominator;
}

namespace {

RunReport trainOne(TrainSettings s, const std::string& file, MPI_Comm comm) {
  s.out = file;
  return runTraining(s, comm, nullptr);
}

}  // namespace

ConvergenceTable measureConvergence(const TrainSettings& base, int halvings, int gaussMax, const std::string& folder,
                                    MPI_Comm comm, std::ostream* log) {
  ConvergenceTable table;
  std::vector<double> lrs, train, test;
  for (int k = 0; k <= halvings; ++k) {
    TrainSettings s = base;
    // lr halved and steps doubled: the same training time T, and the same
    // learning-rate profile over it (warm-up and step lengths double too).
    s.training.lr = base.training.lr / std::ldexp(1.0, k);
    s.training.steps = base.training.steps << k;
    s.training.warmup = base.training.warmup << k;
    s.training.schedule = base.training.schedule.stretched(std::int64_t{1} << k);
    s.pathRule = PathRule::left();
    const RunReport r = trainOne(s, folder + "/left_" + std::to_string(k) + ".h5", comm);
    table.hasTest = r.hasTest;
    table.levels.push_back({s.training.lr, s.training.steps, r.train.maxAbsResidual, r.train.relative(),
                            r.test.maxAbsResidual, r.hasTest ? r.test.relative() : 0.0});
    lrs.push_back(s.training.lr);
    train.push_back(r.train.maxAbsResidual);
    test.push_back(r.test.maxAbsResidual);
    if (log)
      *log << "  left    lr " << std::setw(12) << s.training.lr << "  steps " << std::setw(8) << s.training.steps
           << "  max|r| train " << std::scientific << std::setprecision(3) << r.train.maxAbsResidual
           << std::defaultfloat << std::setprecision(6) << std::endl;
  }
  table.orderTrain = fittedOrder(lrs, train);
  table.orderTest = table.hasTest ? fittedOrder(lrs, test) : std::nan("");
  for (int q = 1; q <= gaussMax; ++q) {
    TrainSettings s = base;
    s.pathRule = PathRule::gauss(q);
    const RunReport r = trainOne(s, folder + "/gauss_" + std::to_string(q) + ".h5", comm);
    table.gaussQ.push_back(q);
    table.gaussMaxAbs.push_back(std::max(r.train.maxAbsResidual, r.hasTest ? r.test.maxAbsResidual : 0.0));
    if (log)
      *log << "  gauss:" << q << " lr " << std::setw(12) << s.training.lr << "  steps " << std::setw(8)
           << s.training.steps << "  max|r|       " << std::scientific << std::setprecision(3)
           << table.gaussMaxAbs.back() << std::defaultfloat << std::setprecision(6) << std::endl;
  }
  return table;
}

}  // namespace pk
