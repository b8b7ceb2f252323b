#include "nas/train/checkpoint.h"

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/base/verified_file.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutator.h"
#include "nas/train/generator_state.h"
#include "nas/train/loss_scaler.h"

namespace nas {
namespace {

constexpr char kFormat[] = "oneshot_nas.checkpoint.v1";

}  // namespace

std::vector<std::string> ListCheckpoints(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    if (name.rfind("ckpt-", 0) == 0 && name.size() > 8 && name.substr(name.size() - 3) == ".pt") {
      files.push_back(JoinPath(dir, name));
    }
  }
  closedir(d);
  std::sort(files.begin(), files.end());  // zero-padded step numbers sort by step
  return files;
}

absl::Status SaveCheckpoint(const std::string& dir, const CheckpointState& s, int keep) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kFormat)));
  archive.write("epoch", c10::IValue(s.epoch));
  archive.write("batch", c10::IValue(s.batch));
  archive.write("step", c10::IValue(s.step));
  torch::serialize::OutputArchive model;
  WriteWeights(model, *s.model);
  archive.write("model", model);
  if (s.mutator != nullptr) {
    torch::serialize::OutputArchive m;
    s.mutator->save(m);
    archive.write("mutator", m);
  }
  for (const auto& [name, optimizer] : s.optimizers) {
    torch::serialize::OutputArchive o;
    optimizer->save(o);
    archive.write("optimizer_" + name, o);
  }
  WriteGeneratorStates(archive, CaptureGeneratorStates(s.device));
  // Metrics accumulated since the last log line, so a resumed run logs the
  // same means.
  std::string names;
  std::vector<double> sums;
  if (s.running_sum != nullptr) {
    for (const auto& [name, sum] : *s.running_sum) {
      names += name + "\n";
      sums.push_back(sum);
    }
  }
  archive.write("running_names", c10::IValue(names));
  archive.write("running_sums", at::tensor(sums, at::kDouble));
  archive.write("running_count", c10::IValue(s.running_count != nullptr ? *s.running_count : 0));
  if (s.scaler != nullptr) {
    archive.write("loss_scale", c10::IValue(s.scaler->current_scale()));
    archive.write("loss_scale_good_steps", c10::IValue(s.scaler->good_steps()));
  }
  torch::serialize::OutputArchive extra;
  if (s.save_extra) s.save_extra(extra);
  archive.write("extra", extra);
  std::ostringstream bytes;
  archive.save_to(bytes);
  std::string path = JoinPath(dir, absl::StrFormat("ckpt-%010d.pt", s.step));
  NAS_RETURN_IF_ERROR(WriteVerifiedFile(path, bytes.str()));
  std::vector<std::string> files = ListCheckpoints(dir);
  for (size_t i = 0; i + keep < files.size(); ++i) RemoveVerifiedFile(files[i]);
  return absl::OkStatus();
}

absl::Status LoadCheckpoint(const std::string& path, CheckpointState* s) {
  const char* advice = "; remove it (and its .sha256) to resume from the one before it";
  absl::StatusOr<std::string> bytes = ReadVerifiedFile(path);
  if (!bytes.ok()) {
    if (!absl::IsDataLoss(bytes.status())) return bytes.status();
    return absl::DataLossError(absl::StrCat("checkpoint ", bytes.status().message(), advice));
  }
  torch::serialize::InputArchive archive;
  absl::Status opened = CatchExceptions([&] {
    std::istringstream in(*bytes);
    archive.load_from(in);
    return absl::OkStatus();
  });
  if (!opened.ok()) {
    return absl::DataLossError(
        absl::StrCat("checkpoint ", path, " is corrupt or truncated", advice));
  }
  return Annotate(
      CatchExceptions([&]() -> absl::Status {
        c10::IValue format, epoch, batch, step;
        if (!archive.try_read("format", format) || !format.isString() ||
            format.toStringRef() != kFormat) {
          return absl::InvalidArgumentError("not a checkpoint of this trainer");
        }
        torch::serialize::InputArchive model;
        if (!archive.try_read("model", model)) {
          return absl::InvalidArgumentError("no model weights");
        }
        NAS_RETURN_IF_ERROR(Annotate(ReadWeights(model, *s->model, WeightLoad::kExact, "the file"),
                                     "the checkpoint does not match the model"));
        if (s->mutator != nullptr) {
          torch::serialize::InputArchive m;
          if (!archive.try_read("mutator", m))
            return absl::InvalidArgumentError("no mutator state");
          s->mutator->load(m);
        }
        for (const auto& [name, optimizer] : s->optimizers) {
          torch::serialize::InputArchive o;
          if (!archive.try_read("optimizer_" + name, o)) {
            return absl::InvalidArgumentError(absl::StrCat("no state for optimizer '", name, "'"));
          }
          optimizer->load(o);
        }
        NAS_ASSIGN_OR_RETURN(GeneratorStates generators, ReadGeneratorStates(archive));
        NAS_RETURN_IF_ERROR(RestoreGeneratorStates(generators, s->device));
        torch::serialize::InputArchive extra;
        if (archive.try_read("extra", extra) && s->load_extra) s->load_extra(extra);
        c10::IValue names, count;
        at::Tensor sums;
        archive.read("running_names", names);
        archive.read("running_sums", sums);
        archive.read("running_count", count);
        if (s->running_sum != nullptr) {
          s->running_sum->clear();
          std::istringstream lines(names.toStringRef());
          std::string name;
          for (int64_t i = 0; std::getline(lines, name); ++i) {
            (*s->running_sum)[name] = sums[i].item<double>();
          }
        }
        if (s->running_count != nullptr) *s->running_count = count.toInt();
        c10::IValue scale, good;
        if (s->scaler != nullptr && archive.try_read("loss_scale", scale) &&
            archive.try_read("loss_scale_good_steps", good)) {
          s->scaler->set_state(scale.toDouble(), good.toInt());
        }
        archive.read("epoch", epoch);
        archive.read("batch", batch);
        archive.read("step", step);
        s->epoch = epoch.toInt();
        s->batch = batch.toInt();
        s->step = step.toInt();
        return absl::OkStatus();
      }),
      path);
}

}  // namespace nas
