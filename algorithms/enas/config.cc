#include "algorithms/enas/config.h"

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas::enas {
namespace {

absl::Status DataFromJson(const Json& j, const std::string& path, DataOptions* o) {
  JsonObjectReader r(j, path);
  r.Optional("dataset", &o->dataset)
      .Optional("data_dir", &o->data_dir)
      .Optional("synthetic_size", &o->synthetic_size)
      .Optional("train_fraction", &o->train_fraction)
      .Optional("train_examples", &o->train_examples)
      .Optional("batch_size", &o->batch_size)
      .Optional("valid_batch_size", &o->valid_batch_size)
      .Optional("workers", &o->workers);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (!(o->train_fraction > 0 && o->train_fraction < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".train_fraction must be in (0, 1)"));
  }
  if (o->batch_size < 1 || o->valid_batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": batch_size and valid_batch_size must be >= 1"));
  }
  if (o->train_examples < 0) return absl::InvalidArgumentError(absl::StrCat(path, ".train_examples must be >= 0"));
  if (o->workers < 0) return absl::InvalidArgumentError(absl::StrCat(path, ".workers must be >= 0"));
  return absl::OkStatus();
}

Json DataToJson(const DataOptions& o) {
  return {{"dataset", o.dataset},
          {"data_dir", o.data_dir},
          {"synthetic_size", o.synthetic_size},
          {"train_fraction", o.train_fraction},
          {"train_examples", o.train_examples},
          {"batch_size", o.batch_size},
          {"valid_batch_size", o.valid_batch_size},
          {"workers", o.workers}};
}

absl::Status SearchFromJson(const Json& j, const std::string& path, SearchJobOptions* o) {
  JsonObjectReader r(j, path);
  const Json* trainer = r.Member("trainer");
  const Json* enas = r.Member("enas");
  r.Optional("export_samples", &o->export_samples)
      .Optional("random_samples", &o->random_samples)
      .Optional("export_batches", &o->export_batches);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (trainer) NAS_RETURN_IF_ERROR(TrainerOptionsFromJson(*trainer, JsonChildPath(path, "trainer"), &o->trainer));
  if (enas) NAS_RETURN_IF_ERROR(EnasTrainerOptionsFromJson(*enas, JsonChildPath(path, "enas"), &o->enas));
  if (o->export_samples < 0 || o->random_samples < 0 || o->export_batches < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": export_samples, random_samples and export_batches must be >= 0"));
  }
  return absl::OkStatus();
}

