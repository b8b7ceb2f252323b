// The supernet job with a test algorithm plugged in: its files, an exact
// resume of a stopped run, the package's hooks, and the errors of each step.
// Also the second phase on the trained supernet (supernet_search.h).
#include "nas/jobs/supernet_job.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/module.h>

#include "nas/base/file.h"
#include "nas/base/status.h"
#include "nas/core/fixed_architecture.h"
#include "nas/jobs/supernet_search.h"
#include "nas/testing/job_fixtures.h"
#include "nas/testing/status_matchers.h"

namespace nas {
namespace {

using ::nas::testing::StatusIs;
using ::testing::HasSubstr;

std::string Dir(const std::string& name) { return JoinPath(std::getenv("TEST_TMPDIR"), name); }

SupernetJobOptions Options() {
  SupernetJobOptions o;
  o.space = testing::kTestingSpace;
  o.data.dataset = "synthetic";
  o.data.synthetic_size = 320;
  o.data.batch_size = 32;
  o.data.workers = 0;
  o.trainer.epochs = 2;
  o.trainer.progress = false;
  o.seed = 7;
  return o;
}

class TestSearch : public SupernetSearch {
 public:
  explicit TestSearch(SupernetInputs& in)
      : space_(in.space),
        train_(TrainLoader(in.data.train, in.data_options, in.seed, in.rank(), in.world_size())),
        valid_(EvalLoader(in.data.valid, in.data_options)),
        trainer_(in.trainer, {}, in.space, train_.get(), valid_.get(), in.seed, in.distributed) {}
  Trainer& trainer() override { return trainer_; }
  std::optional<Architecture> exported() override {
    return trainer_.mutator().export_architecture();
  }
  absl::Status write_results(const std::string& dir) override {
    return WriteJsonFile(JoinPath(dir, "extra.json"), Json{{"steps", trainer_.global_step()}});
  }
  absl::StatusOr<SearchSummary> search(const SupernetSearchOptions& o, const std::string& dir) {
    return SearchOnSupernet(o, space_, trainer_.mutator(), train_.get(), valid_.get(), dir, false,
                            1);
  }

