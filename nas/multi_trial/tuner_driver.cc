#include "nas/multi_trial/tuner_driver.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nas/base/file.h"
#include "nas/base/json_lines.h"
#include "nas/base/logging.h"
#include "nas/base/status.h"
#include "nas/core/architecture.h"
#include "nas/core/parameters.h"

namespace nas {
namespace {

constexpr int kHistoryVersion = 1;

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string FormatDuration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds);
  if (s < 60) return absl::StrFormat("%.1fs", seconds);
  if (s < 3600) return absl::StrFormat("%dm%02ds", s / 60, s % 60);
  return absl::StrFormat("%dh%02dm", s / 3600, (s / 60) % 60);
}

std::string HistoryPath(const std::string& output_dir) {
  return JoinPath(output_dir, "history.jsonl");
}

struct Finished {
  int64_t id;
  TrialOutcome outcome;
  double start_time;
  double end_time;
};

// The search's state and the bookkeeping shared by replay and live runs.
class Search {
 public:
  Search(const TunerDriverOptions& options, const SearchSpace& space, Tuner* tuner,
         const TrialObserver& observer)
      : options_(options), space_(space), tuner_(tuner), observer_(observer) {}

  absl::Status replay(const std::vector<Json>& records, const Json& config);
  absl::Status run(Evaluator* evaluator, JsonLinesWriter* history);
  std::vector<int64_t> pending_ids() const {
    std::vector<int64_t> ids;
    for (const auto& entry : pending_) ids.push_back(entry.first);
    return ids;
  }
  // "trial N: why" of the last failed trial of this run ("" when none).
  const std::string& last_failure() const { return last_failure_; }
  SearchSummary summary() const {
    SearchSummary s = summary_;
    s.elapsed_seconds = elapsed();
    return s;
  }

 private:
  double elapsed() const {
    return base_elapsed_ +
           std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start_).count();
  }
  void propose(int64_t id, const Json& parameters);
  absl::Status finish(int64_t id, TrialStatus status, const TrialReport& report);
  absl::Status write_best() const;
  void log_progress(const Finished& f, size_t running) const;

  const TunerDriverOptions& options_;
  const SearchSpace& space_;
  Tuner* tuner_;
  const TrialObserver& observer_;

  SearchSummary summary_;
  std::map<int64_t, Json> pending_;  // proposed, not finished
  // Pending trials killed from outside in this run: recorded as failed,
  // not rerun before a resume, not reported to the tuner.
  std::set<int64_t> interrupted_;
  int64_t next_id_ = 0;
  int consecutive_failures_ = 0;
  std::string last_failure_;
  bool replaying_ = false;
  double base_elapsed_ = 0;
  std::chrono::steady_clock::time_point run_start_ = std::chrono::steady_clock::now();
};

void Search::propose(int64_t id, const Json& parameters) {
  pending_[id] = parameters;
  next_id_ = std::max(next_id_, id + 1);
  ++summary_.proposed;
}

absl::Status Search::finish(int64_t id, TrialStatus status, const TrialReport& report) {
  auto it = pending_.find(id);
  if (it == pending_.end())
    return absl::InternalError(absl::StrCat("trial ", id, " finished twice"));
  Json parameters = std::move(it->second);
  pending_.erase(it);
  if (status == TrialStatus::kSucceeded) {
    consecutive_failures_ = 0;
    ++summary_.succeeded;
    NAS_RETURN_IF_ERROR(Annotate(tuner_->receive_trial_result(id, parameters, report.final_value),
                                 absl::StrCat("the tuner rejected the result of trial ", id)));
    tuner_->trial_end(id, true);
    if (summary_.best_trial < 0 || report.final_value > summary_.best_value) {
      summary_.best_trial = id;
      summary_.best_value = report.final_value;
      summary_.best_parameters = parameters;
      if (!replaying_) NAS_RETURN_IF_ERROR(write_best());
    }
  } else {
    ++consecutive_failures_;
    ++summary_.failed;
    tuner_->trial_end(id, false);
  }
  return absl::OkStatus();
}

absl::Status Search::write_best() const {
  if (summary_.best_trial < 0) return absl::OkStatus();
  NAS_ASSIGN_OR_RETURN(Architecture arch,
                       ArchitectureFromParameters(summary_.best_parameters, space_));
  return WriteArchitecture(JoinPath(options_.output_dir, "best_architecture.json"), arch);
}

