#include "algorithms/spos/supernet_job.h"

#include <memory>

#include "algorithms/spos/flops_table.h"
#include "algorithms/spos/path_cost.h"
#include "algorithms/spos/spos_trainer.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"

namespace nas::spos {
namespace {

class SposSearch : public SupernetSearch {
 public:
  SposSearch(SupernetInputs& in, SposTrainerOptions options, PathCost cost)
      : train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
        valid_(EvalLoader(in.data.valid, in.data_options)),
        trainer_(in.trainer, options, in.space, train_.get(), valid_.get(), in.distributed,
                 std::move(cost)),
        flops_bins_(options.sampling.sampling == "flops_bins") {}

  Trainer& trainer() override { return trainer_; }
  absl::Status write_results(const std::string&) override {
    if (flops_bins_) {
      LOG(INFO) << "FLOPs-bin sampling: " << trainer_.mutator().fallbacks() << " of "
                << trainer_.mutator().paths() << " paths fell back to unconstrained";
    }
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<datasets::DataLoader> train_, valid_;
  SposTrainer trainer_;
  bool flops_bins_;
};

}  // namespace

absl::StatusOr<SupernetJobResult> RunSupernetJob(const SposConfig& config,
                                                 const std::string& output_dir, bool resume) {
  NAS_RETURN_IF_ERROR(CheckSposDataset(config));
  SupernetJobOptions job;
  job.space = kShuffleNetSpaceName;
  job.space_options =
      SposSpaceOptions(config, /*affine=*/false);  // the supernet's BN has no affine parameters
  job.data = config.data;
  job.trainer = config.supernet.trainer;
  job.seed = config.seed;
  job.architecture_file = "";  // SPOS searches afterwards (:evolution)
  SposTrainerOptions spos = config.supernet.spos;
  spos.seed = config.seed;
  return nas::RunSupernetJob(
      job, SposConfigToJson(config), output_dir, resume,
      [&](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
        auto supernet = std::dynamic_pointer_cast<ShuffleNetSupernetImpl>(in.space.model);
        if (supernet == nullptr)
          return absl::InternalError("spos_shufflenet did not build a ShuffleNet supernet");
        PathCost cost;
        if (spos.sampling.sampling == "flops_bins") {
          ShuffleNetSpaceOptions space = config.space;
          space.affine = false;
          NAS_ASSIGN_OR_RETURN(FlopsTable table, FlopsTable::Build(space));
          cost = MacsOfPath(std::make_shared<const FlopsTable>(std::move(table)),
                            static_cast<int>(supernet->blocks.size()));
        }
        LOG(INFO) << "supernet: " << supernet->blocks.size() << " choice blocks, "
                  << in.data.train.size() << " training / " << in.data.valid.size()
                  << " validation images, " << in.trainer.epochs << " epochs, " << in.world_size()
                  << " process(es)";
        return std::make_unique<SposSearch>(in, spos, std::move(cost));
      });
}

}  // namespace nas::spos
