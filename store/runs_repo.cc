#include "store/runs_repo.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/time.h"
#include "store/sql_enums.h"
#include "store/summary_json.h"

namespace betteroms::store {
namespace {

// Without the summary, which only GetRun reads.
constexpr char kRunColumns[] =
    "plan_id, plan_json, plan_hash, mode, status, trade_count, attempts, "
    "oms_rfc3339(started_at) AS started_at, oms_rfc3339(finished_at) AS finished_at, "
    "error_message, oms_rfc3339(run_at) AS run_at, "
    "(SELECT count(*) FROM orders o WHERE o.plan_id = execution_history.plan_id "
    " AND o.status <> 'not_sent') AS order_count";

// $1..$6 of every statement that writes a run: plan_id, plan_json, plan_hash, mode,
// trade_count, started_at.
Params RunParams(const domain::Run& run) {
  return Params()
      .Add(run.plan_id)
      .Add(run.plan_json)
      .Add(run.plan_hash)
      .Add(SqlText(run.mode))
      .Add(run.trade_count)
      .Add(FormatRfc3339(run.started_at));
}

absl::StatusOr<domain::Run> ReadRun(const Result& res, int row) {
  RowReader r = res.Row(row);
  domain::Run run;
  run.plan_id = r.Text("plan_id");
  run.plan_json = r.Text("plan_json");
  run.plan_hash = r.Text("plan_hash");
  run.mode = r.Enum("mode", &ParseModeSql);
  run.status = r.Enum("status", &ParseRunStatusSql);
  run.trade_count = static_cast<int>(r.Int("trade_count"));
  run.attempts = static_cast<int>(r.Int("attempts"));
  run.started_at = r.Time("started_at");
  run.finished_at = r.OptTime("finished_at");
  run.error_message = r.OptText("error_message").value_or("");
  run.order_count = static_cast<int>(r.Int("order_count"));
  run.run_at = r.OptTime("run_at");
  OMS_RETURN_IF_ERROR(r.status());
  if (res.Column("summary_json") < 0) return run;
  // The summary is a report, not state: one this binary cannot read (say, written by a newer
  // one) leaves the run without it rather than making the run unreadable.
  if (std::optional<std::string> text = r.OptText("summary_json")) {
    absl::StatusOr<domain::RunSummary> summary = ParseRunSummaryJson(*text);
    if (summary.ok()) {
      run.summary = *std::move(summary);
    } else {
      LogWarn("stored run summary unreadable",
              {{"plan_id", run.plan_id}, {"error", std::string(summary.status().message())}});
    }
  }
  return run;
}

absl::StatusOr<std::vector<domain::Run>> ReadRuns(const Result& res) {
  std::vector<domain::Run> runs;
  runs.reserve(res.rows());
  for (int r = 0; r < res.rows(); ++r) {
    OMS_ASSIGN_OR_RETURN(domain::Run run, ReadRun(res, r));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace

absl::StatusOr<bool> InsertRunningRun(Connection& conn, const domain::Run& run) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("insert run",
                "INSERT INTO execution_history (plan_id, plan_json, plan_hash, mode, status, "
                "trade_count, started_at) VALUES ($1, $2, $3, $4, 'running', $5, "
                "$6::timestamptz) ON CONFLICT (plan_id) DO NOTHING RETURNING plan_id",
                RunParams(run)));
  return res.rows() == 1;
}

absl::Status RecordFailedRun(Connection& conn, const domain::Run& run, absl::Time finished_at,
                             const std::string& error_message) {
  return conn
      .Exec("record failed run",
            "INSERT INTO execution_history (plan_id, plan_json, plan_hash, mode, status, "
            "trade_count, started_at, finished_at, error_message) VALUES ($1, $2, $3, $4, "
            "'failed', $5, $6::timestamptz, $7, $8) "
            "ON CONFLICT (plan_id) DO UPDATE SET status = 'failed', plan_json = EXCLUDED.plan_json,"
            " plan_hash = EXCLUDED.plan_hash, trade_count = EXCLUDED.trade_count,"
            " started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,"
            " error_message = EXCLUDED.error_message, summary_json = NULL,"
            " attempts = execution_history.attempts + 1 "
            "WHERE execution_history.status = 'failed'",
            RunParams(run).Add(FormatRfc3339(finished_at)).Add(error_message))
      .status();
}

absl::StatusOr<bool> RestartFailedRun(Connection& conn, const domain::Run& run) {
  // A failed live run may have journalled orders that never left, and armed triggers it then
  // disarmed; a retry journals and arms anew.
  OMS_RETURN_IF_ERROR(conn.Exec("forget disarmed triggers",
                                "DELETE FROM triggers WHERE plan_id = $1 AND status <> 'fired' "
                                "AND EXISTS (SELECT 1 FROM execution_history h "
                                "            WHERE h.plan_id = $1 AND h.status = 'failed')",
                                Params().Add(run.plan_id))
                          .status());
  OMS_RETURN_IF_ERROR(conn.Exec("forget unsent orders",
                                "DELETE FROM orders WHERE plan_id = $1 AND status = 'not_sent' "
                                "AND EXISTS (SELECT 1 FROM execution_history h "
                                "            WHERE h.plan_id = $1 AND h.status = 'failed') "
                                "AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.plan_id = $1 "
                                "                AND o.status <> 'not_sent')",
                                Params().Add(run.plan_id))
                          .status());
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("restart run",
                "UPDATE execution_history SET status = 'running', plan_json = $2, plan_hash = $3, "
                "mode = $4, trade_count = $5, attempts = attempts + 1, "
                "started_at = $6::timestamptz, "
                "finished_at = NULL, summary_json = NULL, error_message = NULL "
                "WHERE plan_id = $1 AND status = 'failed' "
                "AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.plan_id = $1)",
                RunParams(run)));
  return res.affected() == 1;
}

absl::StatusOr<std::vector<std::string>> ListRunningLiveRuns(Connection& conn) {
  OMS_ASSIGN_OR_RETURN(Result res, conn.Exec("running live runs",
                                             "SELECT plan_id FROM execution_history "
                                             "WHERE mode = 'live' AND status = 'running' "
                                             "ORDER BY started_at LIMIT 1000",
                                             Params()));
  std::vector<std::string> out;
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    out.push_back(r.Text("plan_id"));
    OMS_RETURN_IF_ERROR(r.status());
  }
  return out;
}

