// Random architecture search over a registered space: samples architectures
// with RandomMutator, checks each on a batch of zeros (the model must run
// with it), and writes them as architecture files.
//
// Output (in output_dir): search_space.json, config.json (the resolved
// options), arch_000.json ... arch_<n-1>.json.
#ifndef ALGORITHMS_RANDOM_SEARCH_H_
#define ALGORITHMS_RANDOM_SEARCH_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "nas/base/json.h"

namespace nas::random {

struct SearchOptions {
  std::string space = "small_cnn";
  Json space_options = Json::object();
  int num_samples = 5;
  uint64_t seed = 0;
  std::string output_dir = "random_search";
};

absl::Status SearchOptionsFromJson(const Json& j, SearchOptions* out);
Json SearchOptionsToJson(const SearchOptions& options);

absl::Status RunSearch(const SearchOptions& options);

}  // namespace nas::random

#endif  // ALGORITHMS_RANDOM_SEARCH_H_
