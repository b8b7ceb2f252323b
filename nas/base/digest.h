// SHA-256 (FIPS 180-4) of bytes, as 64 lowercase hex digits: the integrity
// check of the files the project writes and later trusts (a benchmark
// table's rows, checkpoints), so that damage is an error naming the file
// rather than silently different numbers.
//
//   std::string digest = nas::Sha256Hex(bytes);
//   nas::Sha256 hasher;  hasher.update(part1);  hasher.update(part2);  hasher.hex_digest();
#ifndef NAS_BASE_DIGEST_H_
#define NAS_BASE_DIGEST_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace nas {

class Sha256 {
 public:
  Sha256();
  void update(absl::string_view bytes);
  // The digest of everything given; the hasher is spent afterwards.
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes
};

std::string Sha256Hex(absl::string_view bytes);

}  // namespace nas

#endif  // NAS_BASE_DIGEST_H_
