// What happens to the venue's orders and trades besides our own requests: an external taker
// hitting resting orders (maker fills), settlement moving trades on (and FAILED undoing them),
// markets resolving, and the per-token fee rate. The order flow is fake_venue.cc.
#include <algorithm>

#include "common/decimal.h"
#include "common/hex.h"
#include "signer/crypto/keccak.h"
#include "tests/fakes/fake_venue.h"

namespace betteroms::test {
namespace {

constexpr std::pair<TradeStatus, const char*> kTradeStatusNames[] = {
    {TradeStatus::kMatched, "MATCHED"},
    {TradeStatus::kMatchedNotBroadcasted, "MATCHED_NOT_BROADCASTED"},
    {TradeStatus::kMined, "MINED"},
    {TradeStatus::kConfirmed, "CONFIRMED"},
    {TradeStatus::kRetrying, "RETRYING"},
    {TradeStatus::kFailed, "FAILED"}};

// The external taker's account: an address and API key no test registers.
constexpr char kExternalAddress[] = "0x00000000000000000000000000000000000e7e4a";
constexpr char kExternalKey[] = "ffffffff-ffff-4fff-8fff-ffffffffffff";

// A 32-byte 0x hash, distinct per `label` and `n`, like the venue's order and tx hashes.
std::string FakeHash(const std::string& label, int n) {
  return "0x" + ToHex(crypto::Keccak256("fake-" + label + "-" + std::to_string(n)));
}

bool Terminal(TradeStatus s) { return s == TradeStatus::kConfirmed || s == TradeStatus::kFailed; }

}  // namespace

const char* TradeStatusName(TradeStatus status) {
  for (const auto& [s, name] : kTradeStatusNames) {
    if (s == status) return name;
  }
  return "?";
}

std::optional<TradeStatus> ParseTradeStatus(const std::string& name) {
  for (const auto& [s, n] : kTradeStatusNames) {
    if (name == n) return s;
  }
  return std::nullopt;
}

void FakeVenue::Record(Trade trade) {
  size_t index = trades_.size();
  trade_index_[trade.id] = index;
  auto index_under = [&](const std::string& address) {
    if (address.empty()) return;
    std::vector<size_t>& list = trades_of_[address];
    if (list.empty() || list.back() != index) list.push_back(index);
  };
  index_under(trade.owner_address);
  for (const MakerFill& m : trade.makers) index_under(m.owner_address);
  trades_.push_back(std::move(trade));
}

void FakeVenue::Move(const Movement& m, int sign) {
  VenueAccount& account = AccountOf(m.address);
  account.collateral += sign * m.collateral;
  account.conditional[m.token] += sign * m.shares;
}

absl::StatusOr<TakeResult> FakeVenue::Take(const std::string& token, bool buy, int64_t size,
                                           std::optional<int64_t> limit) {
  if (size <= 0) return absl::InvalidArgumentError("fake venue: take: size must be positive");
  std::lock_guard<std::mutex> lock(mu_);
  Settle();  // delayed orders rest or match first; expired GTD orders leave
  int64_t now = Now();
  // Resting makers on the other side, in arrival order (time priority) before the price sort.
  std::vector<Order*> makers;
  for (const std::string& hash : order_sequence_) {
    Order& o = orders_.at(hash);
    bool resting =
        o.status == Status::kLive &&
        (o.in.type == OrderType::kGtc || (o.in.type == OrderType::kGtd && o.in.expiration > now));
    if (!resting || o.in.token_id != token || o.in.buy == buy || o.matched >= o.size) continue;
    if (limit && (buy ? o.price > *limit : o.price < *limit)) continue;
    makers.push_back(&o);
  }
  // A taker BUY takes the cheapest SELL first, a taker SELL the dearest BUY; stable keeps time.
  std::stable_sort(makers.begin(), makers.end(), [buy](const Order* a, const Order* b) {
    return buy ? a->price < b->price : a->price > b->price;
  });
  Trade t;
  t.id = "fake-trade-" + std::to_string(next_trade_++);
  t.order_hash = FakeHash("taker-order", next_taker_++);
  t.owner_key = kExternalKey;
  t.maker_address = kExternalAddress;
  t.asset_id = token;
  t.buy = buy;
  t.match_time = now;
  t.last_update = now;
  auto fee = fee_rate_bps_.find(token);
  t.fee_rate_bps = fee == fee_rate_bps_.end() ? "" : fee->second;
  int64_t remaining = size;
  for (Order* o : makers) {
    if (remaining == 0) break;
    int64_t shares = std::min(remaining, o->size - o->matched);
    // The maker's side: a resting BUY pays (rounded up) and gets shares, a SELL the reverse.
    int64_t collateral =
        o->in.buy ? MulDivCeil(shares, o->price, kMicro) : MulDivFloor(shares, o->price, kMicro);
    Movement m{o->in.maker, token, o->in.buy ? -collateral : collateral,
               o->in.buy ? shares : -shares};
    Move(m, 1);
    t.movements.push_back(std::move(m));
    o->matched += shares;
    o->spent += collateral;
    if (o->matched == o->size) o->status = Status::kMatched;
    o->trades.push_back(t.id);
    t.makers.push_back({o->hash, o->owner_address, o->in.owner, o->in.maker, token, o->outcome,
                        o->in.buy, shares, o->price});
    t.market = o->market;
    t.outcome = o->outcome;
    t.price = o->price;  // without a limit, the last (worst) maker price
    remaining -= shares;
  }
  TakeResult result;
  result.matched = size - remaining;
  if (t.makers.empty()) return result;
  if (limit) t.price = *limit;
  t.size = result.matched;
  result.trade_id = t.id;
  Record(std::move(t));
  return result;
}

absl::Status FakeVenue::SetTradeStatus(const std::string& trade_id, TradeStatus status,
                                       const std::string& transaction_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = trade_index_.find(trade_id);
  if (it == trade_index_.end()) {
    return absl::NotFoundError("fake venue: settle: no trade \"" + trade_id + "\"");
  }
  Trade& t = trades_[it->second];
  if (Terminal(t.status) && status != t.status) {
    return absl::FailedPreconditionError("fake venue: settle: trade \"" + trade_id + "\" is " +
                                         TradeStatusName(t.status) + ", which is terminal");
  }
  t.status = status;
  t.last_update = Now();
  if (!transaction_hash.empty()) {
    t.transaction_hash = transaction_hash;
  } else if (t.transaction_hash.empty() &&
             (status == TradeStatus::kMined || status == TradeStatus::kConfirmed)) {
    t.transaction_hash = FakeHash("tx", next_tx_++);
  }
  if (status == TradeStatus::kFailed && !t.reversed) {
    // The fill did not happen on chain: every account of ours gets back what the trade moved.
    // size_matched stays (see fake_venue.h).
    for (const Movement& m : t.movements) Move(m, -1);
    t.reversed = true;
  }
  return absl::OkStatus();
}

void FakeVenue::SetFeeRateBps(const std::string& token, int bps) {
  std::lock_guard<std::mutex> lock(mu_);
  fee_rate_bps_[token] = std::to_string(bps);
}

bool FakeVenue::SetPageSize(int n) {
  if (n < 1 || n > kMaxPageSize) return false;
  std::lock_guard<std::mutex> lock(mu_);
  page_size_ = n;
  return true;
}

void FakeVenue::SetStatusPrefix(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  status_prefix_ = on;
}

absl::Status FakeVenue::Resolve(const std::string& condition_id, const std::string& winner) {
  std::lock_guard<std::mutex> lock(mu_);
  Settle();
  auto tokens = markets_.Resolve(condition_id, winner);
  if (!tokens.ok()) return tokens.status();
  for (const std::string& hash : order_sequence_) {
    Order& o = orders_.at(hash);
    if ((o.status == Status::kLive || o.status == Status::kDelayed) &&
        std::find(tokens->begin(), tokens->end(), o.in.token_id) != tokens->end()) {
      o.status = Status::kCanceledMarketResolved;
    }
  }
  return absl::OkStatus();
}

}  // namespace betteroms::test
