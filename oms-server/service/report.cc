// The report: the equity curve folded from every fill of a mode, positions as GetPositions marks
// them, and the newest runs with the stored books their fills were priced on. Reads only.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "oms-server/market/market_data.h"
#include "oms-server/service/oms_service.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"

namespace betteroms::service {
namespace {

using domain::Mode;
using TokenHash = std::pair<std::string, std::string>;

// The stored snapshots of `wanted`, parsed, by (token, hash). A snapshot that no longer parses
// is left out (and said in `note`): the report still shows the rest.
absl::StatusOr<std::map<TokenHash, domain::Book>> LoadBooks(store::Connection& conn,
                                                            const std::set<TokenHash>& wanted,
                                                            std::string& note) {
  OMS_ASSIGN_OR_RETURN(std::vector<store::StoredSnapshot> stored,
                       store::GetSnapshots(conn, {wanted.begin(), wanted.end()}));
  std::map<TokenHash, domain::Book> out;
  for (store::StoredSnapshot& s : stored) {
    absl::StatusOr<domain::Book> book = market::ParseBookJson(s.book_json);
    if (!book.ok()) {
      absl::StrAppend(&note, note.empty() ? "" : "; ", "stored book ", s.hash, " of token ",
                      s.token_id, " unreadable: ", book.status().message());
      continue;
    }
    book->token_id = s.token_id;
    book->hash = s.hash;  // the key fills refer to, whatever the document says
    if (book->timestamp.empty()) book->timestamp = FormatRfc3339(s.taken_at);
    out.emplace(TokenHash{s.token_id, s.hash}, std::move(*book));
  }
  return out;
}

}  // namespace

absl::StatusOr<Report> OmsService::GetReport(const ReportQuery& query, const CallContext& call) {
  Report report;
  report.query = query;
  report.generated_at = clock_.Now();
  OMS_ASSIGN_OR_RETURN(report.positions, GetPositions(query.mode, call));

  OMS_ASSIGN_OR_RETURN(auto conn, Connect(call));
  OMS_ASSIGN_OR_RETURN(std::vector<domain::Execution> fills,
                       store::ListExecutionsForPositions(*conn, query.mode));

  int limit = query.run_limit > 0 ? std::min(query.run_limit, 200) : 20;
  OMS_ASSIGN_OR_RETURN(std::vector<domain::Run> runs, store::ListRuns(*conn, limit, query.mode));
  for (domain::Run& run : runs) {
    if (run.started_at < query.since) continue;
    OMS_RETURN_IF_ERROR(call.Check("reading the runs"));
    ReportRun r;
    store::OrderFilter filter;
    filter.plan_id = run.plan_id;
    filter.limit = 10000;
    filter.oldest_first = true;
    OMS_ASSIGN_OR_RETURN(r.orders, store::ListOrders(*conn, filter));
    std::vector<int64_t> ids;
    ids.reserve(r.orders.size());
    for (const auto& o : r.orders) ids.push_back(o.id);
    OMS_ASSIGN_OR_RETURN(auto run_fills, store::ListExecutionsForOrders(*conn, ids));
    std::map<int64_t, domain::Order*> by_id;
    for (auto& o : r.orders) by_id[o.id] = &o;
    for (auto& f : run_fills) by_id.at(f.order_id)->fills.push_back(std::move(f));
    r.run = std::move(run);
    report.runs.push_back(std::move(r));
  }

  // Every snapshot a fill or a twin was priced on, read once: the fills' for the curve's marks,
  // the runs' for their depth charts.
  std::set<TokenHash> wanted;
  for (const auto& f : fills) {
    if (!f.book_hash.empty()) wanted.insert({f.token_id, f.book_hash});
  }
  for (const ReportRun& r : report.runs) {
    for (const auto& o : r.orders) {
      for (const auto& f : o.fills) {
        if (!f.book_hash.empty()) wanted.insert({f.token_id, f.book_hash});
      }
      if (o.twin && !o.twin->book_hash.empty()) wanted.insert({o.token_id, o.twin->book_hash});
    }
  }
  OMS_ASSIGN_OR_RETURN(auto books, LoadBooks(*conn, wanted, report.note));

  domain::SnapshotMids mids;
  for (const auto& [key, book] : books) {
    if (auto mid = book.Midpoint()) mids[key] = *mid;
  }
  for (Mode mode : {Mode::kPaper, Mode::kLive}) {
    if (query.mode && *query.mode != mode) continue;
    std::vector<domain::Execution> of_mode;
    for (const auto& f : fills) {
      if (f.mode == mode) of_mode.push_back(f);
    }
    if (of_mode.empty()) continue;
    domain::EquityCurve curve = domain::FoldEquity(of_mode, mids, query.since);
    std::vector<domain::Position> current;
    for (const auto& p : report.positions) {
      if (p.mode == mode) current.push_back(p);
    }
    curve.points.push_back(domain::CurrentPoint(curve, current, report.generated_at));
    report.equity.push_back({mode, std::move(curve.points)});
  }

  for (ReportRun& r : report.runs) {
    std::set<TokenHash> used;
    for (const auto& o : r.orders) {
      for (const auto& f : o.fills) {
        if (!f.book_hash.empty()) used.insert({f.token_id, f.book_hash});
      }
      if (o.twin && !o.twin->book_hash.empty()) used.insert({o.token_id, o.twin->book_hash});
    }
    for (const auto& key : used) {
      if (auto b = books.find(key); b != books.end()) r.books.push_back(b->second);
    }
  }
  if (!report.note.empty()) LogWarn("report incomplete", {{"error", report.note}});
  return report;
}

}  // namespace betteroms::service
