#include "algorithms/spos/config.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "datasets/image_dataset.h"
#include "nas/base/status.h"

namespace nas::spos {
namespace {

absl::Status SupernetFromJson(const Json& j, const std::string& path, SupernetSection* o) {
  JsonObjectReader r(j, path);
  const Json* trainer = r.Member("trainer");
  const Json* spos = r.Member("spos");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (trainer)
    NAS_RETURN_IF_ERROR(
        TrainerOptionsFromJson(*trainer, JsonChildPath(path, "trainer"), &o->trainer));
  if (spos)
    NAS_RETURN_IF_ERROR(SposTrainerOptionsFromJson(*spos, JsonChildPath(path, "spos"), &o->spos));
  return absl::OkStatus();
}

absl::Status EvolutionFromJson(const Json& j, const std::string& path, EvolutionSection* o) {
  JsonObjectReader r(j, path);
  const Json* tuner = r.Member("tuner");
  const Json* evaluation = r.Member("evaluation");
  r.Optional("flops_limit", &o->flops_limit)
      .Optional("latency_limit_ms", &o->latency.budget_ms)
      .Optional("latency_batch", &o->latency.batch)
      .Optional("latency_table", &o->latency.table);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (tuner) {
    Json merged = SposEvolutionOptionsToJson(o->tuner);
    if (!tuner->is_object())
      return absl::InvalidArgumentError(absl::StrCat(path, ".tuner: expected an object"));
    for (auto it = tuner->begin(); it != tuner->end(); ++it) merged[it.key()] = it.value();
    absl::StatusOr<SposEvolutionOptions> parsed = SposEvolutionOptionsFromJson(merged);
    if (!parsed.ok()) return Annotate(parsed.status(), JsonChildPath(path, "tuner"));
    o->tuner = *parsed;
  }
  if (evaluation) {
    NAS_RETURN_IF_ERROR(SupernetEvaluationOptionsFromJson(
        *evaluation, JsonChildPath(path, "evaluation"), &o->evaluation));
  }
  if (!(o->flops_limit >= 0) || !std::isfinite(o->flops_limit)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".flops_limit must be a finite number >= 0"));
  }
  if (!(o->latency.budget_ms >= 0) || !std::isfinite(o->latency.budget_ms)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".latency_limit_ms must be a finite number >= 0"));
  }
  NAS_RETURN_IF_ERROR(ValidateLatencyBudget(o->latency, path));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SposConfig> SposPreset(const std::string& name) {
  SposConfig c;
  c.preset = name;
  c.data.batch_size = 128;
  c.retrain.optimizer.schedule = "linear_steps";
  c.retrain.optimizer.momentum = 0.9;
  c.retrain.optimizer.weight_decay = 4e-5;
  c.retrain.optimizer.decay_conv_only = true;
  c.retrain.optimizer.label_smoothing = 0.1;
  if (name == "fashion_mnist") {
    NAS_ASSIGN_OR_RETURN(c.space, ShuffleNetPreset("fashion_mnist"));
    c.data.dataset = "fashion_mnist";
    c.data.batch_size = 128;
    // Budget (2 CPU cores, under 20 minutes): each candidate block is on
    // the path of 1 step in 4, so the supernet needs several epochs before
    // its paths rank like stand-alone networks; the evolution needs fewer
    // candidates in a space of 4^6 architectures.
    c.supernet.trainer.epochs = 5;
    c.supernet.trainer.log_every = 100;
    // The authors' 0.5 is for batch 1024 (0.0625 at 128 by linear scaling);
    // after one supernet epoch, 0.2 scored 0.55 held-out, 0.1 0.64, 0.05 0.63.
    c.supernet.spos.lr = 0.1;
    c.evolution.tuner.population_size = 16;
    c.evolution.tuner.generations = 5;
    c.evolution.tuner.top_k = 5;
    c.evolution.tuner.mutations = 6;
    c.evolution.tuner.crossovers = 6;
    c.evolution.tuner.mutation_prob = 0.2;              // 6 genes, not 20
    c.evolution.evaluation.recalibration_batches = 10;  // 1,280 images
    c.evolution.evaluation.eval_batches = 0;            // all 6,000 held-out images
    c.retrain.trainer.epochs = 2;
    c.retrain.trainer.max_steps = 800;  // about 1.7 epochs: 5 retrainings fit the budget
    c.retrain.trainer.log_every = 100;
    c.retrain.optimizer.lr = 0.1;
    c.reproduce.random_architectures = 4;
    return c;
  }
  if (name == "paper") {
    NAS_ASSIGN_OR_RETURN(c.space, ShuffleNetPreset("paper"));
    c.data.dataset = "imagenet";
    c.data.batch_size = 1024;
    c.data.train_fraction = 0.98;  // the authors hold out 50k training images
    c.supernet.trainer.epochs = 120;
    c.supernet.trainer.max_steps = 150000;
    c.supernet.trainer.checkpoint_every = 5000;
    c.supernet.spos.lr = 0.5;
    c.supernet.spos.sampling.sampling = "flops_bins";
    c.evolution.flops_limit = 330e6;
    c.evolution.evaluation.recalibration_batches = 200;
    c.evolution.evaluation.eval_batches = 40;
    c.retrain.trainer.epochs = 240;
    c.retrain.optimizer.lr = 0.5;
    c.reproduce.random_architectures = 4;
    return c;
  }
  return absl::NotFoundError(
      absl::StrCat("unknown SPOS preset '", name, "'; known: fashion_mnist, paper"));
}

