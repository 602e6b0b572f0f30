#include "store/controls_repo.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace betteroms::store {
namespace {

absl::StatusOr<TradingControls> ReadControls(const Result& res) {
  if (res.rows() != 1) return absl::InternalError("store: trading_controls has no row");
  RowReader r = res.Row(0);
  TradingControls c;
  c.halted = r.Bool("halted");
  c.reason = r.Text("reason");
  c.changed_at = r.Time("changed_at");
  OMS_RETURN_IF_ERROR(r.status());
  return c;
}

}  // namespace

absl::StatusOr<TradingControls> GetTradingControls(Connection& conn, bool for_update) {
  OMS_ASSIGN_OR_RETURN(Result res,
                       conn.Exec("get trading controls",
                                 absl::StrCat("SELECT halted, reason, oms_rfc3339(changed_at) AS "
                                              "changed_at FROM trading_controls WHERE id = 1",
                                              for_update ? " FOR UPDATE" : ""),
                                 Params()));
  return ReadControls(res);
}

absl::StatusOr<TradingControls> SetTradingHalted(Connection& conn, bool halted,
                                                 const std::string& reason) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("set trading controls",
                "UPDATE trading_controls SET halted = $1, reason = $2, changed_at = now() "
                "WHERE id = 1 RETURNING halted, reason, oms_rfc3339(changed_at) AS changed_at",
                Params().Add(halted).Add(reason)));
  return ReadControls(res);
}

}  // namespace betteroms::store
