// What the OMS keeps of an order and its fills: the records the store persists, the rules below
// change and the API shows. Money, prices and shares are int64 micro-units.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "oms-server/domain/types.h"

namespace betteroms::domain {

struct Execution {
  int64_t order_id = 0;
  Mode mode = Mode::kPaper;
  std::string token_id;
  Side side = Side::kBuy;
  int64_t shares = 0;
  int64_t price = 0;
  int64_t notional = 0;  // collateral paid (BUY) or received (SELL)
  int64_t fee = 0;
  Liquidity liquidity = Liquidity::kTaker;
  std::string book_hash;  // the snapshot the fill was priced on; empty when none
  absl::Time executed_at = absl::InfinitePast();
  std::string outcome;  // the order's, when read back
  // Live fills: the venue trade (empty for a provisional fill, from the POST's answer, until the
  // order's trades are read), its settlement (PROTOCOL §13.2) and transaction. Paper fills are
  // CONFIRMED.
  int64_t id = 0;  // 0 until stored
  std::string trade_id;
  std::string settlement = "CONFIRMED";  // MATCHED, MATCHED_NOT_BROADCASTED, MINED, CONFIRMED,
                                         // RETRYING or FAILED
  std::string transaction_hash;
  std::optional<int64_t> fee_rate_bps;  // the venue's, when it said

  // FAILED: the trade did not happen on chain; the fill counts nowhere.
  bool Voided() const { return settlement == "FAILED"; }
  // Counted, but not yet final on chain.
  bool Pending() const { return !Voided() && settlement != "CONFIRMED"; }
};

// The paper engine's simulation of a live order against the book read just before it was sent.
struct PaperTwin {
  OrderStatus status = OrderStatus::kOpen;
  int64_t filled_shares = 0;
  int64_t filled_notional = 0;
  std::string book_hash;  // the snapshot it was simulated on
};

// What a live order's signature covers and what the venue said of it (DESIGN §6); empty for
// paper orders. The signed fields never change once stored: a re-send is byte-identical.
struct LiveFields {
  std::string intent_id;  // the signer's one-intent key
  std::string exchange;   // "ctf-v2", "neg-risk-v2" or "v3"
  std::string salt;       // decimal, < 2^53
  std::string maker;
  std::string signer;
  int signature_type = 0;
  int64_t order_time_ms = 0;  // the signed timestamp
  int64_t expiration = 0;     // unix seconds, 0 = none (sent, not signed)
  std::string metadata;       // 0x bytes32
  std::string builder;        // 0x bytes32
  std::string order_hash;     // from signed on
  std::string signature;
  std::string venue_status;  // the venue's word: live, matched, delayed, or a read-back status
  std::string venue_error;   // the venue's own text of a refusal
  std::optional<absl::Time> submitted_at;  // the first POST
  int post_attempts = 0;
  // When the last reading of the venue's trades that covered this order began.
  std::optional<absl::Time> trades_read_at;
  // The status the journal holds for it, as last read or written: a journal write applies only
  // while the row still has it, so a stale copy never overwrites a newer state.
  OrderStatus stored_status = OrderStatus::kNew;
};

struct Order {
  int64_t id = 0;  // 0 until stored
  std::string plan_id;
  int trade_index = 0;
  Mode mode = Mode::kPaper;
  std::string token_id;
  std::string outcome;
  Side side = Side::kBuy;
  OrderType type = OrderType::kMarket;
  TimeInForce tif = TimeInForce::kFok;
  bool post_only = false;
  std::optional<int64_t> limit_price;  // LIMIT: its price; MARKET: the worst it may fill at
  int64_t size_shares = 0;
  int64_t maker_amount = 0;
  int64_t taker_amount = 0;
  int64_t filled_shares = 0;
  int64_t filled_notional = 0;
  OrderStatus status = OrderStatus::kOpen;
  std::string reason;  // empty when there is nothing to explain
  std::optional<absl::Time> expires_at;
  absl::Time created_at = absl::InfinitePast();
  std::vector<Execution> fills;   // filled in when asked for
  LiveFields live;                // live orders only
  std::optional<PaperTwin> twin;  // live orders sent since the twin exists

  // A GTC/GTD order still on the (simulated) book.
  bool Resting() const {
    return (status == OrderStatus::kOpen || status == OrderStatus::kPartiallyFilled) && Rests(tif);
  }
  int64_t RemainingShares() const { return size_shares - filled_shares; }
};

}  // namespace betteroms::domain
