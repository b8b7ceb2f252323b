// Gumbel-softmax one-shot search: trains the weights and the architecture
// logits of a registered space jointly; resumable, data-parallel under
// //tools:launch, torchrun or srun.
//
// RUN: tools/bazel run //algorithms/gumbel:search -- --epochs=2 --output_dir=runs/gumbel
#include <gflags/gflags.h>

#include "algorithms/gumbel/search_job.h"
#include "nas/jobs/job_main.h"

DEFINE_string(mode, "hard",
              "hard (straight-through: one candidate runs) or soft (all run, weighted).");
DEFINE_double(tau_start, 5, "Gumbel-softmax temperature at the first step.");
DEFINE_double(tau_end, 0.5, "Temperature at the last step (exponential annealing).");
DEFINE_double(arch_lr, 3e-3, "Adam learning rate of the architecture logits.");

int main(int argc, char** argv) {
  using Config = nas::gumbel::SearchConfig;
  nas::JobMain<Config> job;
  job.usage =
      "Gumbel-softmax one-shot search: trains the weights and the architecture logits of a "
      "registered "
      "space jointly; resumable, data-parallel under tools/launch, torchrun or srun.";
  job.output_dir = "gumbel_search";
  job.space_flags = true;
  job.trainer_path = "trainer";
  job.flags = {{"mode", "optimizer.mode"},
               {"tau_start", "optimizer.tau_start"},
               {"tau_end", "optimizer.tau_end"},
               {"arch_lr", "optimizer.arch_lr"}};
  job.from_json = [](const nas::Json& j, const std::string& source) {
    return nas::SupernetConfigFromJson(nas::gumbel::SearchConfigSchema(), j, source);
  };
  job.to_json = [](const Config& c) {
    return nas::SupernetConfigToJson(nas::gumbel::SearchConfigSchema(), c);
  };
  job.run = [](const Config& c, const nas::JobArgs& args) {
    return nas::gumbel::RunSearchJob(c, args.output_dir, args.resume).status();
  };
  return job.main(argc, argv);
}
