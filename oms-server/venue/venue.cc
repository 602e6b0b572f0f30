#include "oms-server/venue/venue.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json.h"

namespace betteroms::venue {
namespace {

std::string Quote(const std::string& text) {
  JsonValue value;
  value.kind = JsonValue::Kind::kString;
  value.text = text;
  return DumpJson(value);
}

// Known statuses, longest first so that a longer one wins over its prefix. Trade statuses
// (PROTOCOL §13.2) are here too: MATCHED_NOT_BROADCASTED is not MATCHED with a reason.
constexpr std::array<absl::string_view, 13> kKnownStatuses = {"CANCELED_MARKET_RESOLVED",
                                                              "MATCHED_NOT_BROADCASTED",
                                                              "UNMATCHED",
                                                              "CANCELED",
                                                              "CANCELLED",
                                                              "CONFIRMED",
                                                              "RETRYING",
                                                              "DELAYED",
                                                              "INVALID",
                                                              "MATCHED",
                                                              "FAILED",
                                                              "MINED",
                                                              "LIVE"};

}  // namespace

std::string OrderBodyJson(const WireOrder& order, const std::string& owner) {
  // JSON.stringify of clob-client-v2's payload: salt and signatureType are numbers, the rest
  // strings, in this key order.
  return absl::StrCat("{\"deferExec\":", order.defer_exec ? "true" : "false",
                      ",\"postOnly\":", order.post_only ? "true" : "false",  //
                      ",\"order\":{\"salt\":", order.salt,                   //
                      ",\"maker\":", Quote(order.maker),                     //
                      ",\"signer\":", Quote(order.signer),                   //
                      ",\"tokenId\":", Quote(order.token_id),                //
                      ",\"makerAmount\":\"", order.maker_amount, "\"",       //
                      ",\"takerAmount\":\"", order.taker_amount, "\"",       //
                      ",\"side\":\"", domain::Name(order.side), "\"",        //
                      ",\"signatureType\":", order.signature_type,           //
                      ",\"timestamp\":", Quote(order.timestamp_ms),          //
                      ",\"expiration\":", Quote(order.expiration),           //
                      ",\"metadata\":", Quote(order.metadata),               //
                      ",\"builder\":", Quote(order.builder),                 //
                      ",\"signature\":", Quote(order.signature),             //
                      "},\"owner\":", Quote(owner),                          //
                      ",\"orderType\":\"", domain::Name(order.order_type), "\"}");
}

const char* Name(PostOutcome outcome) {
  switch (outcome) {
    case PostOutcome::kAccepted:
      return "accepted";
    case PostOutcome::kRejected:
      return "rejected";
    case PostOutcome::kNotAccepted:
      return "not_accepted";
    case PostOutcome::kAmbiguous:
      return "ambiguous";
  }
  return "unknown";
}

std::pair<std::string, std::string> ParseVenueStatus(const std::string& text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  std::string upper = absl::AsciiStrToUpper(rest);
  for (absl::string_view prefix : {"ORDER_STATUS_", "TRADE_STATUS_"}) {
    if (absl::StartsWith(upper, prefix)) {
      rest.remove_prefix(prefix.size());
      upper.erase(0, prefix.size());
      break;
    }
  }
  for (absl::string_view known : kKnownStatuses) {
    if (!absl::StartsWith(upper, known)) continue;
    if (upper.size() == known.size()) {
      return {std::string(known == "CANCELLED" ? "CANCELED" : known), ""};
    }
    if (upper[known.size()] != '_') continue;
    return {std::string(known == "CANCELLED" ? "CANCELED" : known),
            std::string(rest.substr(known.size() + 1))};
  }
  return {upper, ""};
}

}  // namespace betteroms::venue
