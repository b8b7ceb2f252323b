// Fuzz target: the dataset files we read from disk, damaged: a
// Fashion-MNIST IDX file (images and labels) and a CIFAR-10 batch.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "datasets/cifar10.h"
#include "datasets/fashion_mnist.h"
#include "nas/base/file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir =
      std::string(tmp != nullptr ? tmp : "/tmp") + "/dataset_fuzz." + std::to_string(getpid());
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string file = nas::JoinPath(dir, "test_batch.bin");
  if (!nas::WriteFileAtomically(file, bytes).ok()) return 0;
  (void)nas::datasets::ReadIdxFile(file, 2051);
  (void)nas::datasets::ReadIdxFile(file, 2049);
  nas::datasets::DatasetOptions options;
  options.data_dir = dir;
  options.split = nas::datasets::Split::kTest;
  (void)nas::datasets::LoadCifar10(options);
  unlink(file.c_str());
  return 0;
}