absl::Status Search::replay(const std::vector<Json>& records, const Json& config) {
  const std::string path = HistoryPath(options_.output_dir);
  const Json& header = records[0];
  if (header.value("event", "") != "search") {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":1: not a search history (no \"search\" line)"));
  }
  if (header.value("version", 0) != kHistoryVersion) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": history version ",
                                                   header.value("version", 0),
                                                   ", this driver reads ", kHistoryVersion));
  }
  if (header["config"] != config) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " belongs to another search: its config is ", header["config"].dump(),
        ", this one is ", config.dump(), "; use another --output_dir or the same settings"));
  }
  if (header["search_space"] != space_.to_json()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " was written for another search space; use another --output_dir"));
  }
  replaying_ = true;
  bool warned = false;
  for (size_t i = 1; i < records.size(); ++i) {
    const Json& r = records[i];
    std::string where = absl::StrCat(path, ":", i + 1);
    std::string event = r.value("event", "");
    if (r.contains("elapsed_s") && r["elapsed_s"].is_number()) {
      base_elapsed_ = std::max(base_elapsed_, r["elapsed_s"].get<double>());
    }
    if (event == "resumed") continue;
    if (event != "proposed" && event != "finished") {
      return absl::InvalidArgumentError(absl::StrCat(where, ": unknown event '", event, "'"));
    }
    int64_t id = -1;
    NAS_RETURN_IF_ERROR(JsonGet(r.value("trial", Json()), where + ": $.trial", &id));
    if (event == "proposed") {
      if (pending_.count(id) != 0 || id < next_id_) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": trial ", id, " proposed twice"));
      }
      const Json& parameters = r.value("parameters", Json());
      NAS_RETURN_IF_ERROR(Annotate(ArchitectureFromParameters(parameters, space_).status(), where));
      absl::StatusOr<Json> regenerated = tuner_->generate_parameters(id);
      if ((!regenerated.ok() || *regenerated != parameters) && !warned) {
        LOG(WARNING) << where << ": the tuner now proposes other parameters for trial " << id
                     << " than it did (a different build or a nondeterministic tuner); "
                        "continuing with the recorded ones";
        warned = true;
      }
      propose(id, parameters);
    } else {
      if (pending_.count(id) == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": trial ", id, " finished but was not running"));
      }
      std::string status_name;
      NAS_RETURN_IF_ERROR(JsonGet(r.value("status", Json()), where + ": $.status", &status_name));
      absl::StatusOr<TrialStatus> parsed = TrialStatusFromName(status_name);
      if (!parsed.ok()) return Annotate(parsed.status(), where);
      TrialStatus status = *parsed;
      bool interrupted = false;
      if (r.contains("interrupted")) {
        NAS_RETURN_IF_ERROR(JsonGet(r["interrupted"], where + ": $.interrupted", &interrupted));
      }
      if (interrupted) {
        if (status != TrialStatus::kFailed) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ": trial ", id, " is interrupted but ", status_name));
        }
        continue;  // killed from outside: it stays pending, and runs again
      }
      TrialReport report;
      if (status == TrialStatus::kSucceeded) {
        NAS_RETURN_IF_ERROR(
            JsonGet(r.value("value", Json()), where + ": $.value", &report.final_value));
      }
      NAS_RETURN_IF_ERROR(finish(id, status, report));
    }
  }
  replaying_ = false;
  return write_best();
}

void Search::log_progress(const Finished& f, size_t running) const {
  std::string what =
      f.outcome.status == TrialStatus::kSucceeded
          ? absl::StrFormat("%.6g", f.outcome.report.final_value)
          : absl::StrCat(TrialStatusName(f.outcome.status), " (", f.outcome.message, ")");
  std::string best =
      summary_.best_trial < 0
          ? "none yet"
          : absl::StrFormat("%.6g (trial %d)", summary_.best_value, summary_.best_trial);
  LOG(INFO) << "trial " << f.id << ": " << what << " in "
            << FormatDuration(f.end_time - f.start_time) << " | "
            << summary_.succeeded + summary_.failed << "/" << options_.max_trials << " done, "
            << running << " running, " << summary_.failed << " failed | best " << best << " | "
            << FormatDuration(elapsed());
}

