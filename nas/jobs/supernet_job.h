// The supernet job: the one training job every one-shot package runs, with
// the package's trainer (and so its mutator) plugged in.
//
//   RunSupernetJob(options, config_json, output_dir, resume, factory)
//     1. joins the process group (data parallelism: RANK / WORLD_SIZE, ...);
//     2. builds the registered space options.space with options.space_options
//        (seeded by options.seed), loads options.data for it (train / valid
//        split by options.split_seed, else options.seed; test when the
//        package asks);
//     3. writes config_json as <output_dir>/config.json;
//     4. asks the package's factory for its search (trainer + mutator +
//        loaders), runs Trainer::fit() (resuming when asked);
//     5. writes supernet.pt, the exported architecture (when the package has
//        one) and the package's own result files.
//
// Only rank 0 writes. The factory gets everything the job prepared:
//
//   class MySearch : public nas::SupernetSearch {
//    public:
//     explicit MySearch(nas::SupernetInputs& in)
//         : train_(nas::TrainLoader(in.data.train, in.data_options, in.seed,
//                                   in.rank(), in.world_size())),
//           valid_(nas::EvalLoader(in.data.valid, in.data_options)),
//           trainer_(in.trainer, in.space, train_.get(), valid_.get(),
//                    in.distributed) {}
//     nas::Trainer& trainer() override { return trainer_; }
//     std::optional<nas::Architecture> exported() override {
//       return trainer_.mutator().export_architecture();
//     }
//    ...
//   };
//   RunSupernetJob(o, ToJson(config), dir, resume,
//                  [](nas::SupernetInputs& in) ->
//                  absl::StatusOr<std::unique_ptr<nas::SupernetSearch>> {
//                    return std::make_unique<MySearch>(in);
//                  });
#ifndef NAS_JOBS_SUPERNET_JOB_H_
#define NAS_JOBS_SUPERNET_JOB_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/space_registry.h"
#include "nas/jobs/data.h"
#include "nas/train/distributed.h"
#include "nas/train/trainer.h"

namespace nas {

// The part of a configuration every supernet job reads.
struct SupernetJobOptions {
  std::string space;
  Json space_options = Json::object();
  DataOptions data;
  TrainerOptions trainer;
  uint64_t seed = 0;
  // The train / valid split's seed (unset = `seed`): a benchmark fixes it
  // so that every method and every seed sees the table's split.
  std::optional<uint64_t> split_seed;
  bool with_test = false;  // load the test set too (ImageData::test)
  // > 0: train for this many epochs of data.train (fractions allowed),
  // overriding trainer.epochs and trainer.max_steps.
  double budget_epochs = 0;
  // The exported architecture's file in output_dir ("" = none).
  std::string architecture_file = "arch.json";
};

// What the job prepared, for the package's factory.
struct SupernetInputs {
  std::string space_name;
  BuiltSpace space;
  ImageData data;
  DataOptions data_options;
  TrainerOptions trainer;  // output_dir and resume set
  uint64_t seed = 0;
  Distributed* distributed = nullptr;
  std::shared_ptr<Distributed> distributed_owner;  // keeps `distributed` alive

  int rank() const { return distributed->rank(); }
  int world_size() const { return distributed->world_size(); }
};

// The package's search: its trainer, what it exports, what else it writes.
class SupernetSearch {
 public:
  virtual ~SupernetSearch() = default;
  virtual Trainer& trainer() = 0;
  // The architecture found (written as architecture_file); nullopt when the
  // package exports none from training (SPOS searches afterwards).
  virtual std::optional<Architecture> exported() { return std::nullopt; }
  // After training, on rank 0 with an output folder: the package's files.
  virtual absl::Status write_results(const std::string& output_dir) { return absl::OkStatus(); }
};

using SupernetFactory =
    std::function<absl::StatusOr<std::unique_ptr<SupernetSearch>>(SupernetInputs& inputs)>;

// The SupernetSearch most packages need: training batches of data.train
// (TrainLoader, seeded by the job's seed), validation on data.valid
// (EvalLoader), both sharded over ranks; the package's trainer built as
// TrainerT(trainer options, options, space, train, valid, distributed); the
// export of its mutator(). Derive from it to write more files.
//
//   RunSupernetJob(job, config, dir, resume,
//                  BasicSupernetFactory<RandomTrainer>(RandomTrainerOptions()));
template <typename TrainerT, typename Options>
class BasicSupernetSearch : public SupernetSearch {
 public:
  BasicSupernetSearch(SupernetInputs& in, Options options)
      : space_(in.space),
        train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
        valid_(EvalLoader(in.data.valid, in.data_options, in.rank(), in.world_size())),
        trainer_(in.trainer, std::move(options), in.space, train_.get(), valid_.get(),
                 in.distributed) {}

  Trainer& trainer() override { return trainer_; }
  std::optional<Architecture> exported() override {
    return trainer_.mutator().export_architecture();
  }

  TrainerT& algorithm_trainer() { return trainer_; }
  const BuiltSpace& space() const { return space_; }
  datasets::DataLoader* train_loader() { return train_.get(); }
  datasets::DataLoader* valid_loader() { return valid_.get(); }

 private:
  BuiltSpace space_;
  std::unique_ptr<datasets::DataLoader> train_, valid_;
  TrainerT trainer_;
};

template <typename TrainerT, typename Options>
SupernetFactory BasicSupernetFactory(Options options) {
  return [options](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
    return std::make_unique<BasicSupernetSearch<TrainerT, Options>>(in, options);
  };
}

struct SupernetJobResult {
  Metrics validation;                        // the last validation
  std::optional<Architecture> architecture;  // exported()
  double seconds = 0;
  // The trained search and what it was built on, for callers that go on
  // using the supernet (one-shot methods score architectures on it).
  // `search` refers to `inputs`, so it is declared (and destroyed) after.
  std::shared_ptr<SupernetInputs> inputs;
  std::shared_ptr<SupernetSearch> search;
};

// Runs the job (see above). `config` is written as config.json. Errors from
// building the space, loading data, training or writing come back as a
// Status naming what failed. `after_fit` (optional) runs with the search
// after training, before any file is written (e.g. to gather results all
// ranks compute).
absl::StatusOr<SupernetJobResult> RunSupernetJob(
    const SupernetJobOptions& options, const Json& config, const std::string& output_dir,
    bool resume, const SupernetFactory& factory,
    const std::function<absl::Status(SupernetSearch&)>& after_fit = nullptr);

// The common start of every job: joins the process group of the ranks the
// environment describes (distributed.h). `device` (a trainer's option, may
// be null) becomes this rank's device ("cuda" = cuda:LOCAL_RANK), where the
// collectives run. Shared by the retraining and trial jobs.
absl::StatusOr<std::unique_ptr<Distributed>> JoinProcessGroup(std::string* device = nullptr);

// Builds a registered space, seeding the global generator first; errors are
// annotated with "space_options".
absl::StatusOr<BuiltSpace> BuildSpace(const std::string& name, const Json& options, uint64_t seed);

// Writes `config` as <dir>/config.json (creating dir) on the main rank.
absl::Status WriteJobConfig(const std::string& dir, const Json& config, const Distributed& dist);

}  // namespace nas

#endif  // NAS_JOBS_SUPERNET_JOB_H_
