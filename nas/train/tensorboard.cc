#include "nas/train/tensorboard.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas {
namespace {

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    table[i] = c;
  }
  return table;
}

// Protocol buffer wire format, the few pieces an Event needs.
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutFixed(std::string* out, const void* p, size_t n) {
  out->append(static_cast<const char*>(p), n);  // x86-64 and aarch64 are little endian
}

void PutBytes(std::string* out, uint32_t field, const std::string& bytes) {
  PutVarint(out, (field << 3) | 2);
  PutVarint(out, bytes.size());
  out->append(bytes);
}

std::string EventHeader(double wall_time, int64_t step) {
  std::string e;
  PutVarint(&e, (1 << 3) | 1);  // wall_time: fixed64
  PutFixed(&e, &wall_time, 8);
  PutVarint(&e, (2 << 3) | 0);  // step: varint
  PutVarint(&e, static_cast<uint64_t>(step));
  return e;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A bounds-checked protobuf reader.
class Reader {
 public:
  Reader(const char* p, size_t n) : p_(p), end_(p + n) {}
  bool done() const { return p_ >= end_; }
  bool varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64 && p_ < end_; shift += 7) {
      uint8_t b = static_cast<uint8_t>(*p_++);
      *v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool fixed(void* out, size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) return false;
    std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  bool bytes(std::string* out) {
    uint64_t n;
    if (!varint(&n) || static_cast<uint64_t>(end_ - p_) < n) return false;
    out->assign(p_, n);
    p_ += n;
    return true;
  }
  bool skip(uint64_t wire_type) {
    uint64_t v;
    std::string s;
    char buf[8];
    switch (wire_type) {
      case 0:
        return varint(&v);
      case 1:
        return fixed(buf, 8);
      case 2:
        return bytes(&s);
      case 5:
        return fixed(buf, 4);
      default:
        return false;
    }
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

uint32_t Crc32c(const void* data, size_t size) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  uint32_t crc = 0xffffffffu;
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

uint32_t MaskedCrc32c(const void* data, size_t size) {
  uint32_t crc = Crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

absl::StatusOr<std::unique_ptr<TensorBoardWriter>> TensorBoardWriter::Create(
    const std::string& dir) {
  NAS_RETURN_IF_ERROR(MakeDirs(dir));
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  std::string path = JoinPath(dir, absl::StrCat("events.out.tfevents.", static_cast<int64_t>(Now()),
                                                ".", host, ".", getpid()));
  FILE* file = fopen(path.c_str(), "wb");
  if (file == nullptr) return absl::PermissionDeniedError(absl::StrCat("cannot create ", path));
  std::unique_ptr<TensorBoardWriter> writer(new TensorBoardWriter(path, file));
  std::string event = EventHeader(Now(), 0);
  PutBytes(&event, 3, "brain.Event:2");
  NAS_RETURN_IF_ERROR(writer->write_record(event));
  NAS_RETURN_IF_ERROR(writer->flush());
  return writer;
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_ != nullptr) fclose(file_);
}

absl::Status TensorBoardWriter::write_record(const std::string& event) {
  uint64_t length = event.size();
  uint32_t length_crc = MaskedCrc32c(&length, 8);
  uint32_t data_crc = MaskedCrc32c(event.data(), event.size());
  std::string record;
  PutFixed(&record, &length, 8);
  PutFixed(&record, &length_crc, 4);
  record.append(event);
  PutFixed(&record, &data_crc, 4);
  if (fwrite(record.data(), 1, record.size(), file_) != record.size()) {
    return absl::InternalError(absl::StrCat("cannot write ", path_));
  }
  return absl::OkStatus();
}

absl::Status TensorBoardWriter::add_scalar(const std::string& tag, double value, int64_t step) {
  std::string v;
  PutBytes(&v, 1, tag);
  float f = static_cast<float>(value);
  PutVarint(&v, (2 << 3) | 5);  // simple_value: fixed32
  PutFixed(&v, &f, 4);
  std::string summary;
  PutBytes(&summary, 1, v);
  std::string event = EventHeader(Now(), step);
  PutBytes(&event, 5, summary);
  return write_record(event);
}

absl::Status TensorBoardWriter::flush() {
  if (fflush(file_) != 0) return absl::InternalError(absl::StrCat("cannot flush ", path_));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ScalarEvent>> ReadScalarEvents(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  std::vector<ScalarEvent> scalars;
  size_t pos = 0;
  for (int64_t record = 0; pos < data.size(); ++record) {
    auto bad = [&](const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": record ", record, ": ", why));
    };
    if (data.size() - pos < 12) return bad("truncated header");
    uint64_t length;
    uint32_t length_crc, data_crc;
    std::memcpy(&length, data.data() + pos, 8);
    std::memcpy(&length_crc, data.data() + pos + 8, 4);
    if (MaskedCrc32c(&length, 8) != length_crc) return bad("length CRC mismatch");
    if (data.size() - pos - 12 < length + 4) return bad("truncated data");
    const char* event = data.data() + pos + 12;
    std::memcpy(&data_crc, event + length, 4);
    if (MaskedCrc32c(event, length) != data_crc) return bad("data CRC mismatch");
    pos += 12 + length + 4;

    Reader r(event, length);
    double wall_time = 0;
    int64_t step = 0;
    std::string file_version, summary;
    while (!r.done()) {
      uint64_t key;
      if (!r.varint(&key)) return bad("malformed Event");
      bool ok = true;
      switch (key) {
        case (1 << 3) | 1:
          ok = r.fixed(&wall_time, 8);
          break;
        case (2 << 3) | 0: {
          uint64_t v;
          ok = r.varint(&v);
          step = static_cast<int64_t>(v);
          break;
        }
        case (3 << 3) | 2:
          ok = r.bytes(&file_version);
          break;
        case (5 << 3) | 2:
          ok = r.bytes(&summary);
          break;
        default:
          ok = r.skip(key & 7);
      }
      if (!ok) return bad("malformed Event");
    }
    if (record == 0 && file_version != "brain.Event:2") {
      return bad("the first record must carry file_version brain.Event:2");
    }
    Reader s(summary.data(), summary.size());
    while (!s.done()) {
      uint64_t key;
      std::string value;
      if (!s.varint(&key) || key != ((1 << 3) | 2) || !s.bytes(&value))
        return bad("malformed Summary");
      Reader v(value.data(), value.size());
      ScalarEvent scalar;
      scalar.step = step;
      scalar.wall_time = wall_time;
      while (!v.done()) {
        uint64_t vkey;
        if (!v.varint(&vkey)) return bad("malformed Summary.Value");
        bool ok;
        if (vkey == ((1 << 3) | 2)) {
          ok = v.bytes(&scalar.tag);
        } else if (vkey == ((2 << 3) | 5)) {
          float f = 0;
          ok = v.fixed(&f, 4);
          scalar.value = f;
        } else {
          ok = v.skip(vkey & 7);
        }
        if (!ok) return bad("malformed Summary.Value");
      }
      scalars.push_back(scalar);
    }
  }
  return scalars;
}

}  // namespace nas
