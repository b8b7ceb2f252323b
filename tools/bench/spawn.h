// Benchmarks measure each configuration in fresh child processes (no
// warm caches or thread pools carried over), possibly as a data-parallel
// job: SpawnSelf runs this binary again with `args` as `nproc` ranks
// (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set when nproc > 1) and
// returns the number rank 0 prints on stdout, or -1 when a rank fails.
#ifndef TOOLS_BENCH_SPAWN_H_
#define TOOLS_BENCH_SPAWN_H_

#include <string>
#include <vector>

namespace nas::bench {

double SpawnSelf(int nproc, const std::vector<std::string>& args);

}  // namespace nas::bench

#endif  // TOOLS_BENCH_SPAWN_H_
