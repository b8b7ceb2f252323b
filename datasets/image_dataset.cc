#include "datasets/image_dataset.h"

#include <ATen/ATen.h>

namespace nas::datasets {

ImageDataset ImageDataset::subset(const at::Tensor& indices) const {
  ImageDataset out = *this;
  out.images = images.index_select(0, indices);
  out.labels = labels.index_select(0, indices);
  return out;
}

Registry<DatasetFactory>& DatasetRegistry() {
  static auto* registry = new Registry<DatasetFactory>("dataset");
  return *registry;
}

}  // namespace nas::datasets
