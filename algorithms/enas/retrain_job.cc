#include "algorithms/enas/retrain_job.h"

namespace nas::enas {

absl::StatusOr<RetrainJobResult> RunRetrainJob(const EnasConfig& config, const Architecture& arch,
                                               const std::string& output_dir, bool resume,
                                               bool export_model) {
  RetrainJobOptions job;
  job.space = config.space;
  job.space_options = config.space_options;
  job.data = config.data;
  job.trainer = config.retrain.trainer;
  job.seed = config.seed;
  job.export_model = export_model;
  return nas::RunRetrainJob(job, EnasConfigToJson(config), arch, output_dir, resume,
                            MakeClassifierRetraining(config.retrain.optimizer, config.seed + 4));
}

}  // namespace nas::enas
