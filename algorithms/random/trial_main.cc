// One trial of a multi-trial search: trains the architecture in
// --parameters briefly and writes its validation accuracy to --result (the
// shared trial program, nas/jobs/trial_main.h, on small_cnn by default:
// 300 steps, 3 evaluations). Driven by //tools:tune:
//
//   tools/bazel run //tools:tune -- --search_space=$PWD/space.json --tuner=evolution
//       --trial_command="$PWD/bazel-bin/algorithms/random/trial --steps=300" ...
//
// RUN: tools/bazel run //algorithms/random:trial -- --parameters=$PWD/params.json --steps=300
#include "nas/jobs/trial_main.h"

int main(int argc, char** argv) {
  return nas::TrialProgramMain(
      argc, argv, "Trains one architecture briefly and reports its validation accuracy.",
      nas::TrialJobOptions());  // small_cnn, 300 steps, 3 evaluations
}
