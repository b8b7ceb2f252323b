// Judges every search of the project on a benchmark table: the table's own
// distribution, the multi-trial tuners at equal simulated time, every
// registered one-shot method and its supernet's ranking (compare_job.h).
// Writes report.md, report.json and SVG plots.
//
// RUN: tools/bazel run //tools/benchmark:compare -- --output_dir=benchmark_report
// RUN: tools/bazel run //tools/benchmark:compare -- --preset=quick
#include <gflags/gflags.h>

#include "nas/jobs/job_main.h"
#include "tools/benchmark/compare_job.h"

DEFINE_string(table, "", "Benchmark table (JSON lines; default: the committed nasbench table).");

int main(int argc, char** argv) {
  nas::JobMain<nas::benchmark::CompareConfig> job;
  job.usage =
      "Judges every search on a benchmark table: tuners at equal simulated time, every one-shot "
      "method's architecture and supernet ranking; writes report.md, report.json and plots.";
  job.output_dir = "benchmark_report";
  job.resumable = false;
  job.data_flags = false;
  job.from_json = &nas::benchmark::CompareConfigFromJson;
  job.to_json = &nas::benchmark::CompareConfigToJson;
  job.flags = {{"table", "table", /*json=*/false, /*user_path=*/true}};
  job.run = [](const nas::benchmark::CompareConfig& config, const nas::JobArgs& args) {
    return nas::benchmark::RunComparison(config, args.output_dir).status();
  };
  return job.main(argc, argv);
}
