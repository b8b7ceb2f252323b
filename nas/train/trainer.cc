#include "nas/train/trainer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/nn/module.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/optimizer.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nas/base/file.h"
#include "nas/base/json_lines.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/base/torch/compat.h"
#include "nas/base/torch/memory_format.h"
#include "nas/core/mutator.h"
#include "nas/train/checkpoint.h"
#include "nas/train/loss_scaler.h"
#include "nas/train/tensorboard.h"

namespace nas {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double WallTime() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string CheckpointDir(const TrainerOptions& o) { return JoinPath(o.output_dir, "checkpoints"); }

std::string FormatMetrics(const Metrics& metrics) {
  std::string s;
  for (const auto& [name, value] : metrics) absl::StrAppendFormat(&s, " %s=%.4g", name, value);
  return s;
}

}  // namespace

absl::Status TrainerOptionsFromJson(const Json& j, const std::string& path, TrainerOptions* out) {
  JsonObjectReader r(j, path);
  r.Optional("epochs", &out->epochs)
      .Optional("max_steps", &out->max_steps)
      .Optional("log_every", &out->log_every)
      .Optional("output_dir", &out->output_dir)
      .Optional("checkpoint_every", &out->checkpoint_every)
      .Optional("keep_checkpoints", &out->keep_checkpoints)
      .Optional("resume", &out->resume)
      .Optional("precision", &out->precision)
      .Optional("device", &out->device)
      .Optional("memory_format", &out->memory_format)
      .Optional("progress", &out->progress);
  NAS_RETURN_IF_ERROR(r.Finish());
  if (out->epochs < 1)
    return absl::InvalidArgumentError(absl::StrCat(path, ".epochs must be >= 1"));
  if (out->max_steps < 0)
    return absl::InvalidArgumentError(absl::StrCat(path, ".max_steps must be >= 0"));
  if (out->checkpoint_every < 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".checkpoint_every must be >= 0"));
  }
  if (out->log_every < 1)
    return absl::InvalidArgumentError(absl::StrCat(path, ".log_every must be >= 1"));
  if (out->keep_checkpoints < 1) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".keep_checkpoints must be >= 1"));
  }
  if (absl::StatusOr<at::MemoryFormat> format = ParseMemoryFormat(out->memory_format);
      !format.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".", format.status().message()));
  }
  if (out->precision != "fp32" && out->precision != "bf16" && out->precision != "fp16") {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".precision: '", out->precision, "' is not one of fp32, bf16, fp16"));
  }
  return absl::OkStatus();
}

Json TrainerOptionsToJson(const TrainerOptions& o) {
  return {{"epochs", o.epochs},
          {"max_steps", o.max_steps},
          {"log_every", o.log_every},
          {"output_dir", o.output_dir},
          {"checkpoint_every", o.checkpoint_every},
          {"keep_checkpoints", o.keep_checkpoints},
          {"resume", o.resume},
          {"precision", o.precision},
          {"device", o.device},
          {"memory_format", o.memory_format},
          {"progress", o.progress}};
}

Trainer::AutocastGuard::AutocastGuard(Precision precision) : precision_(precision) {
  if (precision_ == Precision::kFloat32) return;
  // bf16 on CPU, fp16 on CUDA (the trainer checks the pairing).
  const c10::DeviceType type =
      precision_ == Precision::kBFloat16 ? c10::DeviceType::CPU : c10::DeviceType::CUDA;
  previous_ = IsAutocastEnabled(type);
  SetAutocastEnabled(type, true);
  SetAutocastDtype(type, precision_ == Precision::kBFloat16 ? at::kBFloat16 : at::kHalf);
}

Trainer::AutocastGuard::~AutocastGuard() {
  if (precision_ == Precision::kFloat32) return;
  SetAutocastEnabled(
      precision_ == Precision::kBFloat16 ? c10::DeviceType::CPU : c10::DeviceType::CUDA,
      previous_);
  if (!previous_) at::autocast::clear_cache();
}

void Trainer::backward(const at::Tensor& loss) {
  if (scaler_ != nullptr) {
    scaler_->scale(loss).backward();
  } else {
    loss.backward();
  }
}

Trainer::Trainer(TrainerOptions options, std::shared_ptr<torch::nn::Module> model,
                 BatchSource* train, Distributed* distributed)
    : options_(std::move(options)),
      model_(std::move(model)),
      train_(train),
      distributed_(distributed) {}

Trainer::~Trainer() = default;

void Trainer::add_callback(std::shared_ptr<Callback> callback) {
  callbacks_.push_back(std::move(callback));
}

void Trainer::add_optimizer(const std::string& name, torch::optim::Optimizer* optimizer,
                            std::shared_ptr<LrSchedule> schedule) {
  optimizers_.push_back({name, optimizer, std::move(schedule)});
}

