// ENAS search: shared weights and the LSTM controller, alternating; writes
// the exported architecture and the scores behind it, and prints the
// scores (export.json without the architectures).
//
// RUN: tools/bazel run //algorithms/enas:search -- --output_dir=enas/search
#include <cstdio>

#include "algorithms/enas/config.h"
#include "algorithms/enas/search_job.h"
#include "nas/base/status.h"
#include "nas/jobs/job_main.h"

int main(int argc, char** argv) {
  using Config = nas::enas::EnasConfig;
  nas::JobMain<Config> job;
  job.usage =
      "ENAS search: trains shared weights and the controller, exports the best architecture "
      "(presets: fashion_mnist, fashion_mnist_micro, paper, paper_micro; see "
      "algorithms/enas/config.h).";
  job.output_dir = "enas/search";
  job.space_flags = true;
  job.trainer_path = "search.trainer";
  job.from_json = &nas::enas::EnasConfigFromJson;
  job.to_json = &nas::enas::EnasConfigToJson;
  job.run = [](const Config& config, const nas::JobArgs& args) -> absl::Status {
    NAS_ASSIGN_OR_RETURN(nas::enas::SearchResult result,
                         nas::enas::RunSearchJob(config, args.output_dir, args.resume));
    nas::Json summary = nas::enas::SearchResultToJson(result);
    summary.erase("best_architecture");
    summary.erase("greedy_architecture");
    printf("%s\n", summary.dump(2).c_str());
    return absl::OkStatus();
  };
  return job.main(argc, argv);
}
