// Process-wide runtime defaults that every binary's main (through InitMain)
// and every test (through the test main) applies. Measured on the project's
// 2-core machines (see tools/bench:runtime_defaults_bench):
//
// | setting              | LibTorch / glibc default       | ours                 |
// |----------------------|--------------------------------|----------------------|
// | intra-op threads     | 1 on this VM                   | usable cores         |
// | OpenBLAS threads     | one per core (fights OpenMP)   | 1                    |
// | malloc mmap threshold| 128 KiB, dynamic               | 32 MiB (glibc's max) |
// | malloc trim threshold| 128 KiB, dynamic               | 1 GiB                |
//
// glibc's defaults return large tensor buffers to the OS every step
// (mmap/munmap and page faults): training steps become erratic and up to 2x
// slower.
#ifndef NAS_BASE_TORCH_RUNTIME_H_
#define NAS_BASE_TORCH_RUNTIME_H_

#include <string>

namespace nas {

struct RuntimeOptions {
  // Intra-op (OpenMP) threads; 0 = OMP_NUM_THREADS when it is set (as
  // LibTorch itself would), else the cores this process may run on.
  int intra_op_threads = 0;
  // Hold OpenBLAS to one thread so it does not compete with OpenMP.
  bool single_thread_blas = true;
  // Keep freed tensor buffers in the process (mallopt).
  bool tune_allocator = true;
};

// What ApplyRuntimeDefaults did, for logs and benchmarks.
struct RuntimeReport {
  int intra_op_threads = 0;
  bool blas_single_threaded = false;  // false also when OpenBLAS is absent
  bool allocator_tuned = false;

  std::string to_string() const;
};

// Applies `options`. Idempotent; call it before any tensor work.
RuntimeReport ApplyRuntimeDefaults(const RuntimeOptions& options = {});

// The number of CPUs this process may run on (its affinity mask).
int UsableCores();

// The most intra-op threads --threads and OMP_NUM_THREADS may ask for: more
// than this only add contention (a typo such as 100000 started thousands of
// threads and never stepped).
inline constexpr int kMaxThreadsPerCore = 4;
inline int MaxIntraOpThreads() { return kMaxThreadsPerCore * UsableCores(); }

}  // namespace nas

#endif  // NAS_BASE_TORCH_RUNTIME_H_