void Trainer::step(torch::optim::Optimizer& optimizer, double clip_norm) {
  std::vector<at::Tensor> params, grads;
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      params.push_back(p);
      grads.push_back(p.grad());
    }
  }
  if (distributed_ != nullptr) distributed_->all_reduce_mean(grads);
  bool finite = scaler_ == nullptr || scaler_->unscale(grads);
  if (scaler_ != nullptr) scaler_->update(finite);
  if (finite) {  // an fp16 overflow skips the step
    if (clip_norm > 0 && !params.empty()) torch::nn::utils::clip_grad_norm_(params, clip_norm);
    optimizer.step();
  }
  // No gradient survives a step: parameters off the next sampled path get
  // no update at all (no momentum, no weight decay), and a resumed run,
  // which starts without gradients, continues exactly.
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) p.mutable_grad().reset();
  }
}

void Trainer::sync_decisions(Mutator& mutator) {
  if (distributed_ == nullptr || distributed_->world_size() == 1) return;
  Decisions decisions = mutator.decisions();
  std::vector<at::Tensor> flat;
  for (const auto& [key, mask] : decisions) flat.push_back(mask.to(at::kFloat).cpu().reshape({-1}));
  at::Tensor buffer = at::cat(flat);
  distributed_->broadcast({buffer}, 0);
  int64_t offset = 0;
  for (auto& [key, mask] : decisions) {
    at::Tensor values = buffer.narrow(0, offset, mask.numel()).to(mask.device());
    offset += mask.numel();
    mask = mask.scalar_type() == at::kBool ? values > 0.5 : values.to(mask.scalar_type());
  }
  mutator.set_decisions(std::move(decisions));
}

std::vector<std::string> Trainer::checkpoint_files() const {
  if (options_.output_dir.empty()) return {};
  return ListCheckpoints(CheckpointDir(options_));
}

CheckpointState Trainer::checkpoint_state() {
  CheckpointState state;
  state.epoch = epoch_;
  state.batch = start_batch_;
  state.step = global_step_;
  state.model = model_.get();
  state.mutator = mutator_;
  for (const auto& entry : optimizers_) state.optimizers.emplace_back(entry.name, entry.optimizer);
  state.running_sum = &running_sum_;
  state.running_count = &running_count_;
  state.scaler = scaler_.get();
  state.device = device_;
  state.save_extra = [this](torch::serialize::OutputArchive& a) { save_extra(a); };
  state.load_extra = [this](torch::serialize::InputArchive& a) { load_extra(a); };
  return state;
}

absl::Status Trainer::setup_outputs() {
  if (options_.output_dir.empty() || !is_main()) return absl::OkStatus();
  NAS_RETURN_IF_ERROR(MakeDirs(options_.output_dir));
  if (!options_.resume && !checkpoint_files().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(options_.output_dir,
                     " already holds checkpoints: pass --resume to continue that run, "
                     "or choose another --output_dir"));
  }
  NAS_ASSIGN_OR_RETURN(tensorboard_,
                       TensorBoardWriter::Create(JoinPath(options_.output_dir, "tensorboard")));
  return absl::OkStatus();
}

absl::Status Trainer::save_checkpoint(int64_t next_epoch, int64_t next_batch) {
  if (options_.output_dir.empty() || !is_main()) return absl::OkStatus();
  CheckpointState state = checkpoint_state();
  state.epoch = next_epoch;
  state.batch = next_batch;
  return SaveCheckpoint(CheckpointDir(options_), state, options_.keep_checkpoints);
}

absl::Status Trainer::restore(const std::string& path) {
  CheckpointState state = checkpoint_state();
  NAS_RETURN_IF_ERROR(LoadCheckpoint(path, &state));
  epoch_ = state.epoch;
  start_batch_ = state.batch;
  global_step_ = state.step;
  return absl::OkStatus();
}

absl::Status Trainer::restore_latest() {
  std::vector<std::string> files = checkpoint_files();
  if (files.empty()) {
    // Killed before its first checkpoint: start from the beginning, without
    // the dead run's log lines.
    LOG(WARNING) << "--resume: no checkpoint in " << CheckpointDir(options_)
                 << " yet: starting from the beginning";
  } else {
    NAS_RETURN_IF_ERROR(restore(files.back()));
    LOG(INFO) << "resumed from " << files.back() << " (epoch " << epoch_ << ", batch "
              << start_batch_ << ", step " << global_step_ << ")";
  }
  if (!is_main()) return absl::OkStatus();
  // What was logged after the checkpoint will be logged again.
  NAS_RETURN_IF_ERROR(
      FilterJsonLines(JoinPath(options_.output_dir, "metrics.jsonl"), [&](const Json& j) {
        return JsonIntegerOr(j, "step", 0) <= global_step_ && !files.empty();
      }));
  for (const std::string& name : epoch_logs_) {
    NAS_RETURN_IF_ERROR(FilterJsonLines(JoinPath(options_.output_dir, name), [&](const Json& j) {
      return JsonIntegerOr(j, "epoch", 0) < epoch_ && !files.empty();
    }));
  }
  return absl::OkStatus();
}

