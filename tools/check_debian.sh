#!/usr/bin/env bash
# Checks the project as a new user meets it on a fresh Debian: builds a
# minimal root of the release with debootstrap, clones this repository's
# HEAD (the committed work) into it, and runs exactly the README's two
# commands there, as root, timing each:
#
#   tools/bazel run //:main
#   tools/bazel test //...
#
# With --libtorch_folder it then checks a user-supplied LibTorch
# (third_party/libtorch.bzl): the release's own LibTorch unpacked from its
# .deb files into /opt/libtorch-from-deb (include/, lib/, share/cmake/), the
# libtorch-dev package removed, and `NAS_LIBTORCH=/opt/libtorch-from-deb
# tools/bazel test //...`; a folder that is not a LibTorch must fail with one
# clear message.
#
#   sudo tools/check_debian.sh --release=trixie [--libtorch_folder] [--skip_main]
#        [--skip_test] [--scratch=/var/tmp/nas_check] [--keep]
#
# --skip_main / --skip_test leave out one of the two commands (e.g. to check
# only the LibTorch folder after a run that did both); the summary says so.
#
# Needs root (debootstrap, chroot, mounts) and the Debian archive; installs
# debootstrap when missing. The run takes the time of a cold build plus the
# suite (and //:main's 10-15 minutes) on this machine; the log of every step is
# kept under the scratch folder. CI runs on Debian 12 only; this is how a
# person checks the other release (docs/platforms.md).
set -euo pipefail

release=trixie
scratch=/var/tmp/nas_check
libtorch_folder=false
skip_main=false
skip_test=false
keep=false
for arg in "$@"; do
  case "${arg}" in
    --release=*) release="${arg#--release=}" ;;
    --scratch=*) scratch="${arg#--scratch=}" ;;
    --libtorch_folder) libtorch_folder=true ;;
    --skip_main) skip_main=true ;;
    --skip_test) skip_test=true ;;
    --keep) keep=true ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check_debian: unknown argument ${arg} (--help lists them)" >&2; exit 2 ;;
  esac
done
case "${release}" in
  bookworm|trixie) ;;
  *) echo "check_debian: --release must be bookworm (Debian 12) or trixie (Debian 13)" >&2; exit 2 ;;
