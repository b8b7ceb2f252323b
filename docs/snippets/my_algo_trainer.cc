#include "algorithms/my_algo/my_algo_trainer.h"

#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>

#include "nas/train/classifier_evaluation.h"

namespace nas::my_algo {

MyAlgoTrainer::MyAlgoTrainer(TrainerOptions options, BuiltSpace model, BatchSource* train,
                             BatchSource* valid, double lr)
    : Trainer(options, model.model, train),
      model_(std::move(model)),
      valid_(valid),
      mutator_(std::make_unique<MyAlgoMutator>(model_.model)),
      sgd_(std::make_unique<torch::optim::SGD>(model_.model->parameters(),
                                               torch::optim::SGDOptions(lr).momentum(0.9))) {
  set_mutator(mutator_.get());                                        // checkpoints keep its state
  add_optimizer("sgd", sgd_.get(), CosineLr(lr, 0, options.epochs));  // and the optimizer's
}

Metrics MyAlgoTrainer::train_step(const Batch& batch) {
  mutator_->reset();          // a new architecture for this step
  sync_decisions(*mutator_);  // the same one on every rank
  at::Tensor loss;
  {
    auto guard = autocast();  // bf16 / fp16 when the options ask for it
    loss = torch::nn::functional::cross_entropy(model_.forward(batch.data).to(at::kFloat),
                                                batch.target);
  }
  sgd_->zero_grad();
  backward(loss);                  // scaled in fp16
  step(*sgd_, /*clip_norm=*/5.0);  // averages gradients over ranks, clips, steps
  return {{"loss", loss.item<double>()}};
}

Metrics MyAlgoTrainer::validate(int64_t epoch) {
  ClassifierScore score = EvaluateClassifier(model_.forward, *valid_, 0,
                                             [&] { mutator_->reset(); });  // a path per batch
  return {{"loss", score.loss}, {"accuracy", score.accuracy}};
}

}  // namespace nas::my_algo
