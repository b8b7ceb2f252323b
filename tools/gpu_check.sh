#!/usr/bin/env bash
# Builds //tools:gpu_check against the LibTorch of the machine it runs on and
# runs it: a short check of the CUDA paths, one line per check
# (tools/gpu_check_main.cc says what each one does).
#
#   tools/gpu_check.sh [--libtorch=DIR] [--deps=DIR] [--no_bazel] [--jobs=N] [-- CHECK_FLAGS]
#   tools/gpu_check.sh --fetch_deps=DIR   # on a Debian 12 machine: the libraries to carry
#   tools/gpu_check.sh --write_sources    # regenerate tools/gpu_check/sources.txt
#
# The LibTorch: --libtorch, else $NAS_LIBTORCH, else the torch/ folder of the
# python3 on PATH (a PyTorch wheel, usually with CUDA), else Debian's (/usr).
#
# With Bazel (tools/bazel works here) it is `NAS_LIBTORCH=<that> tools/bazel
# run //tools:gpu_check`. Without Bazel (a GPU machine usually has none) the
# sources in tools/gpu_check/sources.txt (generated from the Bazel graph,
# checked by //tools:gpu_check_sources_test) are compiled with ${CXX:-g++},
# --jobs at a time, and linked against that LibTorch and the other
# libraries this project uses (Abseil, glog, gflags, zlib, Gloo's headers):
# from the system, or from --deps, a folder made on a Debian 12 machine by
# --fetch_deps (Debian's packages unpacked, no root needed on the GPU
# machine). Objects go to ${NAS_GPU_CHECK_BUILD:-/tmp/nas_gpu_check_build}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"

libtorch="${NAS_LIBTORCH:-}"
deps=""
use_bazel=auto
jobs="$(nproc)"
check_args=()
die() { echo "gpu_check: $*" >&2; exit 1; }

deb_packages=(libabsl-dev libabsl20220623 libgoogle-glog-dev libgoogle-glog0v6 libgflags-dev
              libgflags2.2 libunwind8 libgloo-dev nlohmann-json3-dev zlib1g-dev)