absl::Status Trainer::log(const std::string& split, const Metrics& metrics) {
  // Before fit() has set up the outputs there is nowhere to write.
  if (options_.output_dir.empty() || !is_main() || tensorboard_ == nullptr) return absl::OkStatus();
  Json line = {{"split", split}, {"epoch", epoch_}, {"step", global_step_}, {"time", WallTime()}};
  for (const auto& [name, value] : metrics) {
    line[name] = value;
    NAS_RETURN_IF_ERROR(tensorboard_->add_scalar(split + "/" + name, value, global_step_));
  }
  NAS_RETURN_IF_ERROR(tensorboard_->flush());
  FILE* f = fopen(JoinPath(options_.output_dir, "metrics.jsonl").c_str(), "a");
  if (f == nullptr) return absl::InternalError("cannot append to metrics.jsonl");
  fprintf(f, "%s\n", line.dump().c_str());
  fclose(f);
  return absl::OkStatus();
}

void Trainer::show_progress(int64_t batch_index, int64_t batches, const Metrics& metrics,
                            bool final) {
  if (!is_main()) return;
  double elapsed = Now() - epoch_start_time_;
  double rate = elapsed > 0 ? (batch_index + 1 - start_batch_) / elapsed : 0;
  double eta = rate > 0 ? (batches - batch_index - 1) / rate : 0;
  if (tty_) {
    const int width = 24;
    int filled = static_cast<int>(width * (batch_index + 1) / std::max<int64_t>(batches, 1));
    fprintf(stderr, "\repoch %lld/%lld [%s%s] %lld/%lld %.1f it/s ETA %d:%02d%s\033[K",
            static_cast<long long>(epoch_ + 1), static_cast<long long>(options_.epochs),
            std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
            static_cast<long long>(batch_index + 1), static_cast<long long>(batches), rate,
            static_cast<int>(eta) / 60, static_cast<int>(eta) % 60, FormatMetrics(metrics).c_str());
    if (final) fprintf(stderr, "\n");
  } else {
    fprintf(stderr, "epoch %lld/%lld step %lld batch %lld/%lld%s %.1f it/s\n",
            static_cast<long long>(epoch_ + 1), static_cast<long long>(options_.epochs),
            static_cast<long long>(global_step_), static_cast<long long>(batch_index + 1),
            static_cast<long long>(batches), FormatMetrics(metrics).c_str(), rate);
  }
}

absl::Status Trainer::fit() {
  return CatchExceptions([this] { return run(); });
}

