// TensorBoard event files, written (and read back) without TensorFlow or
// protobuf: `events.out.tfevents.<time>.<host>`, a sequence of records
//
//   uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)
//
// (little endian; CRC-32C masked as ((crc >> 15) | (crc << 17)) + 0xa282ead8),
// where data is a serialized Event: wall_time (1, double), step (2, int64),
// file_version (3, "brain.Event:2" in the first record) or summary (5) with
// repeated Value { tag (1, string), simple_value (2, float) }.
//
// Example:
//   NAS_ASSIGN_OR_RETURN(auto writer, TensorBoardWriter::Create(dir));
//   writer->add_scalar("train/loss", loss, step);
#ifndef NAS_TRAIN_TENSORBOARD_H_
#define NAS_TRAIN_TENSORBOARD_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace nas {

// CRC-32C (Castagnoli) of `data`.
uint32_t Crc32c(const void* data, size_t size);
uint32_t MaskedCrc32c(const void* data, size_t size);

class TensorBoardWriter {
 public:
  // Creates `dir` and a new event file in it.
  static absl::StatusOr<std::unique_ptr<TensorBoardWriter>> Create(const std::string& dir);
  ~TensorBoardWriter();

  absl::Status add_scalar(const std::string& tag, double value, int64_t step);
  absl::Status flush();
  const std::string& path() const { return path_; }

 private:
  TensorBoardWriter(std::string path, FILE* file) : path_(std::move(path)), file_(file) {}
  absl::Status write_record(const std::string& event);

  std::string path_;
  FILE* file_;
};

struct ScalarEvent {
  std::string tag;
  double value = 0;
  int64_t step = 0;
  double wall_time = 0;
};

// Parses an event file record by record, checking both CRCs of every
// record; returns the scalars in file order. The first record must carry
// file_version "brain.Event:2".
absl::StatusOr<std::vector<ScalarEvent>> ReadScalarEvents(const std::string& path);

}  // namespace nas

#endif  // NAS_TRAIN_TENSORBOARD_H_
