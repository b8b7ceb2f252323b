// The Python side of a benchmark: runs one of the reference scripts in
// tools/bench/python/ with Debian's python3-torch (the same LibTorch as the
// C++ build) and returns the JSON object it prints last.
//
//   absl::StatusOr<nas::Json> py = nas::bench::RunPythonReference(
//       "tools/bench/python/darts_ops.py", {"--batch=64", "--threads=2"});
//   if (!py.ok()) printf("Python reference: %s\n", py.status().message());
//
// NotFound, saying how to install it, when /usr/bin/python3 or its torch
// module is missing, or the script is; Internal with the script's stderr
// when it fails; InvalidArgument when its last line is not JSON. The script
// is looked up relative to the working directory (a binary's runfiles under
// `bazel run`; list it in the binary's data). It runs under
// nas/base/child_process.h's guardian: it dies with the benchmark.
#ifndef TOOLS_BENCH_PYTHON_REFERENCE_H_
#define TOOLS_BENCH_PYTHON_REFERENCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nas/base/json.h"

namespace nas::bench {

absl::StatusOr<Json> RunPythonReference(const std::string& script,
                                        const std::vector<std::string>& args);

}  // namespace nas::bench

#endif  // TOOLS_BENCH_PYTHON_REFERENCE_H_