esac
(( EUID == 0 )) || { echo "check_debian: needs root (debootstrap, chroot, mounts)" >&2; exit 1; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="${scratch}/${release}"
logs="${scratch}/${release}-logs"
mkdir -p "${scratch}" "${logs}"

say() { echo "check_debian: $*"; }
mounted=()
cleanup() {
  local m
  for (( i=${#mounted[@]}-1; i>=0; i-- )); do umount -l "${mounted[i]}" 2> /dev/null || true; done
  # --one-file-system: never into a mount that failed to come off.
  if [[ "${keep}" == false ]]; then rm -rf --one-file-system "${root}"; fi
}
trap cleanup EXIT

if ! command -v debootstrap > /dev/null; then
  say "installing debootstrap"
  apt-get install -y -q debootstrap > "${logs}/debootstrap-install.log" 2>&1 ||
    { apt-get update -q >> "${logs}/debootstrap-install.log" 2>&1 &&
      apt-get install -y -q debootstrap >> "${logs}/debootstrap-install.log" 2>&1; }
fi

rm -rf --one-file-system "${root}"
start=${SECONDS}
say "debootstrap --variant=minbase ${release} ${root}"
debootstrap --variant=minbase "${release}" "${root}" http://deb.debian.org/debian \
  > "${logs}/debootstrap.log" 2>&1 || { tail -5 "${logs}/debootstrap.log"; exit 1; }
say "base system in $(( SECONDS - start )) s"
for m in proc sys dev dev/pts; do
  mkdir -p "${root}/${m}"
  case "${m}" in
    proc) mount -t proc proc "${root}/proc" ;;
    sys) mount -t sysfs sys "${root}/sys" ;;
    *) mount --bind "/${m}" "${root}/${m}" ;;
  esac
  mounted+=("${root}/${m}")
done
# Slurm before 23.11 (bookworm's 22.05) needs the cgroup hierarchy that a
# booted Debian has mounted (check_slurm_test); slave, so that nothing done
# under the root propagates back.
if mountpoint -q /sys/fs/cgroup; then
  mkdir -p "${root}/sys/fs/cgroup"
  mount --rbind /sys/fs/cgroup "${root}/sys/fs/cgroup" && mount --make-rslave "${root}/sys/fs/cgroup" &&
    mounted+=("${root}/sys/fs/cgroup")
fi
mkdir -p "${root}/dev/shm"
mount -t tmpfs shm "${root}/dev/shm" && mounted+=("${root}/dev/shm")
cp /etc/resolv.conf "${root}/etc/resolv.conf"
in_root() { chroot "${root}" /usr/bin/env -i HOME=/root TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# What the README assumes: git. Everything else comes through tools/bazel.
in_root bash -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends git ca-certificates' \
  > "${logs}/git.log" 2>&1 || { tail -5 "${logs}/git.log"; exit 1; }
git clone --quiet --no-hardlinks "${repo}" "${root}/root/oneshot_nas"
say "cloned $(git -C "${repo}" rev-parse --short HEAD) into ${root}/root/oneshot_nas"

results=()
run_step() {  # run_step NAME COMMAND: in the clone, as root, timed and logged
  local name="$1" command="$2" rc=0 t0=${SECONDS}
  say "${name}: ${command}"
  in_root bash -c "cd /root/oneshot_nas && ${command}" > "${logs}/${name}.log" 2>&1 || rc=$?
  local summary
  summary="$(grep -E '^(Executed|INFO: Build completed|FAILED|//.* (FAILED|TIMEOUT|NO STATUS))' \
    "${logs}/${name}.log" | tail -4 | tr '\n' ' ')"
  results+=("${name}: exit ${rc}, $(( SECONDS - t0 )) s ${summary}")
  say "${results[-1]}"
  return "${rc}"
}

status=0
if [[ "${skip_main}" == false ]]; then
  run_step main "tools/bazel run //:main" || status=1
else
  results+=("main: skipped (--skip_main)")
fi
if [[ "${skip_test}" == false ]]; then
  run_step test "tools/bazel test //..." || status=1
else
  results+=("test: skipped (--skip_test)")
fi

if [[ "${libtorch_folder}" == true ]]; then
  folder=/opt/libtorch-from-deb
  say "a LibTorch folder from the release's .deb files: ${folder}"
  in_root bash -c "
    set -e
    mkdir -p /tmp/debs ${folder}/lib ${folder}/share/cmake && cd /tmp/debs
    # (installed by tools/bazel in the steps above; not when both were skipped)
    dpkg -s libtorch-dev > /dev/null 2>&1 ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libtorch-dev
    runtime=\$(dpkg-query -W -f='\${db:Status-Abbrev} \${Package}\n' 'libtorch[0-9]*' | awk '\$1 == \"ii\" {print \$2; exit}')
    test -n \"\${runtime}\" || { echo 'no libtorchN.N runtime package installed'; exit 1; }
    apt-get download libtorch-dev \"\${runtime}\"
    for d in *.deb; do dpkg-deb -x \"\${d}\" x; done
    cp -a x/usr/include ${folder}/include
    cp -a x/usr/lib/*/libtorch*.so* x/usr/lib/*/libc10*.so* ${folder}/lib/
    cp -a x/usr/lib/*/cmake/Torch ${folder}/share/cmake/
    dpkg --purge libtorch-dev
    test ! -e /usr/include/torch/csrc/api/include/torch/torch.h
  " > "${logs}/libtorch-folder.log" 2>&1 || made=false
fi
if [[ "${libtorch_folder}" == true && "${made:-true}" == false ]]; then
  results+=("libtorch_folder: could not be made: $(tail -1 "${logs}/libtorch-folder.log")")
  status=1
elif [[ "${libtorch_folder}" == true ]]; then
  # The disk cache keys differ (other flags, other header paths): a cold build.
  run_step user_libtorch_test "NAS_LIBTORCH=${folder} tools/bazel test //..." || status=1
  in_root bash -c "cd /root/oneshot_nas && ldd bazel-bin/nas/train/trainer_test | grep -E 'libtorch|libc10'" \
    > "${logs}/user_libtorch_ldd.txt" 2>&1 || true
  if grep -q "${folder}/lib" "${logs}/user_libtorch_ldd.txt"; then
    results+=("user_libtorch_ldd: the tests load LibTorch from ${folder}/lib")
  else
    results+=("user_libtorch_ldd: NOT from ${folder}/lib ($(tr '\n' ' ' < "${logs}/user_libtorch_ldd.txt"))")
    status=1
  fi
  rc=0
  in_root bash -c "cd /root/oneshot_nas && NAS_LIBTORCH=/usr/share tools/bazel build //nas/train:trainer" \
    > "${logs}/wrong_folder.log" 2>&1 || rc=$?
  message="$(grep -m1 -E '^(tools/bazel: )?NAS_LIBTORCH=.* is not a usable LibTorch' "${logs}/wrong_folder.log" || true)"
  if (( rc != 0 )) && [[ -n "${message}" ]]; then
    results+=("wrong_folder: refused (exit ${rc}): ${message}")
  else
    results+=("wrong_folder: NOT refused clearly (exit ${rc}; ${logs}/wrong_folder.log)")
    status=1
  fi
fi

in_root bash -c '. /etc/os-release; echo "$PRETTY_NAME"; dpkg-query -W -f="\${Package} \${Version}\n" libtorch-dev bazel-bootstrap gcc libabsl-dev' \
  > "${logs}/versions.txt" 2>&1 || true
echo
say "summary ($(head -1 "${logs}/versions.txt"), clone of $(git -C "${repo}" rev-parse --short HEAD)):"
for r in "${results[@]}"; do echo "  ${r}"; done
tail -n +2 "${logs}/versions.txt" | sed 's/^/  /'
say "logs in ${logs}"
exit "${status}"
