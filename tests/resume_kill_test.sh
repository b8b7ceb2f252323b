#!/usr/bin/env bash
# Exact resume: a training run killed with SIGKILL mid-epoch and resumed
# with --resume ends with bit-identical weights to an uninterrupted run.
set -euo pipefail
train="${TEST_SRCDIR}/oneshot_nas/algorithms/random/train"
compare="$(dirname "$0")/compare_weights"
out="${TEST_TMPDIR}"
fail() { echo "FAIL: $*" >&2; exit 1; }
args=(--dataset=synthetic --epochs=2 --space_options='{"channels": 8, "layers": 2}' --seed=3
      --set=data.synthetic_size=1024,data.batch_size=32,data.workers=2,trainer.checkpoint_every=5,trainer.log_every=7)

"${train}" "${args[@]}" --output_dir="${out}/straight" 2> "${out}/straight.log"

"${train}" "${args[@]}" --output_dir="${out}/killed" 2> "${out}/killed.log" &
pid=$!
for _ in $(seq 1 600); do
  [[ -e "${out}/killed/checkpoints/ckpt-0000000035.pt" ]] && break
  sleep 0.05
done
kill -9 "${pid}" 2> /dev/null || fail "the run finished before it could be killed"
wait "${pid}" 2> /dev/null || true
[[ ! -e "${out}/killed/supernet.pt" ]] || fail "the killed run finished"
ls "${out}/killed/checkpoints"

# Without --resume an existing run is refused, not overwritten.
rc=0
"${train}" "${args[@]}" --output_dir="${out}/killed" 2> "${out}/refused.log" || rc=$?
(( rc != 0 )) && grep -q "pass --resume" "${out}/refused.log" || fail "an existing run was not protected"

"${train}" "${args[@]}" --output_dir="${out}/killed" --resume 2> "${out}/resumed.log"
grep -q "resumed from" "${out}/resumed.log" || fail "did not resume"
"${compare}" "${out}/straight/supernet.pt" "${out}/killed/supernet.pt" ||
  fail "resumed weights differ from the uninterrupted run"
cmp -s "${out}/straight/arch.json" "${out}/killed/arch.json" || fail "exported architectures differ"
echo PASS