absl::Status RetrainFromJson(const Json& j, const std::string& path, RetrainJobOptions* o) {
  JsonObjectReader r(j, path);
  const Json* trainer = r.Member("trainer");
  r.Optional("lr", &o->lr)
      .Optional("min_lr", &o->min_lr)
      .Optional("momentum", &o->momentum)
      .Optional("weight_decay", &o->weight_decay);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (trainer) NAS_RETURN_IF_ERROR(TrainerOptionsFromJson(*trainer, JsonChildPath(path, "trainer"), &o->trainer));
  if (!(o->lr > 0) || o->min_lr < 0 || o->min_lr > o->lr || o->momentum < 0 || o->weight_decay < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": need lr > 0, 0 <= min_lr <= lr, momentum >= 0, weight_decay >= 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<EnasConfig> EnasPreset(const std::string& name) {
  EnasConfig c;
  c.preset = name;
  if (name == "fashion_mnist" || name == "fashion_mnist_micro") {
    const bool micro = name == "fashion_mnist_micro";
    c.space = micro ? "enas_micro" : "enas_macro";
    c.space_options = {{"preset", "fashion_mnist"}};
    c.data.dataset = "fashion_mnist";
    c.data.train_examples = 9600;  // 150 shared-weight steps of 64 per epoch
    c.search.trainer.epochs = 6;
    c.search.trainer.log_every = 50;
    c.search.enas.controller_steps = 15;
    c.search.enas.aggregate = 5;
    // Few controller samples in all (450): a faster baseline and a larger
    // step than the paper's 0.999 and 3.5e-4, made for tens of thousands
    // (with 3e-3 the controller's entropy barely moved in 6 epochs).
    c.search.enas.baseline_decay = 0.9;
    c.search.enas.controller_lr = 0.03;
    c.search.enas.mutator.lstm_size = 32;
    if (micro) {
      c.search.enas.mutator.tanh_constant = 1.1;
      c.search.enas.mutator.cell_exit_extra_step = true;
    }
    c.search.export_samples = 30;
    c.search.random_samples = 30;
    c.search.export_batches = 4;
    c.retrain.trainer.epochs = 2;
    c.retrain.trainer.log_every = 100;
    return c;
  }
  if (name == "paper" || name == "paper_micro") {
    const bool micro = name == "paper_micro";
    c.space = micro ? "enas_micro" : "enas_macro";
    c.space_options = {{"preset", "paper"}};
    c.data.dataset = "cifar10";
    c.data.batch_size = micro ? 160 : 128;
    c.data.valid_batch_size = 128;
    c.search.trainer.epochs = micro ? 150 : 310;
    c.search.enas.controller_steps = micro ? 30 : 50;
    c.search.enas.aggregate = micro ? 10 : 20;
    if (micro) {
      c.search.enas.mutator.tanh_constant = 1.1;
      c.search.enas.mutator.cell_exit_extra_step = true;
    }
    c.search.export_samples = 100;
    c.search.random_samples = 100;
    c.search.export_batches = 1;
    c.retrain.trainer.epochs = micro ? 630 : 310;
    c.retrain.lr = 0.05;
    c.retrain.min_lr = 0.0005;
    c.retrain.weight_decay = micro ? 2e-4 : 1e-4;
    return c;
  }
  return absl::NotFoundError(absl::StrCat("unknown ENAS preset '", name,
                                          "'; presets: fashion_mnist, fashion_mnist_micro, paper, paper_micro"));
}

absl::StatusOr<EnasConfig> EnasConfigFromJson(const Json& j, const std::string& source) {
  if (!j.is_object()) return absl::InvalidArgumentError(absl::StrCat(source, ": expected a JSON object"));
  std::string preset = "fashion_mnist";
  if (j.contains("preset")) NAS_RETURN_IF_ERROR(JsonGet(j["preset"], JsonChildPath(source, "preset"), &preset));
  NAS_ASSIGN_OR_RETURN(EnasConfig c, Annotate(EnasPreset(preset), JsonChildPath(source, "preset")));
  JsonObjectReader r(j, source);
  std::string unused;
  r.Optional("preset", &unused).Optional("space", &c.space).Optional("seed", &c.seed);
  const Json* space_options = r.Member("space_options");
  const Json* data = r.Member("data");
  const Json* search = r.Member("search");
  const Json* retrain = r.Member("retrain");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (space_options) {
    if (!space_options->is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ".space_options: expected an object"));
    }
    if (space_options->contains("preset")) c.space_options = Json::object();
    for (auto it = space_options->begin(); it != space_options->end(); ++it) c.space_options[it.key()] = it.value();
  }
  if (data) NAS_RETURN_IF_ERROR(DataFromJson(*data, JsonChildPath(source, "data"), &c.data));
  if (search) NAS_RETURN_IF_ERROR(SearchFromJson(*search, JsonChildPath(source, "search"), &c.search));
  if (retrain) NAS_RETURN_IF_ERROR(RetrainFromJson(*retrain, JsonChildPath(source, "retrain"), &c.retrain));
  return c;
}

Json EnasConfigToJson(const EnasConfig& c) {
  return {{"preset", c.preset},
          {"space", c.space},
          {"space_options", c.space_options},
          {"data", DataToJson(c.data)},
          {"search", {{"trainer", TrainerOptionsToJson(c.search.trainer)},
                      {"enas", EnasTrainerOptionsToJson(c.search.enas)},
                      {"export_samples", c.search.export_samples},
                      {"random_samples", c.search.random_samples},
                      {"export_batches", c.search.export_batches}}},
          {"retrain", {{"trainer", TrainerOptionsToJson(c.retrain.trainer)},
                       {"lr", c.retrain.lr},
                       {"min_lr", c.retrain.min_lr},
                       {"momentum", c.retrain.momentum},
                       {"weight_decay", c.retrain.weight_decay}}},
          {"seed", c.seed}};
}

absl::StatusOr<EnasConfig> LoadEnasConfig(const std::string& path, const std::string& preset) {
  if (path.empty()) return EnasPreset(preset.empty() ? "fashion_mnist" : preset);
  NAS_ASSIGN_OR_RETURN(Json j, ReadJsonFile(path));
  if (!preset.empty() && j.is_object() && !j.contains("preset")) j["preset"] = preset;
  return EnasConfigFromJson(j, path + ": $");
}

}  // namespace nas::enas
