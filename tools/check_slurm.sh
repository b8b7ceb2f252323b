#!/usr/bin/env bash
# Checks the project's Slurm support under a real Slurm: starts a one-node
# cluster on this machine (munged, slurmctld and slurmd from Debian's
# packages, a generated slurm.conf, all in a scratch folder) and runs
#
#   1. //tools:tune with --launcher="srun -N1 -n1 ..." and --parallel=2:
#      every trial must run as its own Slurm job (the trial writes down its
#      SLURM_JOB_ID; Slurm's job-completion log lists the jobs); trial 2 is
#      cancelled with scancel while it runs and must be recorded as failed
#      and interrupted, and --resume must run it again and complete the
#      search;
#   2. a 2-rank data-parallel training (tests/ddp_worker, with and without a
#      mutator) started by `srun -N1 -n2`, whose ranks come from
#      SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID (MASTER_ADDR=127.0.0.1 and
#      a free MASTER_PORT are set here; srun passes the caller's environment
#      on), must end with the weights of the same training under
#      //tools:launch --nproc=2 (within ddp_test's tolerance, 1e-5).
#
# One line per check (PASS or FAIL, with its numbers), one for the clean-up,
# and the total time; the exit status is non-zero when anything failed.
# Every daemon is stopped at the end, also on failure or Ctrl-C, and the
# clean-up checks that no process is left using the scratch folder.
#
#   sudo tools/check_slurm.sh [--scratch=DIR] [--keep] [--bin_dir=DIR]
#
# Needs root (the daemons run as root: SlurmUser=root) and Debian's Slurm
# and munge packages (slurmctld, slurmd, slurm-client, munge: listed in
# tools/debian_packages.txt, so tools/bazel installs them); it builds what it
# runs with tools/bazel, or takes the binaries from --bin_dir (a folder laid
# out as bazel-bin: tools/tune, tools/launch, tests/ddp_worker,
# nas/testing/synthetic_trial), which is how //tools:check_slurm_test runs it
# in the suite.
# On this 2-core machine (Debian 12, Slurm 22.05) it takes about 10 s once
# the build is cached. --scratch: where the cluster lives (an empty or new
# folder; default a new one under ${TMPDIR:-/tmp}), removed at the end
# unless --keep is given or a check failed (its logs are then kept there).
set -euo pipefail

scratch=""
keep=false
bin=""
for arg in "$@"; do
  case "${arg}" in
    --scratch=*) scratch="${arg#--scratch=}" ;;
    --keep) keep=true ;;
    --bin_dir=*) bin="${arg#--bin_dir=}" ;;
    -h|--help) sed -n '2,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check_slurm: unknown argument ${arg} (--help lists them)" >&2; exit 2 ;;
  esac
done
(( EUID == 0 )) || { echo "check_slurm: needs root (the Slurm daemons run as root)" >&2; exit 1; }
# The daemons live in sbin, which a plain user's PATH (and Bazel's) lacks.
export PATH="${PATH}:/usr/sbin:/sbin"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${scratch}" ]]; then
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/nas_slurm.XXXXXX")"
else
  mkdir -p "${scratch}"
  scratch="$(cd "${scratch}" && pwd)"
  [[ -z "$(ls -A "${scratch}")" ]] || { echo "check_slurm: ${scratch} is not empty" >&2; exit 2; }
fi
# munged wants every folder above its socket searchable by all.
chmod 755 "${scratch}"
mkdir -p "${scratch}"/{munge,state,spool,log,run}