absl::StatusOr<SposConfig> SposConfigFromJson(const Json& j, const std::string& source) {
  if (!j.is_object())
    return absl::InvalidArgumentError(absl::StrCat(source, ": expected a JSON object"));
  std::string preset = "fashion_mnist";
  if (j.contains("preset"))
    NAS_RETURN_IF_ERROR(JsonGet(j["preset"], JsonChildPath(source, "preset"), &preset));
  NAS_ASSIGN_OR_RETURN(SposConfig c, Annotate(SposPreset(preset), JsonChildPath(source, "preset")));
  JsonObjectReader r(j, source);
  std::string unused;
  r.Optional("preset", &unused).Optional("seed", &c.seed);
  const Json* space = r.Member("space");
  const Json* data = r.Member("data");
  const Json* supernet = r.Member("supernet");
  const Json* evolution = r.Member("evolution");
  const Json* retrain = r.Member("retrain");
  const Json* reproduce = r.Member("reproduce");
  NAS_RETURN_IF_ERROR(r.Finish());
  if (space) {
    Json merged = ShuffleNetSpaceOptionsToJson(c.space);
    if (!space->is_object())
      return absl::InvalidArgumentError(absl::StrCat(source, ".space: expected an object"));
    if (space->contains("preset")) merged = Json::object();  // a space preset replaces the defaults
    for (auto it = space->begin(); it != space->end(); ++it) merged[it.key()] = it.value();
    NAS_ASSIGN_OR_RETURN(
        c.space, Annotate(ShuffleNetSpaceOptionsFromJson(merged), JsonChildPath(source, "space")));
  }
  if (data) NAS_RETURN_IF_ERROR(DataOptionsFromJson(*data, JsonChildPath(source, "data"), &c.data));
  if (supernet)
    NAS_RETURN_IF_ERROR(
        SupernetFromJson(*supernet, JsonChildPath(source, "supernet"), &c.supernet));
  if (evolution)
    NAS_RETURN_IF_ERROR(
        EvolutionFromJson(*evolution, JsonChildPath(source, "evolution"), &c.evolution));
  if (retrain)
    NAS_RETURN_IF_ERROR(
        RetrainSectionFromJson(*retrain, JsonChildPath(source, "retrain"), &c.retrain));
  if (reproduce) {
    JsonObjectReader rr(*reproduce, JsonChildPath(source, "reproduce"));
    rr.Optional("random_architectures", &c.reproduce.random_architectures);
    NAS_RETURN_IF_ERROR(rr.Finish());
    if (c.reproduce.random_architectures < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ".reproduce.random_architectures must be >= 1"));
    }
  }
  return c;
}

Json SposConfigToJson(const SposConfig& c) {
  return {{"preset", c.preset},
          {"space", ShuffleNetSpaceOptionsToJson(c.space)},
          {"data", DataOptionsToJson(c.data)},
          {"supernet",
           {{"trainer", TrainerOptionsToJson(c.supernet.trainer)},
            {"spos", SposTrainerOptionsToJson(c.supernet.spos)}}},
          {"evolution",
           {{"tuner", SposEvolutionOptionsToJson(c.evolution.tuner)},
            {"evaluation", SupernetEvaluationOptionsToJson(c.evolution.evaluation)},
            {"flops_limit", c.evolution.flops_limit},
            {"latency_limit_ms", c.evolution.latency.budget_ms},
            {"latency_batch", c.evolution.latency.batch},
            {"latency_table", c.evolution.latency.table}}},
          {"retrain", RetrainSectionToJson(c.retrain)},
          {"reproduce", {{"random_architectures", c.reproduce.random_architectures}}},
          {"seed", c.seed}};
}

Json SposSpaceOptions(const SposConfig& config, bool affine) {
  ShuffleNetSpaceOptions space = config.space;
  space.affine = affine;
  return ShuffleNetSpaceOptionsToJson(space);
}

absl::Status CheckSposDataset(const SposConfig& config) {
  if (datasets::DatasetRegistry().Contains(config.data.dataset)) return absl::OkStatus();
  absl::Status unknown = datasets::DatasetRegistry().Lookup(config.data.dataset).status();
  if (config.data.dataset != "imagenet") return unknown;
  return absl::NotFoundError(
      absl::StrCat(unknown.message(),
                   " (the paper preset needs an ImageNet loader registered as "
                   "\"imagenet\"; see algorithms/spos/README.md)"));
}

}  // namespace nas::spos
