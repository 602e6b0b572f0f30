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
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/output.h"
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

// Submits each plan file of `dir` in name order, one line per plan; a plan that already ran with
// the same content is skipped. Returns the worst exit code.
int SubmitDirectory(Client& client, const std::string& dir, bool retry) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  if (ec) {
    std::cerr << "error: cannot read " << dir << ": " << ec.message() << "\n";
    return kInvalidInput;
  }
  if (absl::Status connected = client.Connect(); !connected.ok()) return UsageError(connected);
  std::sort(files.begin(), files.end());
  int worst = kOk;
  for (const std::string& file : files) {
    absl::StatusOr<std::string> text = ReadPlan(file);
    if (!text.ok()) {
      worst = std::max(worst, UsageError(text.status()));
      continue;
    }
    v1::SubmitPlanRequest req;
    req.set_plan_json(*text);
    req.set_retry(retry);
    v1::RunSummary resp;
    std::unique_ptr<grpc::ClientContext> context = client.NewContext();
    grpc::Status st = client.stub().SubmitPlan(context.get(), req, &resp);
    int code = kOk;
    if (st.ok()) {
      std::cout << file << ": " << resp.plan_id() << " " << resp.status() << ", "
                << resp.orders_placed() << " orders (" << resp.orders_filled() << " filled, "
                << resp.orders_open() << " open, " << resp.orders_rejected() << " rejected)\n";
      code = resp.status() == "failed" ? kRunFailed : kOk;
    } else if (st.error_code() == grpc::StatusCode::ALREADY_EXISTS &&
               absl::StrContains(st.error_message(), "already ran: completed")) {
      std::cout << file << ": skipped, " << st.error_message() << "\n";
    } else {
      std::cout << file << ": error: " << ErrorText(st) << "\n";
      code = ExitFor(st.error_code());
    }
    worst = std::max(worst, code);
  }
  return worst;
}

void AddSubmit(CLI::App& plan, Client& client, int& exit_code) {
  auto file = std::make_shared<std::string>();
  auto retry = std::make_shared<bool>(false);
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = plan.add_subcommand("submit", "run a plan: FILE, or - / nothing for stdin");
  cmd->add_option("file", *file, "plan JSON file; - or omitted reads standard input");
  cmd->add_option("--dir", *dir,
                  "run every DIR/*.json not run yet, in name order (plans that already ran are "
                  "skipped; for a scheduled job)");
  cmd->add_flag("--retry", *retry, "run again a plan whose earlier run failed before any order");
  cmd->callback([&client, &exit_code, file, retry, dir] {
    if (!dir->empty()) {
      exit_code = SubmitDirectory(client, *dir, *retry);
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
    v1::RunSummary resp;
    if (!client.Call(&OrderManager::Stub::SubmitPlan, req, &resp, exit_code)) return;
    Print(client.json(), resp, [&resp] { return SummaryText(resp); });
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
  CLI::App* plan = app.add_subcommand("plan", "submit or validate trade plans");
  plan->require_subcommand(1);
  AddSubmit(*plan, client, exit_code);
  AddValidate(*plan, client, exit_code);
}

}  // namespace betteroms::omsctl
