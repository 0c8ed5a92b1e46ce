#include "dynamics/DynamicsFile.hpp"

#include <vector>

#include "io/H5.hpp"
#include "io/OutputFile.hpp"

namespace pk::dynamics {

namespace {

// One value per matrix of the series, as a dataset [m].
template <typename Field>
void writeColumn(const h5::Id& file, const std::string& group, const char* name,
                 const std::vector<MatrixMetrics>& series, Field field) {
  std::vector<double> values;
  for (const auto& m : series) values.push_back(field(m));
  h5::writeReplicated(file, group + "/" + name, {values.size()}, values.data());
}

void writeEigenpairs(const h5::Id& file, const std::string& group, const std::vector<MatrixMetrics>& series,
                     const DynamicsResult& r) {
  const auto count = static_cast<hsize_t>(r.eigenCount);
  std::vector<double> values;
  std::vector<std::int64_t> iterations;
  for (const auto& m : series) {
    values.insert(values.end(), m.eigenvalues.begin(), m.eigenvalues.end());
    iterations.push_back(m.eigenIterations);
  }
  h5::writeReplicated(file, group + "/eigenvalues", {series.size(), count}, values.data());
  h5::writeReplicated(file, group + "/eigen_iterations", {series.size()}, iterations.data());
  writeColumn(file, group, "eigen_error", series, [](const MatrixMetrics& m) { return m.eigenError; });
  if (series.front().eigenvectors.cols() == 0) return;
  // [m, N, E]: matrix j's eigenvectors as columns; each rank writes its rows of every slice.
  const std::string name = group + "/eigenvectors";
  h5::createDataset(file, name, {series.size(), static_cast<hsize_t>(r.nTrain), count});
  for (std::size_t j = 0; j < series.size(); ++j)
    h5::writeSliceRows(file, name, static_cast<std::int64_t>(j), r.firstRow, r.localRows,
                       series[j].eigenvectors.data());
}

void writeSeries(const h5::Id& file, Series s, const DynamicsResult& r) {
  const auto& series = r.series(s);
  if (series.empty()) return;
  const std::string group = std::string("/") + groupName(s);
  h5::ensureGroup(file, group);
  writeColumn(file, group, "trace", series, [](const MatrixMetrics& m) { return m.trace; });
  writeColumn(file, group, "frobenius", series, [](const MatrixMetrics& m) { return m.frobenius; });
  writeColumn(file, group, "asymmetry", series, [](const MatrixMetrics& m) { return m.asymmetry; });
  writeColumn(file, group, "distance_first", series, [](const MatrixMetrics& m) { return m.distanceFirst; });
  writeColumn(file, group, "distance_last", series, [](const MatrixMetrics& m) { return m.distanceLast; });
  writeColumn(file, group, "velocity", series, [](const MatrixMetrics& m) { return m.velocity; });
  writeColumn(file, group, "alignment", series, [](const MatrixMetrics& m) { return m.alignment; });
  writeColumn(file, group, "participation", series, [](const MatrixMetrics& m) { return m.participation; });
  if (r.eigenCount > 0) writeEigenpairs(file, group, series, r);
  if (s != Series::Snapshots) return;
  h5::writeReplicated(file, group + "/steps", {r.steps.size()}, r.steps.data());
  h5::writeReplicated(file, group + "/time", {r.times.size()}, r.times.data());
}

void writeConfig(const h5::Id& file, const DynamicsSettings& s, const DynamicsResult& r) {
  h5::Id config = h5::ensureGroup(file, "/config");
  h5::setAttribute(config, "run", s.run);
  h5::setAttribute(config, "kernels", s.kernels);
  h5::setAttribute(config, "eigen", s.eigen);
  h5::setFlagAttribute(config, "eigenvectors", s.eigenvectors);
  h5::setAttribute(config, "petsc_options", s.petscOptions);
  h5::setAttribute(config, "loss", toString(r.loss));
  h5::setAttribute(config, "n_train", r.nTrain);
  h5::setAttribute(config, "targets", r.targets);
  h5::setAttribute(config, "steps", r.totalSteps);
  h5::setAttribute(config, "total_time", r.totalTime);
  h5::setAttribute(config, "eigen_solver", r.eigenType);
  h5::setAttribute(config, "eigen_tolerance", r.eigenTolerance);
}

}  // namespace

void writeDynamicsFile(const std::string& path, const DynamicsSettings& settings, const DynamicsResult& result,
                       MPI_Comm comm) {
  OutputFile file(path, kDynamicsFormat, kDynamicsFormatVersion, comm);
  writeConfig(file, settings, result);
  for (const Series s : {Series::Snapshots, Series::Path, Series::PathLayer}) writeSeries(file, s, result);
  file.finish();
}

}  // namespace pk::dynamics
