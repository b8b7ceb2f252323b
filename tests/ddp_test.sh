#!/usr/bin/env bash
# Data parallelism end to end: 2 processes with batch B end where 1 process
# with batch 2B does (plain model and supernet with a random mutator), and a
# rank that dies makes the job fail quickly instead of hanging.
set -euo pipefail
dir="$(dirname "$0")"
worker="${dir}/ddp_worker"
launch="${TEST_SRCDIR}/oneshot_nas/tools/launch"
out="${TEST_TMPDIR}"
fail() { echo "FAIL: $*" >&2; exit 1; }

for mutator in false true; do
  "${worker}" --mutator=${mutator} --batch=16 --steps=6 --out="${out}/one_${mutator}.pt"
  "${launch}" --nproc=2 -- "${worker}" --mutator=${mutator} --batch=8 --steps=6 \
      --out="${out}/two_${mutator}.pt"
  "${worker}" --mutator=${mutator} --compare="${out}/one_${mutator}.pt,${out}/two_${mutator}.pt" \
      --tolerance=1e-5 || fail "2 x batch 8 differs from 1 x batch 16 (mutator=${mutator})"
done

# A dying rank: the job fails, names the rank, and does not hang.
start=$(date +%s)
rc=0
"${launch}" --nproc=2 --grace_seconds=5 -- "${worker}" --batch=8 --steps=50 --die_at_step=3 \
    2> "${out}/die.err" || rc=$?
elapsed=$(( $(date +%s) - start ))
(( rc != 0 )) || fail "a dead rank did not fail the job"
grep -q "rank 1 of 2 exited with code 3" "${out}/die.err" || { cat "${out}/die.err"; fail "no rank named"; }
(( elapsed < 60 )) || fail "took ${elapsed}s to notice a dead rank"
echo "PASS (dead rank noticed in ${elapsed}s)"
