// The retraining job: one fixed architecture of a registered space trained
// from scratch (or from a supernet's weights) and scored on the test set,
// with the package's recipe (its trainer) plugged in.
//
//   RunRetrainJob(options, config_json, architecture, output_dir, resume, factory)
//     1. joins the process group; builds options.space with
//        options.space_options (seeded), inherits options.inherit's weights
//        when given, fixes `architecture` (an error names the key that does
//        not fit);
//     2. loads options.data with its test set;
//     3. writes config.json and architecture.json;
//     4. trains with the package's trainer (its validation scores the test
//        set), resuming when asked, then scores the weights after the last
//        step;
//     5. writes model.pt and result.json: {"test_accuracy", "test_loss",
//        "parameters", "seconds"} plus the package's own members; with
//        options.export_model also the framework-free export beside
//        model.pt (model.torchscript.pt, model.state_dict.pt, reference.pt,
//        export.json: nas/export/export_model.h).
#ifndef NAS_JOBS_RETRAIN_JOB_H_
#define NAS_JOBS_RETRAIN_JOB_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "nas/base/json.h"
#include "nas/core/architecture.h"
#include "nas/core/space_registry.h"
#include "nas/jobs/data.h"
#include "nas/train/classifier_trainer.h"
#include "nas/train/distributed.h"
#include "nas/train/trainer.h"

namespace nas {

// The "retrain" section of a package's configuration: the trainer options
// under "trainer" and the ClassifierTrainer recipe as members beside it:
//
//   "retrain": {"trainer": {"epochs": 2, ...}, "lr": 0.1, "momentum": 0.9,
//               "weight_decay": 4e-5, "schedule": "linear_steps", ...}
struct RetrainSection {
  TrainerOptions trainer;
  ClassifierTrainerOptions optimizer;
};
absl::Status RetrainSectionFromJson(const Json& j, const std::string& path, RetrainSection* out);
Json RetrainSectionToJson(const RetrainSection& section);

struct RetrainJobOptions {
  std::string space;
  Json space_options = Json::object();
  DataOptions data;
  TrainerOptions trainer;
  uint64_t seed = 0;
  // A supernet.pt to start from instead of random weights ("" = scratch).
  std::string inherit;
  // Export the trained model (TorchScript, state dict) beside model.pt.
  bool export_model = false;
};

// What the job prepared: the fixed model and the data.
struct RetrainInputs {
  std::string space_name;
  BuiltSpace model;
  ImageData data;
  DataOptions data_options;
  TrainerOptions trainer;  // output_dir and resume set
  uint64_t seed = 0;
  Distributed* distributed = nullptr;

  int rank() const { return distributed->rank(); }
  int world_size() const { return distributed->world_size(); }
};

// The package's recipe: a trainer whose validate() scores the test set.
// Most packages use ClassifierTrainer through MakeClassifierRetraining().
class Retraining {
 public:
  virtual ~Retraining() = default;
  virtual Trainer& trainer() = 0;
  // Members added to result.json (FLOPs, a genotype...).
  virtual Json result_extra() { return Json::object(); }
  // The parameters reported (result.json, the log); nullopt = every
  // parameter of the model (a package leaves out, e.g., an auxiliary head).
  virtual std::optional<int64_t> parameter_count() { return std::nullopt; }
};

using RetrainFactory =
    std::function<absl::StatusOr<std::unique_ptr<Retraining>>(RetrainInputs& inputs)>;

// A ClassifierTrainer with `optimizer` on full_train (augmented, loader
// seed `loader_seed`, cutout pixels) scoring the test set; `extra` goes to
// result.json.
RetrainFactory MakeClassifierRetraining(ClassifierTrainerOptions optimizer, uint64_t loader_seed,
                                        int cutout = 0,
                                        std::function<Json(const RetrainInputs&)> extra = nullptr);

struct RetrainJobResult {
  double test_accuracy = 0;
  double test_loss = 0;
  int64_t parameters = 0;
  double seconds = 0;
  Json extra = Json::object();
};
Json RetrainJobResultToJson(const RetrainJobResult& result);

// Runs the job (see above). Inherited weights are loaded into the whole
// supernet before the architecture is fixed, so the file must be a
// supernet.pt of the same space and options.
absl::StatusOr<RetrainJobResult> RunRetrainJob(const RetrainJobOptions& options, const Json& config,
                                               const Architecture& architecture,
                                               const std::string& output_dir, bool resume,
                                               const RetrainFactory& factory);

}  // namespace nas

#endif  // NAS_JOBS_RETRAIN_JOB_H_
