#include "store/triggers_repo.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/status_macros.h"
#include "common/time.h"
#include "store/sql_enums.h"

namespace betteroms::store {
namespace {

using domain::TriggerRecord;

constexpr char kTriggerColumns[] =
    "t.id, t.plan_id, t.trade_index, t.mode, t.token_id, t.outcome, t.side, t.description, "
    "t.price_source, t.direction, t.level, oms_rfc3339(t.until) AS until, t.oco_group, t.status, "
    "t.reason, oms_rfc3339(t.fired_at) AS fired_at, t.fired_price, "
    "(SELECT b.hash FROM book_snapshots b WHERE b.id = t.fired_book_snapshot_id) "
    "AS fired_book_hash, t.order_id, oms_rfc3339(t.created_at) AS created_at, "
    "oms_rfc3339(t.updated_at) AS updated_at";

absl::StatusOr<std::vector<TriggerRecord>> ReadTriggers(const Result& res) {
  std::vector<TriggerRecord> out;
  out.reserve(res.rows());
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    TriggerRecord t;
    t.id = r.Int("id");
    t.plan_id = r.Text("plan_id");
    t.trade_index = static_cast<int>(r.Int("trade_index"));
    t.mode = r.Enum("mode", &ParseModeSql);
    t.token_id = r.Text("token_id");
    t.outcome = r.Text("outcome");
    t.side = r.Enum("side", &ParseSideSql);
    t.description = r.Text("description");
    t.trigger.price = r.Enum("price_source", &ParseTriggerPriceSql);
    std::string direction = r.Text("direction");
    t.trigger.below = direction == "below";
    t.trigger.level = r.Int("level");
    t.trigger.level_text = FormatMicros(t.trigger.level);
    t.trigger.until = r.OptTime("until");
    t.oco = r.OptText("oco_group").value_or("");
    t.status = r.Enum("status", &ParseTriggerStatusSql);
    t.reason = r.OptText("reason").value_or("");
    t.fired_at = r.OptTime("fired_at");
    t.fired_price = r.OptInt("fired_price");
    t.fired_book_hash = r.OptText("fired_book_hash").value_or("");
    t.order_id = r.OptInt("order_id");
    t.created_at = r.Time("created_at");
    t.updated_at = r.Time("updated_at");
    OMS_RETURN_IF_ERROR(r.status());
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

absl::Status InsertTriggers(Connection& conn, std::vector<TriggerRecord>& rows) {
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::string> plans, modes, tokens, outcomes, sides, descriptions, sources, directions;
  std::vector<int64_t> indexes, levels;
  std::vector<std::optional<std::string>> untils, ocos;
  for (const TriggerRecord& t : rows) {
    plans.push_back(t.plan_id);
    indexes.push_back(t.trade_index);
    modes.emplace_back(SqlText(t.mode));
    tokens.push_back(t.token_id);
    outcomes.push_back(t.outcome);
    sides.emplace_back(SqlText(t.side));
    descriptions.push_back(t.description);
    sources.emplace_back(SqlText(t.trigger.price));
    directions.emplace_back(t.trigger.below ? "below" : "above");
    levels.push_back(t.trigger.level);
    untils.push_back(t.trigger.until ? std::optional(FormatRfc3339(*t.trigger.until))
                                     : std::nullopt);
    ocos.push_back(t.oco.empty() ? std::nullopt : std::optional(t.oco));
  }
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("insert triggers",
                "INSERT INTO triggers (plan_id, trade_index, mode, token_id, outcome, side, "
                "description, price_source, direction, level, until, oco_group) "
                "SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], "
                "$6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], "
                "$11::timestamptz[], $12::text[]) "
                "RETURNING id, plan_id, trade_index, oms_rfc3339(created_at) AS created_at, "
                "oms_rfc3339(updated_at) AS updated_at",
                Params()
                    .Add(TextArray(plans))
                    .Add(IntArray(indexes))
                    .Add(TextArray(modes))
                    .Add(TextArray(tokens))
                    .Add(TextArray(outcomes))
                    .Add(TextArray(sides))
                    .Add(TextArray(descriptions))
                    .Add(TextArray(sources))
                    .Add(TextArray(directions))
                    .Add(IntArray(levels))
                    .Add(NullableTextArray(untils))
                    .Add(NullableTextArray(ocos))));
  // RETURNING order is not promised: map back through the (plan, index) key.
  std::map<std::pair<std::string, int>, TriggerRecord*> by_key;
  for (TriggerRecord& t : rows) by_key[{t.plan_id, t.trade_index}] = &t;
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    auto it = by_key.find({r.Text("plan_id"), static_cast<int>(r.Int("trade_index"))});
    if (it == by_key.end()) {
      return absl::InternalError("store: insert triggers: unknown row back");
    }
    it->second->id = r.Int("id");
    it->second->created_at = r.Time("created_at");
    it->second->updated_at = r.Time("updated_at");
    OMS_RETURN_IF_ERROR(r.status());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<TriggerRecord>> ListArmedTriggers(Connection& conn) {
  OMS_ASSIGN_OR_RETURN(Result res,
                       conn.Exec("armed triggers",
                                 absl::StrCat("SELECT ", kTriggerColumns,
                                              " FROM triggers t JOIN execution_history h "
                                              "ON h.plan_id = t.plan_id "
                                              "WHERE t.status = 'armed' AND h.status = "
                                              "'completed' ORDER BY t.created_at, t.id"),
                                 Params()));
  return ReadTriggers(res);
}

absl::StatusOr<std::vector<TriggerRecord>> ListTriggers(Connection& conn, const TriggerFilter& f) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("list triggers",
                absl::StrCat("SELECT ", kTriggerColumns,
                             " FROM triggers t WHERE ($1 = '' OR t.plan_id = $1) "
                             "AND ($2 = '' OR t.status = $2) "
                             // One plan's triggers in trade order; across plans, newest first.
                             "ORDER BY CASE WHEN $1 = '' THEN 0 ELSE t.trade_index END, "
                             "t.created_at DESC, t.id DESC LIMIT $3"),
                Params().Add(f.plan_id).Add(f.status ? SqlText(*f.status) : "").Add(f.limit)));
  return ReadTriggers(res);
}

absl::StatusOr<TriggerRecord> GetTrigger(Connection& conn, int64_t id) {
  OMS_ASSIGN_OR_RETURN(Result res, conn.Exec("get trigger",
                                             absl::StrCat("SELECT ", kTriggerColumns,
                                                          " FROM triggers t WHERE t.id = $1"),
                                             Params().Add(id)));
  OMS_ASSIGN_OR_RETURN(std::vector<TriggerRecord> rows, ReadTriggers(res));
  if (rows.empty()) return absl::NotFoundError(absl::StrCat("no trigger with id ", id));
  return std::move(rows.front());
}

absl::StatusOr<bool> FireTrigger(Connection& conn, int64_t id, const Firing& firing) {
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("fire trigger",
                "UPDATE triggers SET status = 'fired', fired_at = $2::timestamptz, "
                "fired_price = $3, reason = $6, fired_book_snapshot_id = "
                "(SELECT b.id FROM book_snapshots b WHERE b.token_id = $4 AND b.hash = $5), "
                "updated_at = now() WHERE id = $1 AND status = 'armed'",
                Params()
                    .Add(id)
                    .Add(FormatRfc3339(firing.at))
                    .Add(firing.price)
                    .Add(firing.token_id)
                    .Add(firing.book_hash)
                    .Add(firing.reason)));
  return res.affected() == 1;
}

