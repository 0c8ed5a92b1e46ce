#include "run/TrainingRun.hpp"

#include "data/Validate.hpp"
#include "io/DataFile.hpp"

namespace pk {

namespace {

// The settings with the loss resolved: the one asked for, else the one the data names, else mse.
TrainSettings resolvedAgainst(TrainSettings settings, const Dataset& data) {
  if (!settings.loss) settings.loss = data.suggestedLoss.empty() ? Loss::Mse : parseLoss(data.suggestedLoss);
  return settings;
}

Architecture architectureOf(const TrainSettings& s, const Dataset& data, MPI_Comm comm) {
  Architecture arch;
  arch.inputs = data.inputs;
  arch.hidden = s.hidden;
  arch.outputs = checkDataAndCountOutputs(data, *s.loss, s.classes, comm);
  arch.activation = s.activation;
  arch.parameterization = s.parameterization;
  return arch;
}

EngineOptions engineOptionsOf(const TrainSettings& s) {
  EngineOptions options;
  options.trainKernels = !s.skipTrainKernels;
  options.tangentKernels = s.tangentKernels;
  options.pathRule = s.pathRule;
  return options;
}

}  // namespace

Dataset loadData(const TrainSettings& s, MPI_Comm comm) {
  return s.builtinData() ? makeBuiltin(s.builtin, comm) : readDataFile(s.data, comm);
}

TrainingRun::TrainingRun(const TrainSettings& settings, MPI_Comm comm)
    : comm_(comm),
      data_(loadData(settings, comm)),
      settings_(resolvedAgainst(settings, data_)),
      model_(architectureOf(settings_, data_, comm)),
      dataSha256_(settings_.builtinData() ? "" : hashDataFile(settings_.data, comm)),
      trainer_(model_, *settings_.loss, data_, settings_.training, comm),
      engine_(model_, data_, engineOptionsOf(settings_), comm) {
  trainer_.subscribe(engine_);
}

}  // namespace pk
