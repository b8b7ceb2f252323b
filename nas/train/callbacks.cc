#include "nas/train/callbacks.h"

#include <c10/util/Exception.h>

#include "absl/strings/str_format.h"
#include "nas/base/file.h"
#include "nas/core/fixed_architecture.h"
#include "nas/core/mutator.h"

namespace nas {

ArchitectureCheckpoint::ArchitectureCheckpoint(Mutator* mutator, std::string dir)
    : mutator_(mutator), dir_(std::move(dir)) {}

void ArchitectureCheckpoint::on_epoch_end(Trainer& trainer, int64_t epoch, const Metrics&) {
  if (!trainer.is_main()) return;
  Architecture arch = mutator_->export_architecture();
  for (const std::string& name :
       {absl::StrFormat("arch_epoch_%03d.json", epoch), std::string("arch_latest.json")}) {
    absl::Status status = WriteArchitecture(JoinPath(dir_, name), arch);
    TORCH_CHECK(status.ok(), std::string(status.message()));
  }
}

ModelCheckpoint::ModelCheckpoint(std::string dir) : dir_(std::move(dir)) {}

void ModelCheckpoint::on_epoch_end(Trainer& trainer, int64_t epoch, const Metrics&) {
  if (!trainer.is_main()) return;
  for (const std::string& name :
       {absl::StrFormat("model_epoch_%03d.pt", epoch), std::string("model_latest.pt")}) {
    absl::Status status = SaveWeights(*trainer.model(), JoinPath(dir_, name));
    TORCH_CHECK(status.ok(), std::string(status.message()));
  }
}

}  // namespace nas
