// One architecture of the benchmark trained with its protocol (the shared
// trial program, nas/jobs/trial_main.h, with the fashion_mnist table's
// protocol as defaults). :generate runs it for every architecture and seed.
//
// RUN: tools/bazel run //algorithms/nasbench:trial -- --parameters=$PWD/params.json
#include "nas/jobs/trial_main.h"
#include "algorithms/nasbench/table_job.h"

int main(int argc, char** argv) {
  return nas::TrialProgramMain(
      argc, argv,
      "Trains one nasbench_cell architecture with the benchmark's protocol and "
      "reports its validation and test accuracy.",
      nas::nasbench::TablePreset("fashion_mnist")->protocol);
}
