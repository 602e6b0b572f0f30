#include "store/resolutions_repo.h"

#include "common/status_macros.h"

namespace betteroms::store {

absl::StatusOr<std::vector<std::string>> RecordResolutions(
    Connection& conn, const std::vector<Resolution>& resolutions) {
  std::vector<std::string> newly;
  if (resolutions.empty()) return newly;
  std::vector<std::string> tokens, conditions;
  std::vector<std::optional<std::string>> payouts;
  for (const Resolution& r : resolutions) {
    tokens.push_back(r.token_id);
    conditions.push_back(r.condition_id);
    payouts.push_back(r.payout ? std::optional(std::to_string(*r.payout)) : std::nullopt);
  }
  // The insert and the update see the same snapshot: the update only touches rows recorded
  // before this statement, and a token inserted here is reported once. A token twice in the
  // input is inserted once (DO NOTHING).
  OMS_ASSIGN_OR_RETURN(
      Result res,
      conn.Exec("record resolutions",
                "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) "
                "AS u(t, c, p)), "
                "ins AS (INSERT INTO market_resolutions (token_id, condition_id, payout) "
                " SELECT t, c, p FROM u ON CONFLICT (token_id) DO NOTHING RETURNING token_id), "
                "upd AS (UPDATE market_resolutions m SET payout = coalesce(m.payout, u.p), "
                " condition_id = CASE WHEN m.condition_id = '' THEN u.c ELSE m.condition_id END "
                " FROM u WHERE m.token_id = u.t AND ((m.payout IS NULL AND u.p IS NOT NULL) OR "
                " (m.condition_id = '' AND u.c <> '')) RETURNING m.token_id) "
                "SELECT token_id FROM ins ORDER BY token_id",
                Params()
                    .Add(TextArray(tokens))
                    .Add(TextArray(conditions))
                    .Add(NullableTextArray(payouts))));
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    newly.push_back(r.Text("token_id"));
    OMS_RETURN_IF_ERROR(r.status());
  }
  return newly;
}

absl::StatusOr<std::map<std::string, Resolution>> ListResolutions(
    Connection& conn, const std::vector<std::string>& tokens) {
  std::map<std::string, Resolution> out;
  if (tokens.empty()) return out;
  OMS_ASSIGN_OR_RETURN(Result res,
                       conn.Exec("list resolutions",
                                 "SELECT token_id, condition_id, payout FROM market_resolutions "
                                 "WHERE token_id = ANY($1::text[])",
                                 Params().Add(TextArray(tokens))));
  for (int row = 0; row < res.rows(); ++row) {
    RowReader r = res.Row(row);
    Resolution resolution{r.Text("token_id"), r.Text("condition_id"), r.OptInt("payout")};
    OMS_RETURN_IF_ERROR(r.status());
    out[resolution.token_id] = std::move(resolution);
  }
  return out;
}

}  // namespace betteroms::store
