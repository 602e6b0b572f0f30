#include "store/runs_repo.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace betteroms::store {
namespace {

constexpr char kRunColumns[] =
    "plan_id, plan_json, plan_hash, mode, status, trade_count, attempts, oms_rfc3339(started_at), "
    "oms_rfc3339(finished_at), summary_json::text, error_message, "
    "(SELECT count(*) FROM orders o WHERE o.plan_id = execution_history.plan_id)";

// Empty means "not given": the SQL falls back to now().
std::optional<std::string> OptionalText(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional(text);
}

// $1..$6 of every statement that writes a run: plan_id, plan_json, plan_hash, mode,
// trade_count, started_at.
Params RunParams(const RunRow& run) {
  return Params()
      .Add(run.plan_id)
      .Add(run.plan_json)
      .Add(run.plan_hash)
      .Add(run.mode)
      .Add(run.trade_count)
      .AddOptional(OptionalText(run.started_at));
}

RunRow ReadRun(const Result& r, int row) {
  RunRow run;
  run.plan_id = r.Text(row, 0);
  run.plan_json = r.Text(row, 1);
  run.plan_hash = r.Text(row, 2);
  run.mode = r.Text(row, 3);
  run.status = r.Text(row, 4);
  run.trade_count = static_cast<int>(r.Int(row, 5));
  run.attempts = static_cast<int>(r.Int(row, 6));
  run.started_at = r.Text(row, 7);
  run.finished_at = r.OptText(row, 8);
  run.summary_json = r.OptText(row, 9);
  run.error_message = r.OptText(row, 10);
  run.order_count = static_cast<int>(r.Int(row, 11));
  return run;
}

}  // namespace

absl::StatusOr<bool> InsertRunningRun(Connection& conn, const RunRow& run) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("insert run",
                "INSERT INTO execution_history (plan_id, plan_json, plan_hash, mode, status, "
                "trade_count, started_at) VALUES ($1, $2, $3, $4, 'running', $5, "
                "coalesce($6::timestamptz, now())) ON CONFLICT (plan_id) DO NOTHING "
                "RETURNING plan_id",
                RunParams(run)));
  return res.rows() == 1;
}

absl::Status RecordFailedRun(Connection& conn, const RunRow& run, const std::string& finished_at,
                             const std::string& error_message) {
  return conn
      .Exec("record failed run",
            "INSERT INTO execution_history (plan_id, plan_json, plan_hash, mode, status, "
            "trade_count, started_at, finished_at, error_message) VALUES ($1, $2, $3, $4, "
            "'failed', $5, coalesce($6::timestamptz, now()), $7, $8) "
            "ON CONFLICT (plan_id) DO UPDATE SET status = 'failed', plan_json = EXCLUDED.plan_json,"
            " plan_hash = EXCLUDED.plan_hash, trade_count = EXCLUDED.trade_count,"
            " started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,"
            " error_message = EXCLUDED.error_message, summary_json = NULL,"
            " attempts = execution_history.attempts + 1 "
            "WHERE execution_history.status = 'failed'",
            RunParams(run).Add(finished_at).Add(error_message))
      .status();
}

absl::StatusOr<bool> RestartFailedRun(Connection& conn, const RunRow& run) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("restart run",
                "UPDATE execution_history SET status = 'running', plan_json = $2, plan_hash = $3, "
                "mode = $4, trade_count = $5, attempts = attempts + 1, "
                "started_at = coalesce($6::timestamptz, now()), "
                "finished_at = NULL, summary_json = NULL, error_message = NULL "
                "WHERE plan_id = $1 AND status = 'failed' "
                "AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.plan_id = $1)",
                RunParams(run)));
  return res.affected() == 1;
}

absl::Status FinishRun(Connection& conn, const std::string& plan_id, const std::string& status,
                       const std::string& finished_at,
                       const std::optional<std::string>& summary_json,
                       const std::optional<std::string>& error_message) {
  return conn
      .Exec("finish run",
            "UPDATE execution_history SET status = $2, summary_json = $3::jsonb, "
            "error_message = $4, finished_at = $5::timestamptz WHERE plan_id = $1",
            Params()
                .Add(plan_id)
                .Add(status)
                .AddOptional(summary_json)
                .AddOptional(error_message)
                .Add(finished_at))
      .status();
}

absl::StatusOr<RunRow> GetRun(Connection& conn, const std::string& plan_id) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("get run",
                absl::StrCat("SELECT ", kRunColumns, " FROM execution_history WHERE plan_id = $1"),
                Params().Add(plan_id)));
  if (res.rows() == 0)
    return absl::NotFoundError(absl::StrCat("no run for plan \"", plan_id, "\""));
  return ReadRun(res, 0);
}

absl::StatusOr<std::vector<RunRow>> ListRuns(Connection& conn, int limit, const std::string& mode) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("list runs",
                absl::StrCat("SELECT ", kRunColumns,
                             " FROM execution_history "
                             "WHERE ($2 = '' OR mode = $2) ORDER BY started_at DESC, plan_id "
                             "LIMIT $1"),
                Params().Add(limit).Add(mode)));
  std::vector<RunRow> runs;
  for (int r = 0; r < res.rows(); ++r) runs.push_back(ReadRun(res, r));
  return runs;
}

}  // namespace betteroms::store