 private:
  BuiltSpace space_;
  std::unique_ptr<datasets::DataLoader> train_, valid_;
  testing::UniformPathTrainer trainer_;
};

SupernetFactory Factory() {
  return [](SupernetInputs& in) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
    return std::make_unique<TestSearch>(in);
  };
}

TEST(SupernetJobTest, TrainsAndWritesTheSupernetAndTheExport) {
  const std::string dir = Dir("full");
  absl::StatusOr<SupernetJobResult> result =
      RunSupernetJob(Options(), Json{{"a", 1}}, dir, false, Factory());
  ASSERT_OK(result);
  EXPECT_TRUE(result->validation.count("accuracy"));
  ASSERT_TRUE(result->architecture.has_value());
  for (const char* f : {"config.json", "metrics.jsonl", "supernet.pt", "arch.json", "extra.json"}) {
    EXPECT_TRUE(FileExists(JoinPath(dir, f))) << f;
  }
  EXPECT_EQ(*ReadJsonFile(JoinPath(dir, "config.json")), Json({{"a", 1}}));
  EXPECT_EQ((*ReadJsonFile(JoinPath(dir, "extra.json")))["steps"], 18);  // 2 epochs of 288 / 32
  // The exported architecture is a plain architecture file of the space.
  EXPECT_OK(ReadArchitecture(JoinPath(dir, "arch.json")));
}

TEST(SupernetJobTest, AStoppedRunResumesToTheSameWeights) {
  SupernetJobOptions o = Options();
  ASSERT_OK(RunSupernetJob(o, Json::object(), Dir("whole"), false, Factory()));
  SupernetJobOptions first = o;
  first.trainer.max_steps = 5;
  ASSERT_OK(RunSupernetJob(first, Json::object(), Dir("parts"), false, Factory()));
  ASSERT_OK(RunSupernetJob(o, Json::object(), Dir("parts"), true, Factory()));
  absl::StatusOr<std::string> a = ReadFile(JoinPath(Dir("whole"), "arch.json"));
  absl::StatusOr<std::string> b = ReadFile(JoinPath(Dir("parts"), "arch.json"));
  ASSERT_OK(a);
  EXPECT_EQ(*a, *b);
  auto whole = (*SpaceRegistry().Lookup(testing::kTestingSpace))(Json::object());
  auto parts = (*SpaceRegistry().Lookup(testing::kTestingSpace))(Json::object());
  ASSERT_OK(LoadWeights(*whole->model, JoinPath(Dir("whole"), "supernet.pt")));
  ASSERT_OK(LoadWeights(*parts->model, JoinPath(Dir("parts"), "supernet.pt")));
  auto pw = parts->model->named_parameters();
  for (const auto& p : whole->model->named_parameters()) {
    EXPECT_TRUE(torch::equal(p.value(), pw[p.key()])) << p.key();
  }
}

TEST(SupernetJobTest, WithoutAnOutputFolderNothingIsWritten) {
  SupernetJobOptions o = Options();
  o.trainer.epochs = 1;
  absl::StatusOr<SupernetJobResult> result =
      RunSupernetJob(o, Json::object(), "", false, Factory());
  ASSERT_OK(result);
  EXPECT_TRUE(result->architecture.has_value());
}

TEST(SupernetJobTest, EachStepsErrorsComeBackAsAStatus) {
  SupernetJobOptions o = Options();
  o.space = "nope";
  EXPECT_THAT(RunSupernetJob(o, Json::object(), Dir("e1"), false, Factory()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("unknown space 'nope'")));
  o = Options();
  o.space_options = {{"channels", 0}};
  EXPECT_THAT(RunSupernetJob(o, Json::object(), Dir("e2"), false, Factory()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("space_options: testing_cnn options.channels")));
  o = Options();
  o.data.dataset = "cifar10";
  o.data.data_dir = Dir("no_cifar");
  EXPECT_THAT(RunSupernetJob(o, Json::object(), Dir("e3"), false, Factory()),
              StatusIs(absl::StatusCode::kNotFound));
  o = Options();
  EXPECT_THAT(
      RunSupernetJob(o, Json::object(), Dir("e4"), false,
                     [](SupernetInputs&) -> absl::StatusOr<std::unique_ptr<SupernetSearch>> {
                       return absl::InvalidArgumentError("bad algorithm options");
                     }),
      StatusIs(absl::StatusCode::kInvalidArgument, "bad algorithm options"));
  EXPECT_THAT(RunSupernetJob(
                  o, Json::object(), Dir("e5"), false, Factory(),
                  [](SupernetSearch&) -> absl::Status { throw std::runtime_error("after fit"); }),
              StatusIs(absl::StatusCode::kInternal, "after fit"));
}

TEST(SupernetSearchTest, ATunerSearchesTheTrainedSupernet) {
  SupernetJobOptions o = Options();
  o.trainer.epochs = 1;
  SupernetSearchOptions search;
  search.tuner = "random";
  search.max_trials = 5;
  search.evaluation.recalibration_batches = 1;
  SearchSummary summary;
  ASSERT_OK(RunSupernetJob(o, Json::object(), Dir("search"), false, Factory(),
                           [&](SupernetSearch& trained) -> absl::Status {
                             NAS_ASSIGN_OR_RETURN(summary, static_cast<TestSearch&>(trained).search(
                                                               search, Dir("search/phase2")));
                             return absl::OkStatus();
                           }));
  EXPECT_EQ(summary.succeeded, 5);
  EXPECT_GE(summary.best_trial, 0);
  EXPECT_TRUE(FileExists(JoinPath(Dir("search/phase2"), "best_architecture.json")));
  EXPECT_TRUE(FileExists(JoinPath(Dir("search/phase2"), "history.jsonl")));
}

TEST(SupernetSearchTest, TunerErrorsBeforeTraining) {
  SupernetSearchOptions o;
  o.tuner = "nope";
  EXPECT_THAT(CheckSupernetSearchTuner(o),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("unknown tuner 'nope'")));
  o.tuner = "random";
  o.tuner_options = {{"dedupe", true}};
  EXPECT_THAT(CheckSupernetSearchTuner(o), StatusIs(absl::StatusCode::kInvalidArgument,
                                                    HasSubstr("tuner_options: unknown member")));
  SupernetSearchOptions parsed;
  EXPECT_THAT(
      SupernetSearchOptionsFromJson(Json::parse(R"({"max_trials": 0})"), "$.s", &parsed),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$.s.max_trials must be >= 1")));
  EXPECT_OK(SupernetSearchOptionsFromJson(SupernetSearchOptionsToJson(SupernetSearchOptions()),
                                          "$.s", &parsed));
}

}  // namespace
}  // namespace nas