absl::Status RecordTriggerOutcome(Connection& conn, int64_t id, std::optional<int64_t> order_id,
                                  const std::string& reason) {
  return conn
      .Exec("record trigger outcome",
            "UPDATE triggers SET order_id = $2, reason = $3, updated_at = now() "
            "WHERE id = $1 AND status = 'fired'",
            Params().Add(id).AddOptional(order_id).Add(reason))
      .status();
}

absl::StatusOr<int> CancelOcoPartners(Connection& conn, const TriggerRecord& fired,
                                      const std::string& reason) {
  if (fired.oco.empty()) return 0;
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("cancel oco partners",
                "UPDATE triggers SET status = 'cancelled', reason = $4, updated_at = now() "
                "WHERE plan_id = $1 AND oco_group = $2 AND id <> $3 AND status = 'armed'",
                Params().Add(fired.plan_id).Add(fired.oco).Add(fired.id).Add(reason)));
  return static_cast<int>(res.affected());
}

absl::StatusOr<std::vector<int64_t>> EndTriggers(Connection& conn, domain::TriggerStatus status,
                                                 const std::vector<int64_t>& ids,
                                                 const std::vector<std::string>& reasons) {
  if (status != domain::TriggerStatus::kCancelled && status != domain::TriggerStatus::kExpired) {
    return absl::InternalError("store: end triggers: only to cancelled or expired");
  }
  if (ids.size() != reasons.size()) {
    return absl::InternalError("store: end triggers: one reason per trigger");
  }
  std::vector<int64_t> out;
  if (ids.empty()) return out;
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("end triggers",
                "UPDATE triggers SET status = $1, reason = u.reason, updated_at = now() "
                "FROM unnest($2::bigint[], $3::text[]) AS u(id, reason) "
                "WHERE triggers.id = u.id AND triggers.status = 'armed' RETURNING triggers.id",
                Params().Add(SqlText(status)).Add(IntArray(ids)).Add(TextArray(reasons))));
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    out.push_back(r.Int("id"));
    OMS_RETURN_IF_ERROR(r.status());
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> TriggeredOrderIds(Connection& conn,
                                                       const std::vector<int64_t>& order_ids) {
  std::vector<int64_t> out;
  if (order_ids.empty()) return out;
  OMS_ASSIGN_OR_RETURN(Result res,
                       conn.Exec("triggered orders",
                                 "SELECT order_id FROM triggers WHERE order_id = ANY($1::bigint[])",
                                 Params().Add(IntArray(order_ids))));
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    out.push_back(r.Int("order_id"));
    OMS_RETURN_IF_ERROR(r.status());
  }
  return out;
}

}  // namespace betteroms::store
