// One trial of the multi-trial ENAS search (:rl_tuner runs it): trains the
// architecture in --parameters briefly and writes its validation accuracy
// to --result. The shared trial program (nas/jobs/trial_main.h) with ENAS's
// defaults (EnasTrialOptions, config.h); --print_config shows them all and
// --config / --set change any (e.g. --set=data.batch_size=32,optimizer.lr=0.1).
//
// RUN: tools/bazel run //algorithms/enas:trial -- --parameters=$PWD/params.json --steps=200
#include "algorithms/enas/config.h"
#include "nas/jobs/trial_main.h"

int main(int argc, char** argv) {
  return nas::TrialProgramMain(argc, argv,
                               "Trains one ENAS architecture briefly and reports its validation "
                               "accuracy.",
                               nas::enas::EnasTrialOptions());
}
