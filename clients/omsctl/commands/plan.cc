// plan submit|validate: plans in from a file, a folder or standard input.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
#include "clients/omsctl/time_arg.h"
#include "clients/omsctl/views.h"
#include "common/file.h"
#include "common/plan_text.h"

namespace betteroms::omsctl {
namespace {

using v1::OrderManager;

absl::StatusOr<std::string> ReadPlanText(const std::string& path);

// A plan's text from a file, or stdin for "-" or no argument. InvalidArgument naming the file
// (and the errno text) when it cannot be read, or when there is nothing to read; InvalidArgument
// too when it is larger than the server takes or is not UTF-8 (CheckPlanText): nothing is sent.
absl::StatusOr<std::string> ReadPlan(const std::string& path) {
  absl::StatusOr<std::string> text = ReadPlanText(path);
  if (!text.ok()) return text;
  if (absl::Status checked = CheckPlanText(*text); !checked.ok()) {
    std::string where = path.empty() || path == "-" ? "standard input" : path;
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", checked.message()));
  }
  return text;
}

absl::StatusOr<std::string> ReadPlanText(const std::string& path) {
  if (path.empty() || path == "-") {
    if (path.empty() && isatty(STDIN_FILENO) != 0) {
      return absl::InvalidArgumentError(
          "give a plan file, or pipe a plan in (omsctl plan submit plan.json)");
    }
    std::string text(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
    if (text.empty()) {
      return absl::InvalidArgumentError(
          "no plan on standard input (give a file, or pipe the plan in)");
    }
    return text;
  }
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("plan file: ", text.status().message()));
  }
  return text;
}

// When a scheduled plan runs, as the server holds it; "" when it cannot be read.
std::string RunAtOf(Client& client, const std::string& plan_id) {
  v1::GetRunRequest req;
  req.set_plan_id(plan_id);
  v1::Run run;
  std::unique_ptr<grpc::ClientContext> context = client.NewContext();
  if (!client.stub().GetRun(context.get(), req, &run).ok()) return "";
  return run.run_at();
}

// "ran: completed, 3 orders (...)" or "scheduled: runs at T (...)" for a submitted plan.
std::string SubmittedText(Client& client, const v1::RunSummary& resp) {
  if (resp.status() == "scheduled") {
    std::string at = RunAtOf(client, resp.plan_id());
    return absl::StrCat("scheduled: runs at the first tick at or after ",
                        at.empty() ? "its runAt" : at);
  }
  std::string out =
      absl::StrCat(resp.status() == "failed" ? "failed" : "ran: " + resp.status(), ", ",
                   resp.orders_placed(), " orders (", resp.orders_filled(), " filled, ",
                   resp.orders_open(), " open, ", resp.orders_rejected(), " rejected)");
  if (!resp.error_message().empty()) absl::StrAppend(&out, ": ", resp.error_message());
  return out;
}

// A server message on one line per plan: its later lines (violations) indented under it.
std::string Indented(const std::string& message) {
  return absl::StrReplaceAll(message, {{"\n", "\n    "}});
}

// Submits each plan file of `dir` in name order, one line per plan: ran, scheduled, already done
// (the planId has a run: ALREADY_EXISTS, whatever the run's outcome), or failed. A plan that is
// invalid or fails does not stop the others; the exit code is the worst of them, so that a
// scheduled job rerunning the folder succeeds once every plan ran or is scheduled.
int SubmitDirectory(Client& client, const std::string& dir, bool retry, const std::string& at) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    // A ConfigMap volume also holds dot-entries (..data, ..2026_...): only plain *.json files.
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && !absl::StartsWith(name, ".")) {
      files.push_back(entry.path().string());
    }
  }
  if (ec) {
    std::cerr << "error: cannot read " << dir << ": " << ec.message() << "\n";
    return kInvalidInput;
  }
  if (absl::Status connected = client.Connect(); !connected.ok()) return UsageError(connected);
  std::sort(files.begin(), files.end());
  if (files.empty()) std::cout << dir << ": no *.json plans\n";
  int worst = kOk;
  int ran = 0;
  int scheduled = 0;
  int done = 0;
  int failed = 0;
  for (const std::string& file : files) {
    std::string name = std::filesystem::path(file).filename().string();
    absl::StatusOr<std::string> text = ReadPlan(file);
    if (!text.ok()) {
      std::cout << name << ": failed: " << text.status().message() << "\n";
      worst = std::max(worst, static_cast<int>(kInvalidInput));
      ++failed;
      continue;
    }
    v1::SubmitPlanRequest req;
    req.set_plan_json(*text);
    req.set_retry(retry);
    req.set_run_at(at);
    v1::RunSummary resp;
    std::unique_ptr<grpc::ClientContext> context = client.NewContext();
    grpc::Status st = client.stub().SubmitPlan(context.get(), req, &resp);
    int code = kOk;
    if (st.ok()) {
      std::cout << name << ": " << resp.plan_id() << " " << SubmittedText(client, resp) << "\n";
      if (resp.status() == "failed") {
        code = kRunFailed;
        ++failed;
      } else if (resp.status() == "scheduled") {
        ++scheduled;
      } else {
        ++ran;
      }
    } else if (st.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      std::cout << name << ": already done: " << Indented(st.error_message()) << "\n";
      ++done;
    } else {
      std::cout << name << ": failed: " << Indented(ErrorText(st)) << "\n";
      code = ExitFor(st.error_code());
      ++failed;
    }
    worst = std::max(worst, code);
  }
  std::cout << files.size() << " plan(s): " << ran << " ran, " << scheduled << " scheduled, "
            << done << " already done, " << failed << " failed\n";
  return worst;
}

