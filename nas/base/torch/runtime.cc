#include "nas/base/torch/runtime.h"

#include <dlfcn.h>
#include <malloc.h>
#include <sched.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <ATen/Parallel.h>

#include "absl/strings/str_cat.h"

namespace nas {
namespace {

// glibc caps M_MMAP_THRESHOLD at HEAP_MAX_SIZE / 2, 32 MiB on 64-bit.
constexpr int kMmapThreshold = 32 << 20;
constexpr int kTrimThreshold = 1 << 30;

// OMP_NUM_THREADS as OpenMP reads it (the first of a nested list), when it is
// a thread count; 0 when unset or not one.
int OmpNumThreadsFromEnvironment() {
  const char* value = std::getenv("OMP_NUM_THREADS");
  if (value == nullptr || *value == '\0') return 0;
  const std::string text = value;
  const std::string first = text.substr(0, text.find(','));
  char* end = nullptr;
  const long n = std::strtol(first.c_str(), &end, 10);
  const long most = MaxIntraOpThreads();
  if (end == first.c_str() || *end != '\0' || n < 1 || n > most) {
    std::fprintf(stderr, "warning: OMP_NUM_THREADS=%s is not a thread count in [1, %ld]; ignored\n",
                 value, most);
    return 0;
  }
  return static_cast<int>(n);
}

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
  int threads = options.intra_op_threads;
  if (threads <= 0) threads = OmpNumThreadsFromEnvironment();
  if (threads <= 0) threads = UsableCores();
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
