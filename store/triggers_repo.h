// triggers: the price triggers of the plans that ran, and the state changes that end them. Every
// change out of `armed` is conditional on the row still being armed, so a trigger fires (or is
// cancelled, or expires) once however many requests race over it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "oms-server/domain/trigger_record.h"
#include "store/db.h"

namespace betteroms::store {

struct TriggerFilter {
  std::string plan_id;                          // empty: any plan
  std::optional<domain::TriggerStatus> status;  // nullopt: any
  int limit = 100;
};

// Inserts armed triggers in one statement, setting each one's id and times as stored.
// AlreadyExists when a (plan, trade) has one already.
absl::Status InsertTriggers(Connection& conn, std::vector<domain::TriggerRecord>& rows);

// Every armed trigger of a completed run, oldest first, in one statement (a live run still
// running waits for its own orders first).
absl::StatusOr<std::vector<domain::TriggerRecord>> ListArmedTriggers(Connection& conn);

// Newest first, or by trade within one plan.
absl::StatusOr<std::vector<domain::TriggerRecord>> ListTriggers(Connection& conn,
                                                                const TriggerFilter& filter);

// NotFound when there is no such trigger.
absl::StatusOr<domain::TriggerRecord> GetTrigger(Connection& conn, int64_t id);

// What a firing records: when, the watched price, the book it was read from (stored already in
// book_snapshots, or the link stays empty) and why.
struct Firing {
  absl::Time at;
  int64_t price = 0;
  std::string token_id;
  std::string book_hash;
  std::string reason;
};

// Fires the trigger if it is still armed; true when this call fired it, false when it was no
// longer armed (another tick fired it, or it was cancelled or expired meanwhile).
absl::StatusOr<bool> FireTrigger(Connection& conn, int64_t id, const Firing& firing);

// Records what a fired trigger's trade did: the order it placed (none when it was refused) and the
// reason, replacing the firing's.
absl::Status RecordTriggerOutcome(Connection& conn, int64_t id, std::optional<int64_t> order_id,
                                  const std::string& reason);

// Cancels the armed triggers of `fired`'s OCO group other than itself, with `reason`; how many.
absl::StatusOr<int> CancelOcoPartners(Connection& conn, const domain::TriggerRecord& fired,
                                      const std::string& reason);

// Moves each armed trigger of `ids` to `status` (cancelled or expired) with its reason (one per
// id), in one statement; the ids it changed (those still armed).
absl::StatusOr<std::vector<int64_t>> EndTriggers(Connection& conn, domain::TriggerStatus status,
                                                 const std::vector<int64_t>& ids,
                                                 const std::vector<std::string>& reasons);

// Of `order_ids`, those a trigger placed.
absl::StatusOr<std::vector<int64_t>> TriggeredOrderIds(Connection& conn,
                                                       const std::vector<int64_t>& order_ids);

}  // namespace betteroms::store
