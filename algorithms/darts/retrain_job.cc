// DARTS retraining on the shared retraining job (retrain_job.h).
#include "algorithms/darts/retrain_job.h"

#include <memory>
#include <utility>

#include "algorithms/darts/eval_trainer.h"
#include "algorithms/darts/genotype.h"
#include "nas/base/json.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/mutable_tree.h"
#include "nas/jobs/data.h"

namespace nas::darts {

namespace {

EvalTrainerOptions EvalOptions(const RetrainOptions& r) {
  EvalTrainerOptions eval;
  eval.lr = r.lr;
  eval.momentum = r.momentum;
  eval.weight_decay = r.weight_decay;
  eval.grad_clip = r.grad_clip;
  eval.auxiliary_weight = r.auxiliary_weight;
  eval.drop_path_prob = r.drop_path_prob;
  return eval;
}

// EvalTrainer on the whole training set (augmented with cutout, loader seed
// = the job's seed), scoring the test set; both sharded over ranks.
class DartsRetraining : public Retraining {
 public:
  DartsRetraining(RetrainInputs& in, DartsNetwork network, const RetrainOptions& r, Json extra)
      : train_(TrainLoader(in.data.full_train, in.data_options, in.seed, in.rank(), in.world_size(),
                           r.cutout, r.batch_size)),
        test_(EvalLoader(in.data.test, in.data_options, in.rank(), in.world_size())),
        trainer_(in.trainer, EvalOptions(r), std::move(network), train_.get(), test_.get(),
                 in.distributed),
        extra_(std::move(extra)),
        parameters_(extra_.at("parameters").get<int64_t>()) {}

  Trainer& trainer() override { return trainer_; }
  Json result_extra() override { return extra_; }
  std::optional<int64_t> parameter_count() override { return parameters_; }

 private:
  std::unique_ptr<datasets::DataLoader> train_, test_;
  EvalTrainer trainer_;
  Json extra_;
  int64_t parameters_;  // without the auxiliary head
};

// The genotype of `architecture` in a network of `options` (an unfixed
// copy, built for its choices only).
absl::StatusOr<Genotype> ArchitectureGenotype(const DartsNetworkOptions& options,
                                              const Architecture& architecture) {
  NAS_ASSIGN_OR_RETURN(DartsNetwork network, MakeDartsNetwork(options));
  NAS_ASSIGN_OR_RETURN(SearchSpace space, SearchSpaceOf(*network));
  NAS_ASSIGN_OR_RETURN(Decisions decisions, Annotate(architecture.resolve(space), "architecture"));
  return Annotate(GenotypeOf(decisions, space), "architecture");
}

}  // namespace

absl::StatusOr<RetrainJobResult> RunRetrainJob(const DartsConfig& config,
                                               const Architecture& architecture,
                                               const std::string& output_dir, bool resume,
                                               bool export_model) {
  const RetrainOptions& r = config.retrain;
  NAS_ASSIGN_OR_RETURN(Genotype genotype, ArchitectureGenotype(r.network, architecture));
  LOG(INFO) << "retraining " << genotype.to_string();
  RetrainJobOptions job;
  job.space = kDartsSpaceName;
  job.space_options = DartsNetworkOptionsToJson(r.network);
  job.data = config.data;
  job.trainer = r.trainer;
  job.seed = config.seed;
  job.export_model = export_model;
  NAS_ASSIGN_OR_RETURN(
      RetrainJobResult result,
      nas::RunRetrainJob(
          job, DartsConfigToJson(config), architecture, output_dir, resume,
          [&](RetrainInputs& in) -> absl::StatusOr<std::unique_ptr<Retraining>> {
            auto model = std::dynamic_pointer_cast<DartsNetworkImpl>(in.model.model);
            if (model == nullptr) {
              return absl::InternalError("space 'darts_cell' did not build a DartsNetwork");
            }
            const int64_t parameters = model->parameter_count();
            LOG(INFO) << r.network.layers << " cells x " << r.network.channels
                      << " channels: " << parameters << " parameters ("
                      << static_cast<double>(parameters) / 1e6 << "M) without the auxiliary head; "
                      << in.data.full_train.size() << " training / " << in.data.test.size()
                      << " test images, " << in.trainer.epochs << " epochs";
            Json extra = {{"genotype", genotype.to_string()}, {"parameters", parameters}};
            return std::make_unique<DartsRetraining>(in, DartsNetwork(model), r, std::move(extra));
          }));
  return result;
}

}  // namespace nas::darts
