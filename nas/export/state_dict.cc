#include "nas/export/state_dict.h"

#include <vector>

#include <ATen/core/Dict.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <torch/nn/module.h>

#include "absl/strings/str_cat.h"
#include "nas/base/file.h"
#include "nas/base/status.h"

namespace nas {

NamedTensors StateDictOf(const torch::nn::Module& model) {
  NamedTensors result;
  for (const auto& module : model.named_modules()) {
    const std::string prefix = module.key().empty() ? "" : module.key() + ".";
    for (const auto& p : module.value()->named_parameters(/*recurse=*/false)) {
      result.emplace_back(prefix + p.key(), p.value());
    }
    for (const auto& b : module.value()->named_buffers(/*recurse=*/false)) {
      result.emplace_back(prefix + b.key(), b.value());
    }
  }
  return result;
}

std::vector<char> TorchSaveBytes(const c10::IValue& value) {
  // torch::jit::pickle_save, with untagged aggregates.
  std::vector<char> pickled;
  torch::jit::Pickler pickler(
      [&](const char* data, size_t size) { pickled.insert(pickled.end(), data, data + size); },
      /*tensor_table=*/nullptr, /*type_renamer=*/nullptr, /*memoized_class_types=*/nullptr,
      /*get_tensor_id=*/nullptr, /*tag_aggregates=*/false);
  pickler.protocol();
  pickler.pushIValue(value);
  pickler.stop();
  std::vector<char> zip;
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t size) {
    const char* bytes = static_cast<const char*>(data);
    zip.insert(zip.end(), bytes, bytes + size);
    return size;
  });
  torch::jit::writeArchiveAndTensors("data", pickled.data(), pickled.size(), pickler.tensorData(),
                                     writer);
  writer.writeEndOfFile();
  return zip;
}

absl::Status SavePythonStateDict(const torch::nn::Module& model, const std::string& path) {
  std::vector<char> bytes;
  NAS_RETURN_IF_ERROR(Annotate(CatchExceptions([&] {
                                 c10::Dict<std::string, at::Tensor> dict;
                                 for (const auto& [name, tensor] : StateDictOf(model)) {
                                   dict.insert(name, tensor.detach().clone());
                                 }
                                 bytes = TorchSaveBytes(dict);
                                 return absl::OkStatus();
                               }),
                               "serializing the state dict"));
  return WriteFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

absl::StatusOr<NamedTensors> LoadPythonStateDict(const std::string& path) {
  NAS_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  NamedTensors result;
  NAS_RETURN_IF_ERROR(Annotate(
      CatchExceptions([&]() -> absl::Status {
        c10::IValue value = torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
        if (!value.isGenericDict()) return absl::InvalidArgumentError("it holds no dict");
        for (const auto& item : value.toGenericDict()) {
          if (!item.key().isString() || !item.value().isTensor()) {
            return absl::InvalidArgumentError("it holds a dict that is not names -> tensors");
          }
          result.emplace_back(item.key().toStringRef(), item.value().toTensor());
        }
        return absl::OkStatus();
      }),
      absl::StrCat(path, " is not a state dict")));
  return result;
}

}  // namespace nas