void AddSubmit(CLI::App& plan, Client& client, int& exit_code) {
  auto file = std::make_shared<std::string>();
  auto retry = std::make_shared<bool>(false);
  auto dir = std::make_shared<std::string>();
  auto at = std::make_shared<std::string>();
  CLI::App* cmd = plan.add_subcommand("submit", "run a plan: FILE, or - / nothing for stdin");
  cmd->add_option("file", *file, "plan JSON file; - or omitted reads standard input");
  cmd->add_option("--dir", *dir,
                  "submit every DIR/*.json in name order, one line each (ran, scheduled, already "
                  "done, failed); plans that already ran count as done: for a scheduled job");
  cmd->add_flag("--retry", *retry, "run again a plan whose earlier run failed before any order");
  cmd->add_option("--at", *at,
                  "schedule the plan: the server validates it now and runs it at the first tick "
                  "at or after TIME (RFC 3339, or a duration from now: 30m, 2h); as the plan's "
                  "runAt");
  cmd->footer(
      "A plan with a runAt (or --at) in the future is scheduled: `omsctl plan list --scheduled`\n"
      "shows it, `omsctl plan unschedule PLAN_ID` drops it, and the first `omsctl tick` at or\n"
      "after its time runs it. A runAt up to 1 hour past runs at once; an older one is refused.");
  cmd->callback([&client, &exit_code, file, retry, dir, at] {
    std::string run_at;
    if (!at->empty()) {
      absl::StatusOr<std::string> when = TimeArg("--at", *at, /*future=*/true, absl::Now());
      if (!when.ok()) {
        exit_code = UsageError(when.status());
        return;
      }
      run_at = *when;
    }
    if (!dir->empty()) {
      exit_code = SubmitDirectory(client, *dir, *retry, run_at);
      return;
    }
    absl::StatusOr<std::string> text = ReadPlan(*file);
    if (!text.ok()) {
      exit_code = UsageError(text.status());
      return;
    }
    v1::SubmitPlanRequest req;
    req.set_plan_json(*text);
    req.set_retry(*retry);
    req.set_run_at(run_at);
    v1::RunSummary resp;
    if (!client.Call(&OrderManager::Stub::SubmitPlan, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&client, &resp] {
      if (resp.status() == "scheduled") {
        return absl::StrCat("plan ", resp.plan_id(), " ", SubmittedText(client, resp), "\n",
                            WarningsText(resp.warnings()));
      }
      return SummaryText(resp);
    });
    exit_code = resp.status() == "failed" ? kRunFailed : kOk;
  });
}

std::string ValidationText(const v1::ValidatePlanResponse& resp) {
  if (resp.valid()) {
    return absl::StrCat("plan ", resp.plan_id(), " is valid (", resp.mode(), ", ",
                        resp.trade_count(), " trade", resp.trade_count() == 1 ? "" : "s", ")\n",
                        WarningsText(resp.warnings()));
  }
  std::string out = absl::StrCat("plan is invalid (", resp.violations_size(), " problem",
                                 resp.violations_size() == 1 ? "" : "s", "):\n");
  for (const auto& v : resp.violations()) {
    absl::StrAppend(&out, "  ", v.path().empty() ? "plan" : v.path(), ": ", v.message(), "\n");
  }
  return out + WarningsText(resp.warnings());
}

void AddValidate(CLI::App& plan, Client& client, int& exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = plan.add_subcommand("validate", "check a plan against the rules and the market");
  cmd->add_option("file", *file, "plan JSON file; - or omitted reads standard input");
  cmd->callback([&client, &exit_code, file] {
    absl::StatusOr<std::string> text = ReadPlan(*file);
    if (!text.ok()) {
      exit_code = UsageError(text.status());
      return;
    }
    v1::ValidatePlanRequest req;
    req.set_plan_json(*text);
    v1::ValidatePlanResponse resp;
    if (!client.Call(&OrderManager::Stub::ValidatePlan, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return ValidationText(resp); });
    exit_code = resp.valid() ? kOk : kInvalidInput;
  });
}

}  // namespace

void AddPlanCommands(CLI::App& app, Client& client, int& exit_code) {
  CLI::App* plan = app.add_subcommand("plan", "submit, validate, list or unschedule trade plans");
  plan->require_subcommand(1);
  AddSubmit(*plan, client, exit_code);
  AddValidate(*plan, client, exit_code);
  AddScheduleCommands(*plan, client, exit_code);
}

}  // namespace betteroms::omsctl
