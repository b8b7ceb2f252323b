#!/usr/bin/env bash
# Creates a new algorithm package from templates: a mutator, a trainer, a
# registered tuner, a registered search space, a registered one-shot method
# (the benchmark's comparison judges it), the search binary (trains the
# supernet, then the tuner searches it), BUILD, README and tests that pass
# the mutator conformance suite as generated. Outside the new folder only
# algorithms/BUILD changes: its :spaces and :oneshot_methods aggregates list
# the new package (under --parent=algorithms); nothing in nas/ needs an edit.
#
#   tools/bazel run //tools/new_algorithm -- --name=my_algo
#   tools/bazel test //algorithms/my_algo/...
#
# Flags:
#   --name=NAME       required: a lowercase C++ identifier (my_algo); the
#                     package, namespace (nas::NAME), tuner ("NAME") and space
#                     ("NAME_net") names derive from it
#   --parent=DIR      where the package goes, relative to the workspace
#                     (default: algorithms)
#   --workspace=DIR   the workspace root (default: $BUILD_WORKSPACE_DIRECTORY,
#                     which `bazel run` sets)
set -euo pipefail

die() { echo "error: $*" >&2; exit 2; }

name="" parent="algorithms" workspace="${BUILD_WORKSPACE_DIRECTORY:-}"
for arg in "$@"; do
  case "${arg}" in
    --name=*) name="${arg#--name=}" ;;
    --parent=*) parent="${arg#--parent=}" ;;
    --workspace=*) workspace="${arg#--workspace=}" ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '${arg}'; usage: new_algorithm --name=NAME [--parent=DIR] [--workspace=DIR]" ;;
  esac
done

[[ -n "${name}" ]] || die "--name is required, e.g. --name=my_algo"
[[ "${name}" =~ ^[a-z][a-z0-9_]*$ && "${name}" != *_ && "${name}" != *__* ]] ||
  die "--name='${name}' must be a lowercase identifier: a letter, then letters, digits and single underscores (e.g. my_algo)"
(( ${#name} <= 40 )) || die "--name='${name}' is longer than 40 characters"
# The name becomes a C++ namespace and a registry entry.
case " alignas alignof and asm auto bitand bitor bool break case catch char class compl concept const constexpr continue decltype default delete do double else enum explicit export extern false float for friend goto if inline int long mutable namespace new noexcept not nullptr operator or private protected public register requires return short signed sizeof static struct switch template this throw true try typedef typeid typename union unsigned using virtual void volatile while xor std nas testing " in
  *" ${name} "*) die "--name='${name}' is a C++ keyword or a namespace in use; pick another name" ;;
esac
case "${name}" in
  evolution|rl) die "--name='${name}' is the name of a tuner in //nas; pick another name" ;;
esac
[[ "${parent}" =~ ^[a-z0-9_]+(/[a-z0-9_]+)*$ ]] ||
  die "--parent='${parent}' must be a relative path of lowercase folders (e.g. algorithms)"
[[ -n "${workspace}" ]] ||
  die "no workspace: run it with 'tools/bazel run //tools/new_algorithm -- --name=${name}' or pass --workspace=DIR"
[[ -f "${workspace}/WORKSPACE" ]] || die "${workspace} is not a Bazel workspace (no WORKSPACE file)"

package="${parent}/${name}"
target="${workspace}/${package}"
[[ ! -e "${target}" ]] || die "${package} already exists; pick another name or remove it"

# The templates: next to this script (source tree) or in its runfiles.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
templates=""
for candidate in "${here}/templates" "${here}/new_algorithm.runfiles/oneshot_nas/tools/new_algorithm/templates" \
                 "${RUNFILES_DIR:-/nonexistent}/oneshot_nas/tools/new_algorithm/templates" \
                 "${TEST_SRCDIR:-/nonexistent}/oneshot_nas/tools/new_algorithm/templates"; do
  if [[ -f "${candidate}/BUILD.tmpl" ]]; then templates="${candidate}"; break; fi
done
[[ -n "${templates}" ]] || die "cannot find the templates (tools/new_algorithm/templates)"

camel="$(sed -E 's/(^|_)([a-z0-9])/\U\2/g' <<<"${name}")"
upper="$(tr 'a-z' 'A-Z' <<<"${name}")"
guard="$(tr 'a-z/' 'A-Z_' <<<"${package}")"

# Write everything into a temporary folder first, then move it in place, so
# a failure leaves nothing half-made.
staging="$(mktemp -d "${workspace}/${parent}/.new_algorithm.XXXXXX" 2>/dev/null)" ||
  { mkdir -p "${workspace}/${parent}" && staging="$(mktemp -d "${workspace}/${parent}/.new_algorithm.XXXXXX")"; }
trap 'rm -rf "${staging}"' EXIT
created=()
for template in "${templates}"/*.tmpl; do
  base="$(basename "${template}" .tmpl)"
  out="${base//NAME/${name}}"
  sed -e "s|{{name}}|${name}|g" -e "s|{{Name}}|${camel}|g" -e "s|{{package}}|${package}|g" \
      -e "s|{{NAME}}|${upper}|g" \
      -e "s|{{GUARD}}|${guard}|g" "${template}" > "${staging}/${out}"
  [[ "${out}" != *.sh ]] || chmod +x "${staging}/${out}"
  created+=("${package}/${out}")
done
chmod 755 "${staging}"

# The one edit outside the package: //algorithms's aggregates list its space
# and its one-shot method, so that //tools and the benchmark's comparison
# have them. Prepared before the package moves in; both land or neither.
aggregates="${workspace}/algorithms/BUILD"
edited=""
if [[ "${parent}" == "algorithms" && -f "${aggregates}" ]]; then
  edited="$(mktemp "${workspace}/algorithms/.BUILD.XXXXXX")"
  trap 'rm -rf "${staging}" "${edited}"' EXIT
  # Adds `dep` to the deps of cc_library `block` and sorts them.
  add_dep() {
    awk -v block="$1" -v dep="\"$2\"," '
      $0 ~ "name = \"" block "\"," { inside = 1 }
      inside && /deps = \[/ { print; collecting = 1; n = 0; next }
      collecting && /^ *\],/ {
        lines[n++] = "        " dep
        fflush(); cmd = "LC_ALL=C sort -u"
        for (i = 0; i < n; i++) print lines[i] | cmd
        close(cmd)
        collecting = 0; inside = 0; found = 1
      }
      collecting { lines[n++] = $0; next }
      { print }
      END { if (!found) exit 3 }' "$3"
  }
  add_dep spaces "//${package}:${name}_space" "${aggregates}" > "${edited}.1" &&
    add_dep oneshot_methods "//${package}:oneshot_method" "${edited}.1" > "${edited}" ||
    { rm -f "${edited}.1"; die "cannot add ${package} to algorithms/BUILD (no spaces or oneshot_methods aggregate)"; }
  rm -f "${edited}.1"
  chmod 644 "${edited}"
fi
mv "${staging}" "${target}"
if [[ -n "${edited}" ]]; then
  mv "${edited}" "${aggregates}"
  created+=("algorithms/BUILD (:spaces and :oneshot_methods list //${package})")
fi
trap - EXIT

printf 'created %s\n' "${created[@]}"
cat <<MSG

Next:
  tools/bazel test //${package}/...
  tools/bazel run //${package}:search -- --dataset=synthetic --epochs=1 --output_dir=runs/${name}
Then make it yours: the sampling in ${name}_mutator.cc, the training step in
${name}_trainer.cc, the proposals in ${name}_tuner.cc (docs/adding_an_algorithm.md).
MSG
