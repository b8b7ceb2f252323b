// --export, the flag of every retraining binary that ships its model
// (nas/export): TorchScript and a PyTorch state dict written beside
// model.pt after training. Defined once here; a retrain main links this
// library and passes ExportRequested() to its job.
#ifndef NAS_JOBS_EXPORT_FLAG_H_
#define NAS_JOBS_EXPORT_FLAG_H_

namespace nas {

// True when --export was given.
bool ExportRequested();

}  // namespace nas

#endif  // NAS_JOBS_EXPORT_FLAG_H_