say() { echo "check_slurm: $*"; }
start=${SECONDS}
results=()
status=0
pass() { results+=("$1: PASS: $2"); say "${results[-1]}"; }
fail() { results+=("$1: FAIL: $2"); say "${results[-1]}"; status=1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Running, not a zombie (this machine's init may be slow to reap them).
alive() {
  local stat
  stat="$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null)" || return 1
  [[ -n "${stat}" && "${stat%% *}" != Z ]]
}
# Processes other than this script whose working folder or open files are in
# the scratch folder: the daemons, slurmstepd, trials, ranks.
users_of_scratch() {
  find /proc/[0-9]*/cwd /proc/[0-9]*/fd/ -maxdepth 1 \
      \( -lname "${scratch}" -o -lname "${scratch}/*" \) 2> /dev/null |
    cut -d/ -f3 | sort -un | grep -vx "$$" || true
}

# --- Clean-up: every daemon stopped, nothing left behind (also on failure). ---
tune_pid=""
stopped=false
# gone SECONDS PID...: waits until none of them runs.
gone() {
  local tries=$(( $1 * 5 )) pid any
  shift
  while (( tries-- > 0 )); do
    any=0
    for pid in "$@"; do alive "${pid}" && any=1; done
    (( any == 0 )) && return 0
    sleep 0.2
  done
  return 1
}
# stop SECONDS PID...: SIGTERM, then SIGKILL for those still running after SECONDS.
stop() {
  local seconds=$1 pid
  shift
  kill "$@" 2> /dev/null || true
  gone "${seconds}" "$@" && return 0
  kill -9 "$@" 2> /dev/null || true
  gone 2 "$@" || true
}
pid_of() { cat "${scratch}/$1" 2> /dev/null || true; }
stop_cluster() {
  [[ "${stopped}" == false ]] || return 0
  stopped=true
  if [[ -n "${tune_pid}" ]]; then stop 10 "${tune_pid}"; fi
  local slurm=() munge pid left killed=() still=()
  for pid in "$(pid_of run/slurmctld.pid)" "$(pid_of run/slurmd.pid)"; do
    if [[ -n "${pid}" ]]; then slurm+=("${pid}"); fi
  done
  munge="$(pid_of munge/munged.pid)"
  if (( ${#slurm[@]} > 0 )); then
    # Jobs first (their steps end), then the daemons; munged last, as
    # Slurm's daemons authenticate through it.
    scancel --quiet --user=root 2> /dev/null || true
    for _ in $(seq 50); do
      [[ -z "$(squeue -h -o %i 2> /dev/null)" ]] && break
      sleep 0.2
    done
    scontrol shutdown > /dev/null 2>&1 || true
    gone 10 "${slurm[@]}" || stop 5 "${slurm[@]}"
  fi
  if [[ -n "${munge}" ]]; then stop 5 "${munge}"; fi
  # Anything else still using the scratch folder (a step, a trial, a rank).
  for pid in $(users_of_scratch); do
    killed+=("${pid} ($(tr '\0' ' ' < "/proc/${pid}/cmdline" 2> /dev/null | cut -c1-60))")
    kill -9 "${pid}" 2> /dev/null || true
  done
  sleep 0.5
  left="$(users_of_scratch | tr '\n' ' ')"
  for pid in "${slurm[@]}" ${munge}; do
    if alive "${pid}"; then still+=("${pid}"); fi
  done
  if [[ -n "${left}" || ${#still[@]} -gt 0 ]]; then
    fail cleanup "still running: daemons ${still[*]:-none}, users of the scratch folder ${left:-none}"
  elif (( ${#killed[@]} > 0 )); then
    fail cleanup "daemons stopped, but ${#killed[@]} process(es) were left and killed: ${killed[*]}"
  elif [[ -z "${munge}" ]]; then
    pass cleanup "no daemon was started; no process left using ${scratch}"
  else
    pass cleanup "munged, slurmctld and slurmd stopped; no process left using ${scratch}"
  fi
}
finish() {
  local rc=$?
  stop_cluster
  (( rc == 0 && status == 0 )) || status=$(( rc > 128 ? rc : 1 ))  # 130: Ctrl-C
  if [[ "${keep}" == true || "${status}" != 0 ]]; then
    say "kept ${scratch} (logs in log/, the searches in tune/, the weights in ddp/)"
  else
    rm -rf "${scratch}"
  fi
  exit "${status}"
}
trap finish EXIT
trap 'say "interrupted"; exit 130' INT TERM

# --- Packages and binaries. ---
t0=${SECONDS}
if [[ -z "${bin}" ]]; then
  say "installing the packages (if missing) and building the binaries"
  (cd "${repo}" && tools/bazel build \
      //tools:tune //tools:launch //tests:ddp_worker //nas/testing:synthetic_trial) \
    > "${scratch}/log/build.log" 2>&1 || { tail -20 "${scratch}/log/build.log"; fail build "see above"; exit 1; }
  # bazel info, not the bazel-bin link: another build may have moved the link.
  bin="$(cd "${repo}" && tools/bazel info bazel-bin 2> /dev/null)"
fi
for tool in munged mungekey slurmctld slurmd srun scancel squeue scontrol; do
  command -v "${tool}" > /dev/null ||
    { fail packages "no ${tool}: install slurmctld, slurmd, slurm-client and munge (tools/bazel does)"; exit 1; }
done
tune="${bin}/tools/tune"
launch="${bin}/tools/launch"
worker="${bin}/tests/ddp_worker"
synthetic_trial="${bin}/nas/testing/synthetic_trial"
say "built in $(( SECONDS - t0 )) s"

# --- The cluster: munged, slurmctld, slurmd. ---
t0=${SECONDS}
mungekey --create --keyfile="${scratch}/munge/munge.key" > /dev/null
munged --socket="${scratch}/munge/munge.socket" --key-file="${scratch}/munge/munge.key" \
  --pid-file="${scratch}/munge/munged.pid" --log-file="${scratch}/munge/munged.log" \
  --seed-file="${scratch}/munge/munged.seed" ||
  { tail -3 "${scratch}/munge/munged.log"; fail cluster "munged did not start"; exit 1; }

node="$(hostname -s)"
# This machine as slurmd sees it: CPUs, sockets, cores, threads, RealMemory.
hardware="$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]* //')"
cpus="$(sed -E 's/.*CPUs=([0-9]+).*/\1/' <<< "${hardware}")"
cat > "${scratch}/slurm.conf" <<EOF
# One-node cluster of tools/check_slurm.sh; everything lives in ${scratch}.
ClusterName=nascheck
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=${scratch}/munge/munge.socket
CredType=cred/munge
StateSaveLocation=${scratch}/state
SlurmdSpoolDir=${scratch}/spool
SlurmctldPidFile=${scratch}/run/slurmctld.pid
SlurmdPidFile=${scratch}/run/slurmd.pid
SlurmctldLogFile=${scratch}/log/slurmctld.log
SlurmdLogFile=${scratch}/log/slurmd.log
# No cgroups, no accounting database: process tracking through /proc.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# One line per finished job: the independent record of what Slurm ran.
JobCompType=jobcomp/filetxt
JobCompLoc=${scratch}/log/jobcomp.txt
MpiDefault=none
# Jobs share the node by CPU, so --parallel=2 trials run at once.
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# Seconds between scancel's SIGTERM and its SIGKILL (default 30).
KillWait=5
NodeName=${node} NodeAddr=127.0.0.1 ${hardware} State=UNKNOWN
PartitionName=check Nodes=${node} Default=YES MaxTime=INFINITE State=UP
EOF
# Slurm 23.11 and later (Debian 13 has 24.11) start the cgroup plugin even
# with proctrack/linuxproc, and fail where /sys/fs/cgroup is not theirs to
# use (a container, a chroot): turned off in cgroup.conf beside slurm.conf.
# (22.05, Debian 12's, has no such setting and does not need one.)
version="$(slurmd -V | grep -oE '[0-9]+\.[0-9]+' | head -1)"
if [[ "$(printf '%s\n' 23.11 "${version}" | sort -V | head -1)" == 23.11 ]]; then
  echo "CgroupPlugin=disabled" > "${scratch}/cgroup.conf"
fi
# Nothing of an outer Slurm job or launcher leaks into ours.
for name in $(compgen -e | grep -E '^(SLURM_|SRUN_|SALLOC_|SBATCH_)' || true); do unset "${name}"; done
unset RANK WORLD_SIZE LOCAL_RANK MASTER_ADDR MASTER_PORT
export SLURM_CONF="${scratch}/slurm.conf"
slurmctld || { tail -n 5 "${scratch}/log/slurmctld.log"; fail cluster "slurmctld did not start"; exit 1; }
slurmd || {
  tail -n 5 "${scratch}/log/slurmd.log"
  if grep -q "No filesystem mounted on /sys/fs/cgroup" "${scratch}/log/slurmd.log"; then
    echo "check_slurm: Slurm ${version} needs the cgroup hierarchy at /sys/fs/cgroup (in a chroot: mount --rbind /sys/fs/cgroup into it)"
  fi
  fail cluster "slurmd did not start"; exit 1; }
state=""
for _ in $(seq 120); do
  state="$(sinfo -h -n "${node}" -o %T 2> /dev/null || true)"
  [[ "${state}" == idle ]] && break
  sleep 0.25
done
if [[ "${state}" != idle ]]; then
  sinfo -R || true
  tail -n 5 "${scratch}/log/slurmctld.log" "${scratch}/log/slurmd.log"
  fail cluster "node ${node} is '${state}', not idle, after 30 s"
  exit 1
fi
say "cluster up in $(( SECONDS - t0 )) s: node ${node} idle (${hardware}), SLURM_CONF=${SLURM_CONF}"

# --- Check 1: //tools:tune with an srun launcher, a trial cancelled, --resume. ---
check1() {
  local t0=${SECONDS} dir="${scratch}/tune" victim=2
  local out="${dir}/search"
  mkdir -p "${dir}"
  cat > "${dir}/space.json" <<'JSON'
{
  "a": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "b": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "c": {"_type": "layer_choice", "_value": ["c0", "c1", "c2", "c3"]},
  "skip": {"_type": "input_choice", "_value": {"candidates": ["a", "b", "c"], "n_chosen": 1}}
}
JSON
  # The trial notes the Slurm job it runs in, then is the synthetic trial.
  cat > "${dir}/trial.sh" <<SH
#!/bin/sh
echo "job=\${SLURM_JOB_ID:-none} step=\${SLURM_STEP_ID:-none} node=\${SLURMD_NODENAME:-none}" \\
  >> "\${NAS_TRIAL_DIR}/slurm.txt"
exec "${synthetic_trial}" --sleep_ms=500 "\$@"
SH
  chmod +x "${dir}/trial.sh"
  # rl: a tuner that refuses a result for a trial it was told had ended.
  local flags=(--search_space="${dir}/space.json" --tuner=rl --seed=1 --max_trials=8 --parallel=2
               --trial_timeout=60 --launcher="srun -N1 -n1 --job-name=nas-trial"
               --output_dir="${out}")
  (cd "${dir}" && exec "${tune}" "${flags[@]}" --trial_command="${dir}/trial.sh --hang_trials=${victim}") \
    > "${dir}/first.log" 2>&1 &
  tune_pid=$!
  local marker job="" job_state=""
  marker="${out}/trials/$(printf %06d "${victim}")/slurm.txt"
  for _ in $(seq 600); do
    [[ -s "${marker}" ]] && break
    alive "${tune_pid}" || break
    sleep 0.1
  done
  if [[ -s "${marker}" ]]; then
    job="$(sed -n '1s/^job=\([0-9]*\) .*/\1/p' "${marker}")"
    job_state="$(squeue -h -j "${job}" -o %T 2> /dev/null || true)"
    scancel "${job}"
  fi
  local rc=0
  for _ in $(seq 900); do alive "${tune_pid}" || break; sleep 0.1; done
  if alive "${tune_pid}"; then kill "${tune_pid}"; fi
  wait "${tune_pid}" || rc=$?
  tune_pid=""
  [[ -n "${job}" ]] || { fail "check 1 (tune under srun)" "trial ${victim} never ran under Slurm (${dir}/first.log)"; return; }
  (( rc == 0 )) || { tail -n 5 "${dir}/first.log"; fail "check 1 (tune under srun)" "tune exited with ${rc} (${dir}/first.log)"; return; }
  cp "${out}/summary.json" "${dir}/first_summary.json"
  rc=0
  (cd "${dir}" && timeout 300 "${tune}" "${flags[@]}" --trial_command="${dir}/trial.sh" --resume) \
    > "${dir}/resume.log" 2>&1 || rc=$?
  (( rc == 0 )) || { tail -n 5 "${dir}/resume.log"; fail "check 1 (tune under srun)" "tune --resume exited with ${rc}"; return; }
  # Slurm writes a job's completion record a moment after srun returns.
  for _ in $(seq 50); do
    (( $(grep -c 'Name=nas-trial ' "${scratch}/log/jobcomp.txt" 2> /dev/null || true) >= 9 )) && break
    sleep 0.2
  done
  local verdict
  verdict="$(python3 - "${out}" "${dir}/first_summary.json" "${scratch}/log/jobcomp.txt" \
      "${victim}" "${job}" "${job_state}" "${cpus}" <<'PY'
import glob, json, os, re, sys
out, first_summary, jobcomp, victim, job, job_state, cpus = sys.argv[1:]
victim, cpus = int(victim), int(cpus)
problems = []
history = [json.loads(line) for line in open(os.path.join(out, "history.jsonl"))]
finished = {}
for r in history:
    if r["event"] == "finished":
        finished.setdefault(r["trial"], []).append(r)
first = json.load(open(first_summary))
summary = json.load(open(os.path.join(out, "summary.json")))
killed = finished.get(victim, [{}])[0]
if job_state != "RUNNING":
    problems.append(f"job {job} was '{job_state}', not RUNNING, when cancelled")
if killed.get("status") != "failed" or killed.get("interrupted") is not True:
    problems.append(f"trial {victim} recorded as {killed.get('status')}, "
                    f"interrupted={killed.get('interrupted')}")
if "killed by signal" not in killed.get("message", ""):
    problems.append(f"trial {victim}'s message does not say it was killed: {killed.get('message')!r}")
if first.get("interrupted") != 1:
    problems.append(f"the first run's summary counts {first.get('interrupted')} interrupted trials")
resumed = [r for r in history if r["event"] == "resumed"]
if not resumed or resumed[0]["rerun"] != [victim]:
    problems.append(f"--resume reran {resumed[0]['rerun'] if resumed else None}, not [{victim}]")
if len(finished.get(victim, [])) != 2 or finished[victim][1]["status"] != "succeeded":
    problems.append(f"trial {victim} was not rerun to success: {finished.get(victim)}")
if (summary["proposed"], summary["succeeded"], summary["failed"]) != (8, 8, 0):
    problems.append(f"the search ended with {summary}")
# Every run of every trial was a Slurm job of its own.
jobs = []
for trial_dir in sorted(glob.glob(os.path.join(out, "trials", "0*"))):
    lines = open(os.path.join(trial_dir, "slurm.txt")).read().split("\n")
    for line in filter(None, lines):
        m = re.match(r"job=(\d+) step=(\d+) node=(\S+)$", line)
        if not m:
            problems.append(f"{trial_dir} ran outside Slurm: {line!r}")
        else:
            jobs.append(int(m.group(1)))
if len(jobs) != 9 or len(set(jobs)) != 9:
    problems.append(f"expected 9 trial runs in 9 Slurm jobs, got jobs {jobs}")
records = [dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
           for line in open(jobcomp) if "Name=nas-trial " in line]
states = {int(r["JobId"]): r["JobState"] for r in records}
cancelled = sorted(j for j, s in states.items() if s == "CANCELLED")
completed = sorted(j for j, s in states.items() if s == "COMPLETED")
if cancelled != [int(job)] or len(completed) != 8 or set(states) != set(jobs):
    problems.append(f"Slurm's job log: cancelled {cancelled}, completed {completed}")
# --parallel=2: two trial jobs ran at once (when the node has the CPUs).
spans = [(r["start_time"], r["end_time"]) for rs in finished.values() for r in rs]
overlap = max(sum(s <= (a + b) / 2 <= e for s, e in spans) for a, b in spans)
if cpus >= 2 and overlap < 2:
    problems.append("the trials never ran two at a time")
if problems:
    print("FAIL " + "; ".join(problems))
else:
    print(f"PASS 9 trial runs in Slurm jobs {min(jobs)}-{max(jobs)} (up to {overlap} at once); "
          f"trial {victim} (job {job}, RUNNING) cancelled by scancel -> failed, interrupted "
          f"(message: {killed['message']!r}); --resume reran it (job "
          f"{max(completed)}): 8/8 succeeded")
PY
)" || verdict="FAIL the verification script failed: ${verdict}"
  if [[ "${verdict}" == PASS* ]]; then
    pass "check 1 (tune under srun)" "${verdict#PASS }, $(( SECONDS - t0 )) s"
  else
    fail "check 1 (tune under srun)" "${verdict#FAIL } (${dir})"
  fi
}

# --- Check 2: data parallelism under srun -n 2 equals //tools:launch. ---
check2() {
  local t0=${SECONDS} dir="${scratch}/ddp" mutator rc diffs=()
  mkdir -p "${dir}"
  # Each rank notes what Slurm told it, then is the worker.
  cat > "${dir}/rank.sh" <<'SH'
#!/bin/sh
echo "SLURM_PROCID=${SLURM_PROCID} SLURM_NTASKS=${SLURM_NTASKS} SLURM_LOCALID=${SLURM_LOCALID} SLURM_JOB_ID=${SLURM_JOB_ID}" \
  > "ranks_${TAG}.${SLURM_PROCID}"
exec "$@"
SH
  chmod +x "${dir}/rank.sh"
  for mutator in false true; do
    local train=("${worker}" --mutator="${mutator}" --batch=8 --steps=6)
    rc=0
    (cd "${dir}" && TAG="${mutator}" MASTER_ADDR=127.0.0.1 MASTER_PORT="$(free_port)" timeout 300 \
       srun -N1 -n2 --job-name=nas-ddp ./rank.sh "${train[@]}" --out="${dir}/srun_${mutator}.pt") \
      > "${dir}/srun_${mutator}.log" 2>&1 || rc=$?
    (( rc == 0 )) || { tail -n 5 "${dir}/srun_${mutator}.log"; fail "check 2 (ddp under srun)" "srun -n2 exited with ${rc} (mutator=${mutator})"; return; }
    if ! grep -q "SLURM_PROCID=0 SLURM_NTASKS=2 SLURM_LOCALID=0" "${dir}/ranks_${mutator}.0" ||
       ! grep -q "SLURM_PROCID=1 SLURM_NTASKS=2 SLURM_LOCALID=1" "${dir}/ranks_${mutator}.1"; then
      fail "check 2 (ddp under srun)" "the ranks did not get SLURM_PROCID 0, 1 of 2: $(cat "${dir}"/ranks_"${mutator}".* 2> /dev/null)"
      return
    fi
    rc=0
    (cd "${dir}" && timeout 300 "${launch}" --nproc=2 -- "${train[@]}" --out="${dir}/launch_${mutator}.pt") \
      > "${dir}/launch_${mutator}.log" 2>&1 || rc=$?
    (( rc == 0 )) || { tail -n 5 "${dir}/launch_${mutator}.log"; fail "check 2 (ddp under srun)" "launch exited with ${rc} (mutator=${mutator})"; return; }
    rc=0
    "${worker}" --mutator="${mutator}" --compare="${dir}/srun_${mutator}.pt,${dir}/launch_${mutator}.pt" \
      --tolerance=1e-5 > "${dir}/compare_${mutator}.log" 2>&1 || rc=$?
    local largest
    largest="$(sed -n 's/^largest difference //p' "${dir}/compare_${mutator}.log")"
    (( rc == 0 )) || { fail "check 2 (ddp under srun)" "srun -n2 and launch --nproc=2 differ by ${largest:-?} > 1e-5 (mutator=${mutator})"; return; }
    diffs+=("mutator=${mutator}: ${largest}")
  done
  pass "check 2 (ddp under srun)" "srun -N1 -n2 (ranks from SLURM_PROCID 0, 1 of SLURM_NTASKS 2) vs launch --nproc=2, largest weight difference ${diffs[*]} (tolerance 1e-5), $(( SECONDS - t0 )) s"
}

check1
check2
stop_cluster
echo
say "summary:"
for r in "${results[@]}"; do echo "  ${r}"; done
say "total $(( SECONDS - start )) s"