absl::Status Search::run(Evaluator* evaluator, JsonLinesWriter* history) {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Finished> done;
  std::map<int64_t, std::thread> threads;
  std::deque<int64_t> reruns;
  for (const auto& [id, parameters] : pending_) reruns.push_back(id);

  auto start = [&](int64_t id) {
    TrialRequest request{id, pending_.at(id), TrialSeed(options_.seed, id)};
    threads.emplace(id, std::thread([&, request] {
                      double start_time = UnixNow();
                      TrialOutcome outcome;
                      try {
                        outcome = evaluator->evaluate(request);
                      } catch (...) {
                        outcome.status = TrialStatus::kFailed;
                        outcome.message = CurrentExceptionMessage();
                      }
                      double end_time = UnixNow();
                      std::lock_guard<std::mutex> lock(mu);
                      done.push_back({request.id, std::move(outcome), start_time, end_time});
                      cv.notify_one();
                    }));
  };

  absl::Status error;
  bool stop_proposing = false;
  while (true) {
    while (error.ok() && threads.size() < static_cast<size_t>(options_.parallel)) {
      if (!reruns.empty()) {
        start(reruns.front());
        reruns.pop_front();
        continue;
      }
      if (stop_proposing) break;
      if (summary_.proposed >= options_.max_trials) {
        stop_proposing = true;
        break;
      }
      if (options_.max_duration_seconds > 0 && elapsed() >= options_.max_duration_seconds) {
        LOG(INFO) << "time budget of " << FormatDuration(options_.max_duration_seconds)
                  << " spent; finishing the running trials";
        stop_proposing = true;
        break;
      }
      if (options_.budget_spent && options_.budget_spent()) {
        LOG(INFO) << "the search's budget is spent; finishing the running trials";
        stop_proposing = true;
        break;
      }
      int64_t id = next_id_;
      absl::StatusOr<Json> parameters = tuner_->generate_parameters(id);
      if (absl::IsUnavailable(parameters.status())) {
        if (threads.empty() && !interrupted_.empty()) {
          error = absl::FailedPreconditionError(
              absl::StrCat("the tuner waits for results (", parameters.status().message(),
                           ") and the trials it waits for were killed from outside the search (",
                           absl::StrJoin(interrupted_, ", "), "); --resume runs them again"));
        } else if (threads.empty()) {
          error = absl::InternalError(absl::StrCat("the tuner waits for results (",
                                                   parameters.status().message(),
                                                   ") but no trial is running"));
        }
        break;  // ask again once a running trial has finished
      }
      if (absl::IsOutOfRange(parameters.status())) {
        LOG(INFO) << "the tuner has nothing left to propose: " << parameters.status().message();
        summary_.tuner_exhausted = true;
        stop_proposing = true;
        break;
      }
      if (parameters.ok()) {
        absl::Status valid = ArchitectureFromParameters(*parameters, space_).status();
        if (!valid.ok()) {
          parameters =
              Annotate(valid, absl::StrCat("it proposed invalid parameters for trial ", id));
        }
      }
      if (!parameters.ok()) {
        error = Annotate(parameters.status(), "tuner");
        break;
      }
      error = history->append({{"event", "proposed"},
                               {"trial", id},
                               {"parameters", *parameters},
                               {"time", UnixNow()},
                               {"elapsed_s", elapsed()}});
      if (!error.ok()) break;
      propose(id, *parameters);
      start(id);
    }
    if (threads.empty()) break;

    Finished f;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !done.empty(); });
      f = std::move(done.front());
      done.pop_front();
    }
    threads.at(f.id).join();
    threads.erase(f.id);
    if (!error.ok()) continue;  // draining after an error: nothing more is recorded

    const TrialOutcome& o = f.outcome;
    if (o.driver_error) {
      error = absl::InternalError(absl::StrCat("trial ", f.id, " could not be run: ", o.message,
                                               " (the trial stays pending: --resume reruns it)"));
      continue;
    }
    const bool interrupted = o.interrupted && o.status == TrialStatus::kFailed;
    Json line = {
        {"event", "finished"},
        {"trial", f.id},
        {"status", TrialStatusName(o.status)},
        {"value", o.status == TrialStatus::kSucceeded ? Json(o.report.final_value) : Json()},
        {"intermediate", o.report.intermediate},
        {"metrics", o.report.metrics},
        {"message", o.message},
        {"start_time", f.start_time},
        {"end_time", f.end_time},
        {"duration_s", f.end_time - f.start_time},
        {"elapsed_s", elapsed()}};
    if (interrupted) line["interrupted"] = true;
    error = history->append(line);
    if (!error.ok()) continue;
    if (interrupted) {
      // Failed for this run; still pending for the tuner and for a resume.
      interrupted_.insert(f.id);
      ++summary_.failed;
      ++summary_.interrupted;
      ++consecutive_failures_;
    } else {
      error = finish(f.id, o.status, o.report);
      if (!error.ok()) continue;
    }
    if (o.status != TrialStatus::kSucceeded)
      last_failure_ = absl::StrCat("trial ", f.id, ": ", o.message);
    log_progress(f, threads.size());
    if (observer_) observer_(line, summary());
    if (options_.max_consecutive_failures > 0 &&
        consecutive_failures_ >= options_.max_consecutive_failures) {
      error = absl::FailedPreconditionError(absl::StrCat(
          consecutive_failures_, " trials failed in a row, stopping the search; the last one, ",
          last_failure_));
    }
  }
  if (!interrupted_.empty()) {
    LOG(WARNING) << interrupted_.size() << " trial(s) killed from outside the search ("
                 << absl::StrJoin(interrupted_, ", ") << "): --resume runs them again";
  }
  return error;
}

}  // namespace