absl::Status FinishRun(Connection& conn, const domain::RunSummary& summary) {
  std::optional<std::string> error;
  if (!summary.error_message.empty()) error = summary.error_message;
  if (summary.status == domain::RunStatus::kFailed) {
    // A failed run leaves no armed trigger: its triggered trades were never to be placed.
    OMS_RETURN_IF_ERROR(conn.Exec("disarm failed run",
                                  "UPDATE triggers SET status = 'cancelled', reason = "
                                  "'cancelled: the run failed', updated_at = now() "
                                  "WHERE plan_id = $1 AND status = 'armed' AND EXISTS (SELECT 1 "
                                  "FROM execution_history h WHERE h.plan_id = $1 "
                                  "AND h.status = 'running')",
                                  Params().Add(summary.plan_id))
                            .status());
  }
  return conn
      .Exec("finish run",
            "UPDATE execution_history SET status = $2, summary_json = $3::jsonb, "
            "error_message = $4, finished_at = $5::timestamptz "
            "WHERE plan_id = $1 AND status = 'running'",
            Params()
                .Add(summary.plan_id)
                .Add(SqlText(summary.status))
                .Add(RunSummaryJson(summary))
                .AddOptional(error)
                .Add(FormatRfc3339(summary.finished_at.value_or(summary.started_at))))
      .status();
}

absl::StatusOr<domain::Run> GetRun(Connection& conn, const std::string& plan_id) {
  OMS_ASSIGN_OR_RETURN(Result res,
                       conn.Exec("get run",
                                 absl::StrCat("SELECT ", kRunColumns,
                                              ", summary_json::text AS summary_json "
                                              "FROM execution_history WHERE plan_id = $1"),
                                 Params().Add(plan_id)));
  if (res.rows() == 0) {
    return absl::NotFoundError(absl::StrCat("no run for plan \"", plan_id, "\""));
  }
  return ReadRun(res, 0);
}

