// report: one self-contained HTML file a trader opens in a browser (report/render.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/omsctl/commands/commands.h"
#include "clients/omsctl/report/render.h"
#include "common/time.h"

namespace betteroms::omsctl {
namespace {

// "24h" (a duration back from now) or an RFC 3339 time, as RFC 3339.
absl::StatusOr<std::string> SinceTime(const std::string& since) {
  if (since.empty()) return since;
  if (absl::StatusOr<absl::Time> t = ParseTime(since); t.ok()) return FormatRfc3339(*t);
  absl::StatusOr<absl::Duration> back = ParsePlanDuration(since);
  if (!back.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--since: \"", since, "\" is neither a duration (24h, 7d) nor an RFC 3339 time"));
  }
  return FormatRfc3339(absl::Now() - *back);
}

// Writes `text` to a temporary file beside `path`, then renames it over `path`: a reader never
// sees half a report, and a failed write leaves the old one in place.
absl::Status WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp.XXXXXX";
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out: create ", tmp, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  // mkstemp makes the file 0600; a report is as readable as any file the user writes.
  bool ok = written == text.size() && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
  int saved = errno;
  ok = close(fd) == 0 && ok;
  if (!ok || std::rename(name.data(), path.c_str()) != 0) {
    if (ok) saved = errno;
    unlink(name.data());
    return absl::InvalidArgumentError(
        absl::StrCat("--out: write ", path, ": ", std::strerror(saved)));
  }
  return absl::OkStatus();
}

}  // namespace

void AddReportCommand(CLI::App& app, Client& client, int& exit_code) {
  auto out = std::make_shared<std::string>();
  auto mode = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto runs = std::make_shared<int>(20);
  CLI::App* cmd = app.add_subcommand(
      "report", "write an HTML report: equity curve, positions, each run's fills on its book");
  cmd->add_option("--out", *out, "the HTML file to write (replaced atomically)")->required();
  cmd->add_option("--mode", *mode, "paper or live (default: both)")
      ->check(CLI::IsMember({"paper", "live"}));
  cmd->add_option("--since", *since,
                  "runs and curve from this time on: a duration back from now (24h, 7d) or "
                  "an RFC 3339 time; earlier fills still count in P&L");
  cmd->add_option("--runs", *runs, "newest runs to show, at most 200")
      ->capture_default_str()
      ->check(CLI::Range(1, 200));
  cmd->footer(
      "The file is self-contained (inline SVG and CSS, no script, no network): open it in any\n"
      "browser. Example: omsctl report --out report.html --mode paper --since 24h");
  cmd->callback([&client, &exit_code, out, mode, since, runs] {
    absl::StatusOr<std::string> from = SinceTime(*since);
    if (!from.ok()) {
      exit_code = UsageError(from.status());
      return;
    }
    v1::GetReportRequest req;
    req.set_mode(*mode);
    req.set_since(*from);
    req.set_run_limit(*runs);
    v1::Report resp;
    if (!client.Call(&v1::OrderManager::Stub::GetReport, req, &resp, exit_code)) return;
    if (absl::Status written = WriteAtomically(*out, report::RenderReport(resp)); !written.ok()) {
      exit_code = UsageError(written);
      return;
    }
    std::cout << "report written to " << *out << " (" << resp.runs_size() << " run(s), "
              << resp.positions_size() << " position(s))\n";
    exit_code = kOk;
  });
}

}  // namespace betteroms::omsctl
