#include "nas/jobs/export_flag.h"

#include <gflags/gflags.h>

DEFINE_bool(export, false,
            "After training, also write the model without the framework beside model.pt: "
            "model.torchscript.pt (torch.jit.load), model.state_dict.pt (torch.load), "
            "reference.pt and export.json (docs/export.md).");

namespace nas {

bool ExportRequested() { return FLAGS_export; }

}  // namespace nas