absl::Status ValidateTunerDriverOptions(const TunerDriverOptions& o) {
  if (o.output_dir.empty())
    return absl::InvalidArgumentError("the search needs an output directory");
  if (o.max_trials < 1) return absl::InvalidArgumentError("max_trials must be >= 1");
  if (!(o.max_duration_seconds >= 0) || !std::isfinite(o.max_duration_seconds))
    return absl::InvalidArgumentError("max_duration must be a finite number >= 0 (0 = none)");
  if (o.parallel < 1 || o.parallel > 1024)
    return absl::InvalidArgumentError("parallel must be in [1, 1024]");
  if (o.max_consecutive_failures < 0) {
    return absl::InvalidArgumentError("max_consecutive_failures must be >= 0 (0 = never stop)");
  }
  return absl::OkStatus();
}

Json SearchSummaryToJson(const SearchSummary& s) {
  return {{"proposed", s.proposed},
          {"succeeded", s.succeeded},
          {"failed", s.failed},
          {"interrupted", s.interrupted},
          {"best_trial", s.best_trial < 0 ? Json() : Json(s.best_trial)},
          {"best_value", s.best_trial < 0 ? Json() : Json(s.best_value)},
          {"best_parameters", s.best_parameters},
          {"elapsed_s", s.elapsed_seconds},
          {"tuner_exhausted", s.tuner_exhausted}};
}

absl::StatusOr<std::vector<Json>> ReadSearchHistory(const std::string& output_dir) {
  return ReadJsonLines(HistoryPath(output_dir), /*repair=*/false);
}

absl::StatusOr<SearchSummary> RunSearch(const TunerDriverOptions& options, const SearchSpace& space,
                                        const Json& config, Tuner* tuner, Evaluator* evaluator,
                                        const TrialObserver& observer) {
  NAS_RETURN_IF_ERROR(ValidateTunerDriverOptions(options));
  NAS_RETURN_IF_ERROR(Annotate(tuner->update_search_space(space), "tuner"));
  NAS_RETURN_IF_ERROR(MakeDirs(options.output_dir));
  const std::string path = HistoryPath(options.output_dir);
  NAS_ASSIGN_OR_RETURN(std::vector<Json> records, ReadJsonLines(path, /*repair=*/options.resume));
  if (!records.empty() && !options.resume) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, " already holds a search; resume it (--resume) or choose another output directory"));
  }
  if (records.empty() && options.resume) {
    return absl::FailedPreconditionError(
        absl::StrCat("--resume: ", path, FileExists(path) ? " is empty" : " does not exist",
                     ": there is no search to resume (start one without --resume)"));
  }
  Search search(options, space, tuner, observer);
  NAS_ASSIGN_OR_RETURN(std::unique_ptr<JsonLinesWriter> history, JsonLinesWriter::Open(path));
  if (records.empty()) {
    NAS_RETURN_IF_ERROR(history->append({{"event", "search"},
                                         {"version", kHistoryVersion},
                                         {"config", config},
                                         {"search_space", space.to_json()},
                                         {"time", UnixNow()}}));
  } else {
    NAS_RETURN_IF_ERROR(search.replay(records, config));
    SearchSummary s = search.summary();
    LOG(INFO) << "resuming " << path << ": " << s.succeeded + s.failed << " trials finished, "
              << s.proposed - s.succeeded - s.failed << " to rerun";
    NAS_RETURN_IF_ERROR(history->append(
        {{"event", "resumed"}, {"rerun", search.pending_ids()}, {"time", UnixNow()}}));
  }
  absl::Status status = search.run(evaluator, history.get());
  SearchSummary summary = search.summary();
  NAS_RETURN_IF_ERROR(
      WriteJsonFile(JoinPath(options.output_dir, "summary.json"), SearchSummaryToJson(summary)));
  NAS_RETURN_IF_ERROR(status);
  if (summary.succeeded == 0 && summary.proposed > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("no trial succeeded (", summary.failed, " failed",
                     search.last_failure().empty() ? "" : "; the last one, ", search.last_failure(),
                     "); the trials' logs are in ", JoinPath(options.output_dir, "trials")));
  }
  return summary;
}

}  // namespace nas
