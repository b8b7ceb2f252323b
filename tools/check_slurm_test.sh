#!/usr/bin/env bash
# tools/check_slurm.sh in the suite: a one-node Slurm started for the test,
# tune's trials scheduled by srun (one cancelled by scancel and rerun on
# --resume) and a 2-rank training under `srun -n 2` equal to //tools:launch's.
# The daemons run as root: a run as another user says so and passes without
# checking (CI runs as root, as tools/bazel installs packages there).
set -euo pipefail
runfiles="${TEST_SRCDIR}/oneshot_nas"
if (( EUID != 0 )); then
  echo "SKIPPED: tools/check_slurm.sh starts Slurm's daemons as root; run it with sudo"
  exit 0
fi
# Under /tmp: munged wants every folder above its socket searchable by all,
# which the test's own temporary folder (under /root) is not.
"${runfiles}/tools/check_slurm.sh" --bin_dir="${runfiles}" \
  --scratch="$(mktemp -d /tmp/nas_slurm_test.XXXXXX)"
