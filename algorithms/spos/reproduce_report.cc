#include "algorithms/spos/reproduce_report.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nas/base/file.h"

namespace nas::spos {

absl::Status WriteReproduceReport(const Json& report, const std::string& path) {
  std::string md = "# SPOS reproduction report\n\n";
  absl::StrAppendFormat(
      &md,
      "Preset `%s`, dataset `%s`, seed %d. Architectures are written as one digit per "
      "choice block (0 = ShuffleNetV2 3x3, 1 = 5x5, 2 = 7x7, 3 = Xception).\n\n",
      report["preset"].get<std::string>(), report["dataset"].get<std::string>(),
      report["seed"].get<int64_t>());
  md +=
      "## Result\n\n| architecture | choices | supernet acc. | test acc. (retrained) | MFLOPs | "
      "params (M) |\n"
      "|---|---|---|---|---|---|\n";
  for (const Json& a : report["architectures"]) {
    absl::StrAppendFormat(&md, "| %s | `%s` | %.4f | %.4f | %.3f | %.4f |\n",
                          a["name"].get<std::string>(), a["choices"].get<std::string>(),
                          a["supernet_accuracy"].get<double>(), a["test_accuracy"].get<double>(),
                          a["flops"].get<double>() / 1e6, a["params"].get<double>() / 1e6);
  }
  const Json& c = report["comparison"];
  absl::StrAppendFormat(
      &md,
      "\nBest found: **%.4f** test accuracy; %d random architectures of the same space and "
      "budget: **%.4f ± %.4f** (mean ± std); difference %+.4f.\n\n",
      c["best_test_accuracy"].get<double>(), c["random_count"].get<int>(),
      c["random_mean"].get<double>(), c["random_std"].get<double>(),
      c["best_test_accuracy"].get<double>() - c["random_mean"].get<double>());
  absl::StrAppendFormat(&md, "The best found ranks %d of %d on test accuracy",
                        c["best_rank"].get<int>(), report["architectures"].size());
  if (c["margin_in_std"].is_number()) {
    const double z = c["margin_in_std"].get<double>();
    absl::StrAppendFormat(
        &md,
        "; its margin over the random mean is %+.2f standard deviations of the random "
        "architectures%s",
        z,
        std::abs(z) < 1 ? " — within the spread of random architectures, so not a "
                          "significant difference at this budget"
                        : "");
  }
  md += ".\n\n";
  if (report["kendall_tau"].is_number()) {
    absl::StrAppendFormat(
        &md,
        "Kendall's tau between supernet accuracy and stand-alone accuracy over these %d "
        "architectures: **%.3f** (1: the supernet ranks them as training does; 0: no "
        "relation). With so few architectures it is a coarse check.\n\n",
        report["architectures"].size(), report["kendall_tau"].get<double>());
  } else {
    md += "Kendall's tau: undefined (" + report["kendall_tau_note"].get<std::string>() + ").\n\n";
  }
  md +=
      "![search curve](search.svg)\n\n![supernet vs stand-alone](ranking.svg)\n\n## Time per "
      "phase\n\n"
      "| phase | seconds |\n|---|---|\n";
  for (auto it = report["seconds"].begin(); it != report["seconds"].end(); ++it) {
    absl::StrAppendFormat(&md, "| %s | %.0f |\n", it.key(), it.value().get<double>());
  }
  const Json& s = report["search"];
  absl::StrAppendFormat(
      &md,
      "\n## Search\n\n%d candidates evaluated over %d generations; best supernet accuracy "
      "%.4f. Per generation (best / mean):\n\n",
      s["candidates"].get<int>(), s["generations"].size(), s["best_value"].get<double>());
  for (size_t g = 0; g < s["generations"].size(); ++g) {
    absl::StrAppendFormat(&md, "* generation %d: %.4f / %.4f\n", g,
                          s["generation_best"][g].get<double>(),
                          s["generation_mean"][g].get<double>());
  }
  md +=
      "\nFiles: `supernet/` (metrics, checkpoints, supernet.pt), `evolution/` (history.jsonl, "
      "best_architecture.json, search.svg, flops.svg), `retrain/*/` (metrics, model.pt, "
      "result.json), "
      "`report.json`.\n";
  return WriteFileAtomically(path, md);
}

}  // namespace nas::spos