absl::StatusOr<std::vector<domain::Run>> ListRuns(Connection& conn, int limit,
                                                  std::optional<domain::Mode> mode) {
  OMS_ASSIGN_OR_RETURN(
      Result res, conn.Exec("list runs",
                            absl::StrCat("SELECT ", kRunColumns,
                                         " FROM execution_history "
                                         "WHERE status <> 'scheduled' AND ($2 = '' OR mode = $2) "
                                         "ORDER BY started_at DESC, plan_id "
                                         "LIMIT $1"),
                            Params().Add(limit).Add(mode ? SqlText(*mode) : "")));
  return ReadRuns(res);
}

absl::StatusOr<std::vector<domain::Run>> ListRuns(Connection& conn, const RunFilter& filter) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec(
          "list runs",
          absl::StrCat("SELECT ", kRunColumns,
                       " FROM execution_history "
                       "WHERE ($2 = '' OR mode = $2) "
                       "AND ($3::timestamptz IS NULL OR started_at >= $3::timestamptz) "
                       "AND ($4 = false OR status = 'scheduled') "
                       "ORDER BY CASE WHEN $4 THEN run_at END, "
                       "started_at DESC, plan_id LIMIT $1"),
          Params()
              .Add(filter.limit)
              .Add(filter.mode ? SqlText(*filter.mode) : "")
              .AddOptional(filter.since ? std::optional<std::string>(FormatRfc3339(*filter.since))
                                        : std::nullopt)
              .Add(filter.scheduled)));
  return ReadRuns(res);
}

absl::StatusOr<bool> InsertScheduledRun(Connection& conn, const domain::Run& run) {
  if (!run.run_at) return absl::InternalError("store: insert scheduled run: no run_at");
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("insert scheduled run",
                "INSERT INTO execution_history (plan_id, plan_json, plan_hash, mode, status, "
                "trade_count, started_at, run_at) VALUES ($1, $2, $3, $4, 'scheduled', $5, "
                "$6::timestamptz, $7::timestamptz) ON CONFLICT (plan_id) DO NOTHING "
                "RETURNING plan_id",
                RunParams(run).Add(FormatRfc3339(*run.run_at))));
  return res.rows() == 1;
}

absl::StatusOr<std::vector<domain::Run>> ListDueRuns(Connection& conn, absl::Time now, int limit) {
  OMS_ASSIGN_OR_RETURN(Result res,
                       conn.Exec("due runs",
                                 absl::StrCat("SELECT ", kRunColumns,
                                              " FROM execution_history WHERE status = 'scheduled' "
                                              "AND run_at <= $1::timestamptz "
                                              "ORDER BY run_at, started_at, plan_id LIMIT $2"),
                                 Params().Add(FormatRfc3339(now)).Add(limit)));
  return ReadRuns(res);
}

absl::StatusOr<bool> ClaimScheduledRun(Connection& conn, const std::string& plan_id,
                                       absl::Time started_at) {
  // The row lock makes a second claimant wait; PostgreSQL then re-checks the WHERE against the
  // committed row (READ COMMITTED), which is running by then: one claim wins.
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("claim scheduled run",
                "UPDATE execution_history SET status = 'running', started_at = $2::timestamptz "
                "WHERE plan_id = $1 AND status = 'scheduled' AND run_at <= $2::timestamptz",
                Params().Add(plan_id).Add(FormatRfc3339(started_at))));
  return res.affected() == 1;
}

absl::StatusOr<bool> FailScheduledRun(Connection& conn, const std::string& plan_id,
                                      absl::Time finished_at, const std::string& error_message) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("fail scheduled run",
                "UPDATE execution_history SET status = 'failed', started_at = $2::timestamptz, "
                "finished_at = $2::timestamptz, error_message = $3 "
                "WHERE plan_id = $1 AND status = 'scheduled'",
                Params().Add(plan_id).Add(FormatRfc3339(finished_at)).Add(error_message)));
  return res.affected() == 1;
}

absl::StatusOr<bool> DeleteScheduledRun(Connection& conn, const std::string& plan_id) {
  OMS_ASSIGN_OR_RETURN(Result res, conn.Exec("unschedule run",
                                             "DELETE FROM execution_history "
                                             "WHERE plan_id = $1 AND status = 'scheduled'",
                                             Params().Add(plan_id)));
  return res.affected() == 1;
}

}  // namespace betteroms::store