while (( $# > 0 )); do
  case "$1" in
    --libtorch=*) libtorch="${1#--libtorch=}" ;;
    --deps=*) deps="${1#--deps=}" ;;
    --no_bazel) use_bazel=no ;;
    --jobs=*) jobs="${1#--jobs=}" ;;
    --write_sources)
      tools/bazel build //tools:gpu_check_query
      tools/gpu_check/labels_to_sources.sh < bazel-bin/tools/gpu_check_query > tools/gpu_check/sources.txt
      echo "gpu_check: wrote tools/gpu_check/sources.txt ($(wc -l < tools/gpu_check/sources.txt) files)"
      exit 0 ;;
    --fetch_deps=*)
      out="$(realpath -m "${1#--fetch_deps=}")"
      mkdir -p "${out}/debs"
      (cd "${out}/debs" && apt-get download "${deb_packages[@]}") || die "apt-get download failed"
      for d in "${out}"/debs/*.deb; do dpkg-deb -x "${d}" "${out}"; done
      echo "gpu_check: $(ls "${out}"/debs | wc -l) packages unpacked in ${out} ($(du -sh "${out}" | cut -f1)); pass --deps=${out}"
      exit 0 ;;
    --) shift; check_args=("$@"); break ;;
    *) die "unknown argument $1 (see the comment at the top of $0)" ;;
  esac
  shift
done

if [[ -z "${libtorch}" ]] && command -v python3 > /dev/null; then
  libtorch="$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2> /dev/null || true)"
fi
[[ -n "${libtorch}" ]] || libtorch=/usr
if [[ "${libtorch}" == /usr ]]; then
  api=/usr/include/torch/csrc/api/include
  libdir="/usr/lib/$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)"
  include_flags=(-isystem "${api}")
else
  api="${libtorch}/include/torch/csrc/api/include"
  libdir="${libtorch}/lib"
  include_flags=(-isystem "${libtorch}/include" -isystem "${api}")
fi
[[ -f "${api}/torch/torch.h" ]] || die "${libtorch} is not a LibTorch (no ${api}/torch/torch.h)"
echo "gpu_check: LibTorch in ${libtorch}"

if [[ "${use_bazel}" == auto ]] && [[ -x /usr/bin/bazel-4 || -n "${BAZEL_REAL:-}" ]]; then
  if [[ "${libtorch}" == /usr ]]; then
    exec tools/bazel run //tools:gpu_check -- "${check_args[@]}"
  fi
  NAS_LIBTORCH="${libtorch}" exec tools/bazel run //tools:gpu_check -- "${check_args[@]}"
fi

# Without Bazel: the derived settings third_party/libtorch.bzl would use.
defines=(-DNDEBUG -DUSE_C10D_GLOO)
config="${libtorch}/share/cmake/Torch/TorchConfig.cmake"
if [[ -f "${config}" ]] && grep -q '_GLIBCXX_USE_CXX11_ABI=0' "${config}"; then
  die "${libtorch} is built with the pre-C++11 ABI; this project's libraries use the C++11 ABI"
fi
libs=(-ltorch -ltorch_cpu -lc10)
if [[ -f "${libdir}/libtorch_cuda.so" ]]; then
  libs+=(-ltorch_cuda -lc10_cuda)
  defines+=(-DNAS_TORCH_CUDA=1)
fi
dep_flags=()
dep_libdir=""
if [[ -n "${deps}" ]]; then
  dep_libdir="${deps}/usr/lib/$(gcc -print-multiarch 2> /dev/null || echo x86_64-linux-gnu)"
  dep_flags=(-isystem "${deps}/usr/include")
fi
# Abseil: every shared library of the installed version (its split into
# libraries differs between versions; a few unused ones cost nothing).
absl_libs=()
for d in ${dep_libdir} /usr/lib/x86_64-linux-gnu /usr/local/lib; do
  for so in "${d}"/libabsl_*.so; do
    [[ -e "${so}" ]] && absl_libs+=("-l$(basename "${so}" .so | sed 's/^lib//')")
  done
  (( ${#absl_libs[@]} > 0 )) && break
done
(( ${#absl_libs[@]} > 0 )) || die "no Abseil libraries found (install libabsl-dev, or pass --deps)"

build="${NAS_GPU_CHECK_BUILD:-/tmp/nas_gpu_check_build}"
mkdir -p "${build}/obj"
cxx="${CXX:-g++}"
flags=(-std=c++17 -O2 -g0 -fPIC -w -I"${root}" "${include_flags[@]}" "${dep_flags[@]}" "${defines[@]}")
mapfile -t sources < tools/gpu_check/sources.txt
echo "gpu_check: compiling ${#sources[@]} files with ${cxx} (${jobs} at a time) into ${build}"
start=${SECONDS}
printf '%s\n' "${sources[@]}" | xargs -P "${jobs}" -I{} sh -c '
  obj="$1/obj/$(echo "{}" | tr / _).o"
  if [ ! -f "${obj}" ] || [ "{}" -nt "${obj}" ]; then
    shift; "$@" -c "{}" -o "${obj}" || { echo "gpu_check: {} failed" >&2; exit 255; }
  fi' _ "${build}" "${cxx}" "${flags[@]}"
search=(-L"${libdir}" -Wl,-rpath,"${libdir}")
[[ -n "${dep_libdir}" ]] && search+=(-L"${dep_libdir}" -Wl,-rpath,"${dep_libdir}")
"${cxx}" -o "${build}/gpu_check" "${build}"/obj/*.o "${search[@]}" \
  -Wl,--no-as-needed "${libs[@]}" "${absl_libs[@]}" -lglog -lgflags -lz -pthread -ldl
echo "gpu_check: built in $(( SECONDS - start )) s"
"${build}/gpu_check" "${check_args[@]}"