absl::Status Trainer::run() {
  TrainerOptions checked = options_;
  NAS_RETURN_IF_ERROR(
      TrainerOptionsFromJson(TrainerOptionsToJson(options_), "trainer options", &checked));
  precision_ = options_.precision == "bf16"   ? Precision::kBFloat16
               : options_.precision == "fp16" ? Precision::kFloat16
                                              : Precision::kFloat32;
  absl::Status device_ok = CatchExceptions([&] {
    device_ = at::Device(options_.device);
    return absl::OkStatus();
  });
  if (!device_ok.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("device '", options_.device, "' is not cpu, cuda or cuda:N"));
  }
  if (device_.is_cuda() && !torch::cuda::is_available()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "device '", options_.device,
        "': CUDA is not available (no GPU, or a CPU-only LibTorch); use --device=cpu"));
  }
  if (precision_ == Precision::kFloat16 && !device_.is_cuda()) {
    return absl::InvalidArgumentError("precision fp16 needs --device=cuda; on CPU use bf16");
  }
  if (precision_ == Precision::kBFloat16 && !device_.is_cpu()) {
    return absl::InvalidArgumentError("precision bf16 is for CPU; on CUDA use fp16");
  }
  if (precision_ == Precision::kFloat16) scaler_ = std::make_unique<LossScaler>();
  memory_format_ = *ParseMemoryFormat(options_.memory_format);
  model_->to(device_);
  ToMemoryFormat(*model_, memory_format_);
  tty_ = options_.progress && isatty(STDERR_FILENO);
  NAS_RETURN_IF_ERROR(setup_outputs());
  if (options_.resume) {
    NAS_RETURN_IF_ERROR(restore_latest());
  } else if (distributed_ != nullptr && distributed_->world_size() > 1) {
    // Every rank starts from rank 0's weights.
    std::vector<at::Tensor> state;
    for (auto& p : model_->parameters()) state.push_back(p.detach());
    for (auto& b : model_->buffers()) state.push_back(b);
    distributed_->broadcast(state, 0);
  }
  const int64_t per_epoch = train_->batches_per_epoch();
  bool stop = (options_.max_steps > 0 && global_step_ >= options_.max_steps) || stop_requested();
  for (; epoch_ < options_.epochs && !stop; ++epoch_) {
    for (auto& c : callbacks_) c->on_epoch_begin(*this, epoch_);
    train_->start_epoch(epoch_, start_batch_);
    epoch_start_time_ = Now();
    model_->train();
    Metrics shown;
    while (std::optional<Batch> batch = train_->next()) {
      if (!device_.is_cpu()) {
        batch->data = batch->data.to(device_, /*non_blocking=*/true);
        batch->target = batch->target.to(device_, /*non_blocking=*/true);
      }
      batch->data = InMemoryFormat(batch->data, memory_format_);
      for (const auto& entry : optimizers_) {
        if (entry.schedule) {
          SetLearningRate(*entry.optimizer, entry.schedule->lr(epoch_, batch->index, per_epoch));
        }
      }
      for (auto& c : callbacks_) c->on_batch_begin(*this, *batch);
      Metrics metrics = train_step(*batch);
      ++global_step_;
      if (auto loss = metrics.find("loss"); loss != metrics.end() && !std::isfinite(loss->second)) {
        return absl::FailedPreconditionError(absl::StrCat(
            "step ", global_step_, " (epoch ", epoch_ + 1, "): the training loss is ", loss->second,
            ": the run diverged; lower the learning rate (or check the data). Checkpoints before "
            "this step are kept"));
      }
      for (const auto& [name, value] : metrics) running_sum_[name] += value;
      ++running_count_;
      for (auto& c : callbacks_) c->on_batch_end(*this, *batch, metrics);
      const bool last = batch->index + 1 == per_epoch;
      stop = (options_.max_steps > 0 && global_step_ >= options_.max_steps) || stop_requested();
      if (global_step_ % options_.log_every == 0 || last) {
        Metrics mean;
        for (const auto& [name, sum] : running_sum_) {
          double local = sum / running_count_;
          mean[name] = distributed_ != nullptr ? distributed_->all_reduce_mean(local) : local;
        }
        if (!optimizers_.empty()) mean["lr"] = GetLearningRate(*optimizers_[0].optimizer);
        running_sum_.clear();
        running_count_ = 0;
        NAS_RETURN_IF_ERROR(log("train", mean));
        shown = mean;
        if (!tty_) show_progress(batch->index, per_epoch, shown, last);
      }
      if (tty_) show_progress(batch->index, per_epoch, shown, last || stop);
      if (stop) {
        NAS_RETURN_IF_ERROR(save_checkpoint(epoch_, batch->index + 1));
        break;
      }
      if (options_.checkpoint_every > 0 && global_step_ % options_.checkpoint_every == 0 && !last) {
        NAS_RETURN_IF_ERROR(save_checkpoint(epoch_, batch->index + 1));
      }
    }
    start_batch_ = 0;
    if (stop) break;
    NAS_ASSIGN_OR_RETURN(Metrics valid, run_validation());
    if (!valid.empty() && is_main()) {
      fprintf(stderr, "epoch %lld/%lld valid%s\n", static_cast<long long>(epoch_ + 1),
              static_cast<long long>(options_.epochs), FormatMetrics(valid).c_str());
    }
    for (auto& c : callbacks_) c->on_epoch_end(*this, epoch_, valid);
    NAS_RETURN_IF_ERROR(save_checkpoint(epoch_ + 1, 0));
  }
  return absl::OkStatus();
}

absl::StatusOr<Metrics> Trainer::run_validation() {
  const bool was_training = model_->is_training();
  model_->eval();
  Metrics valid = validate(epoch_);
  model_->train(was_training);
  for (auto& [name, value] : valid) {
    if (distributed_ != nullptr) value = distributed_->all_reduce_mean(value);
  }
  last_validation_ = valid;
  validated_step_ = global_step_;
  if (!valid.empty()) NAS_RETURN_IF_ERROR(log("valid", valid));
  return valid;
}

absl::StatusOr<Metrics> Trainer::validate_now() {
  if (validated_step_ == global_step_) return last_validation_;
  Metrics valid;
  NAS_RETURN_IF_ERROR(CatchExceptions([&]() -> absl::Status {
    NAS_ASSIGN_OR_RETURN(valid, run_validation());
    return absl::OkStatus();
  }));
  if (!valid.empty() && is_main()) {
    fprintf(stderr, "step %lld valid%s\n", static_cast<long long>(global_step_),
            FormatMetrics(valid).c_str());
  }
  return valid;
}

}  // namespace nas
