// The venue's JSON answers as the types of venue.h (PROTOCOL §6, §13): an OpenOrder, our fills in
// a Trade, a CancelResponse, and the decimals inside them. Pure: a parsed document in, a value out.
// Every answer is untrusted input, so a malformed one is InvalidArgument saying what is wrong
// (naming the trade or order when it has an id); the client adds the endpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/json.h"
#include "oms-server/venue/venue.h"

namespace betteroms::venue {

// A decimal amount from the venue ("4.599999", a JSON number; "", null or absent for none, read
// as 0) in micro-units, rounded toward zero past 6 decimals. nullopt when it is not a
// non-negative decimal.
std::optional<int64_t> DecimalMicros(const JsonValue* v);

// An OpenOrder (/data/order/{hash}, /data/orders): id (lower case), status through
// ParseVenueStatus, asset_id, side, original_size, size_matched, price, associate_trades.
absl::StatusOr<VenueOrder> VenueOrderFromJson(const JsonValue& obj);

// Our fills in one Trade (/data/trades): one from the top-level fields when `taker_order_id` is in
// `order_hashes`, and one per maker_orders[] entry whose `order_id` is (lower-case ids on both
// sides). Empty when the trade names none of them. An error when the trade has no id or status,
// or when one of our fills has a price outside (0, 1), a size that is not above 0, no asset or
// side, a fee rate that is not an integer, or a match_time that is not unix seconds. The fields
// of other accounts' maker entries are not read.
absl::StatusOr<std::vector<VenueFill>> FillsOfTrade(const JsonValue& trade,
                                                    const std::set<std::string>& order_hashes);

// A CancelResponse {canceled: [ids], not_canceled | notCanceled: {id: reason}}, ids lower case.
// A missing or null member is empty.
absl::StatusOr<CancelAnswer> CancelAnswerFromJson(const JsonValue& doc);

}  // namespace betteroms::venue
