#include "algorithms/spos/retrain_job.h"

#include "algorithms/spos/flops_table.h"
#include "algorithms/spos/path_cost.h"
#include "nas/base/status.h"
#include "nas/jobs/retrain_job.h"

namespace nas::spos {

Json RetrainResultToJson(const RetrainResult& r) {
  return {{"test_accuracy", r.test_accuracy},
          {"test_loss", r.test_loss},
          {"flops", r.flops},
          {"params", r.params},
          {"seconds", r.seconds}};
}

absl::StatusOr<RetrainResult> RunRetrainJob(const SposConfig& config, const Architecture& arch,
                                            const std::string& output_dir, bool resume,
                                            const std::string& inherit_from, bool export_model) {
  NAS_RETURN_IF_ERROR(CheckSposDataset(config));
  ShuffleNetSpaceOptions space = config.space;
  space.affine = inherit_from.empty();
  NAS_ASSIGN_OR_RETURN(std::vector<int> choices, ChoicesFromArchitecture(arch, space));
  NAS_ASSIGN_OR_RETURN(FlopsTable table, FlopsTable::Build(space));
  const double flops = static_cast<double>(table.macs(choices));
  const double params = static_cast<double>(table.parameters(choices));
  RetrainJobOptions job;
  job.space = kShuffleNetSpaceName;
  job.space_options = ShuffleNetSpaceOptionsToJson(space);
  job.data = config.data;
  job.trainer = config.retrain.trainer;
  job.seed = config.seed;
  job.inherit = inherit_from;
  job.export_model = export_model;
  NAS_ASSIGN_OR_RETURN(
      RetrainJobResult r,
      nas::RunRetrainJob(job, SposConfigToJson(config), arch, output_dir, resume,
                         MakeClassifierRetraining(config.retrain.optimizer, config.seed + 2,
                                                  /*cutout=*/0, [=](const RetrainInputs&) -> Json {
                                                    return {{"flops", flops}, {"params", params}};
                                                  })));
  RetrainResult result;
  result.test_accuracy = r.test_accuracy;
  result.test_loss = r.test_loss;
  result.flops = flops;
  result.params = params;
  result.seconds = r.seconds;
  return result;
}

}  // namespace nas::spos
