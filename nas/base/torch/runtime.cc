#include "nas/base/torch/runtime.h"

#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>

#include <thread>

#include <ATen/Parallel.h>

#include "absl/strings/str_cat.h"

namespace nas {
namespace {

// glibc caps M_MMAP_THRESHOLD at HEAP_MAX_SIZE / 2, 32 MiB on 64-bit.
constexpr int kMmapThreshold = 32 << 20;
constexpr int kTrimThreshold = 1 << 30;

}  // namespace

int UsableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

RuntimeReport ApplyRuntimeDefaults(const RuntimeOptions& options) {
  RuntimeReport report;
  if (options.tune_allocator) {
    report.allocator_tuned = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 &&
                             mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
  }
  if (options.single_thread_blas) {
    // OpenBLAS is reached through the libblas.so.3 alternative; look the
    // setter up at run time so other BLAS implementations still work.
    using SetThreads = void (*)(int);
    auto set_threads =
        reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set_threads != nullptr) {
      set_threads(1);
      report.blas_single_threaded = true;
    }
  }
  int threads = options.intra_op_threads > 0 ? options.intra_op_threads : UsableCores();
  at::set_num_threads(threads);
  report.intra_op_threads = at::get_num_threads();
  return report;
}

std::string RuntimeReport::to_string() const {
  return absl::StrCat("intra-op threads ", intra_op_threads, ", OpenBLAS single-threaded ",
                      blas_single_threaded ? "yes" : "no", ", allocator tuned ",
                      allocator_tuned ? "yes" : "no");
}

}  // namespace nas
