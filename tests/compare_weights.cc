// Compares two weight files (nas::SaveWeights format) tensor by tensor.
// Exit 0 when they hold the same names and every tensor agrees within
// --tolerance (0 = bit for bit).
//
//   compare_weights a.pt b.pt [--tolerance=1e-6]
#include <cstdio>
#include <set>

#include <gflags/gflags.h>
#include <torch/serialize/input-archive.h>
#include <torch/types.h>

#include "nas/base/init.h"
#include "nas/base/status.h"

DEFINE_double(tolerance, 0, "Largest allowed absolute difference (0 = identical bits).");
DEFINE_string(first_subarchive, "",
              "Read the first file's tensors from this sub-archive "
              "(\"model\" for a trainer checkpoint).");

namespace {

absl::StatusOr<std::map<std::string, at::Tensor>> Load(const std::string& path,
                                                       const std::string& sub) {
  std::map<std::string, at::Tensor> tensors;
  NAS_RETURN_IF_ERROR(nas::CatchExceptions([&] {
    torch::serialize::InputArchive file, inner;
    file.load_from(path);
    if (!sub.empty()) file.read(sub, inner);
    torch::serialize::InputArchive& archive = sub.empty() ? file : inner;
    for (const auto& key : archive.keys()) {
      at::Tensor t;
      if (archive.try_read(key, t)) tensors[key] = t;
    }
    return absl::OkStatus();
  }));
  return tensors;
}

absl::Status Run(int argc, char** argv) {
  if (argc != 3) return absl::InvalidArgumentError("usage: compare_weights a.pt b.pt");
  NAS_ASSIGN_OR_RETURN(auto a, Load(argv[1], FLAGS_first_subarchive));
  NAS_ASSIGN_OR_RETURN(auto b, Load(argv[2], ""));
  if (a.size() != b.size()) {
    return absl::FailedPreconditionError(absl::StrCat(a.size(), " vs ", b.size(), " tensors"));
  }
  double worst = 0;
  for (const auto& [name, t] : a) {
    auto it = b.find(name);
    if (it == b.end())
      return absl::FailedPreconditionError(absl::StrCat("only in the first: ", name));
    if (!t.sizes().equals(it->second.sizes())) {
      return absl::FailedPreconditionError(absl::StrCat("shapes differ: ", name));
    }
    if (FLAGS_tolerance == 0 && !torch::equal(t, it->second)) {
      return absl::FailedPreconditionError(absl::StrCat("not bit-identical: ", name));
    }
    if (t.numel() > 0 && t.is_floating_point()) {
      worst = std::max(worst, (t - it->second).abs().max().item<double>());
    }
  }
  printf("%zu tensors, largest difference %.3g\n", a.size(), worst);
  if (worst > FLAGS_tolerance) {
    return absl::FailedPreconditionError(absl::StrCat("largest difference ", worst));
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  nas::InitMain("Compares two weight files tensor by tensor.", &argc, &argv);
  return nas::ExitWith(Run(argc, argv));
}
