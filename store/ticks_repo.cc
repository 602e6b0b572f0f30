#include "store/ticks_repo.h"

#include "common/status_macros.h"
#include "common/time.h"
#include "store/summary_json.h"

namespace betteroms::store {
namespace {

constexpr int64_t kTickLockKey = 0x6f6d735f7469636b;  // "oms_tick"

}  // namespace

absl::StatusOr<bool> TryLockTicks(Connection& conn) {
  OMS_ASSIGN_OR_RETURN(Result res, conn.Exec("tick lock", "SELECT pg_try_advisory_lock($1) AS ok",
                                             Params().Add(kTickLockKey)));
  RowReader r = res.Row(0);
  bool locked = r.Bool("ok");
  OMS_RETURN_IF_ERROR(r.status());
  return locked;
}

absl::Status UnlockTicks(Connection& conn) {
  return conn.Exec("tick unlock", "SELECT pg_advisory_unlock($1)", Params().Add(kTickLockKey))
      .status();
}

absl::StatusOr<int64_t> InsertTick(Connection& conn, const domain::TickReport& report) {
  OMS_ASSIGN_OR_RETURN(
      Result res, conn.Exec("insert tick",
                            "INSERT INTO ticks (started_at, finished_at, report_json) "
                            "VALUES ($1::timestamptz, $2::timestamptz, $3::jsonb) RETURNING id",
                            Params()
                                .Add(FormatRfc3339(report.started_at))
                                .Add(FormatRfc3339(report.finished_at))
                                .Add(TickReportJson(report))));
  RowReader r = res.Row(0);
  int64_t id = r.Int("id");
  OMS_RETURN_IF_ERROR(r.status());
  return id;
}

}  // namespace betteroms::store
