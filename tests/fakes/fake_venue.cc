// The venue's state and order flow: placement checks in the venue's order, matching against the
// scripted books, balances, delayed orders and GTD expiry. The HTTP side is fake_venue_http.cc.
#include "tests/fakes/fake_venue.h"

#include <chrono>
#include <cstdlib>

#include "common/decimal.h"
#include "common/hex.h"
#include "tests/fakes/fake_venue_book.h"

namespace betteroms::test {
namespace {

std::string Hex(const crypto::Hash256& h) { return "0x" + ToHex(h); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A /clob-markets or /book number or string as micro-units ("0.01", 0.01, "5").
std::optional<int64_t> MicrosOf(const nlohmann::json& v) {
  std::string text = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
  auto m = ParseJsonNumberMicros(text);
  if (!m.ok()) return std::nullopt;
  return *m;
}

}  // namespace

std::optional<VenueFault> ParseVenueFault(const std::string& name) {
  static const std::map<std::string, VenueFault> kNames = {
      {"425", VenueFault::kTooEarly},         {"429", VenueFault::kRateLimited},
      {"post-only", VenueFault::kPostOnly},   {"cancel-only", VenueFault::kCancelOnly},
      {"disabled", VenueFault::kDisabled},    {"drop", VenueFault::kDrop},
      {"cloudflare", VenueFault::kCloudflare}};
  auto it = kNames.find(name);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

FakeVenue::FakeVenue(VenueMarkets& markets, uint64_t chain_id)
    : markets_(markets),
      ctx_(secp256k1_context_create(SECP256K1_CONTEXT_NONE)),
      chain_id_(chain_id),
      now_s_([] {
        return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
      }) {}

FakeVenue::~FakeVenue() { secp256k1_context_destroy(ctx_); }

bool FakeVenue::SetChainId(uint64_t chain_id) {
  if (!crypto::DomainFor(crypto::Exchange::kCtfV2, chain_id)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  chain_id_ = chain_id;
  return true;
}

uint64_t FakeVenue::chain_id() {
  std::lock_guard<std::mutex> lock(mu_);
  return chain_id_;
}

void FakeVenue::SetClock(std::function<int64_t()> now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  now_s_ = std::move(now_s);
}

int64_t FakeVenue::Now() const { return now_s_(); }

void FakeVenue::AddApiKey(const ApiKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  ApiKey k = key;
  k.address = NormalAddress(key.address);
  k.deposit_wallet = NormalAddress(key.deposit_wallet);
  k.funder = NormalAddress(key.funder);
  keys_.Add(k);
}

std::string FakeVenue::ExchangeOf(bool neg_risk) {
  return "0x" + ToHex(OrderDomain(neg_risk, chain_id_).contract);
}

VenueAccount& FakeVenue::AccountOf(const std::string& address) {
  auto [it, fresh] = accounts_.try_emplace(NormalAddress(address));
  if (fresh) {
    for (bool neg_risk : {false, true}) it->second.allowances[ExchangeOf(neg_risk)] = kUnlimited;
  }
  return it->second;
}

void FakeVenue::SetCollateral(const std::string& address, int64_t balance,
                              std::optional<int64_t> allowance) {
  std::lock_guard<std::mutex> lock(mu_);
  VenueAccount& account = AccountOf(address);
  account.collateral = balance;
  if (allowance) {
    for (bool neg_risk : {false, true}) account.allowances[ExchangeOf(neg_risk)] = *allowance;
  }
}

void FakeVenue::SetAllowance(const std::string& address, const std::string& exchange,
                             int64_t allowance) {
  std::lock_guard<std::mutex> lock(mu_);
  AccountOf(address).allowances[NormalAddress(exchange)] = allowance;
}

void FakeVenue::SetConditional(const std::string& address, const std::string& token,
                               int64_t shares) {
  std::lock_guard<std::mutex> lock(mu_);
  AccountOf(address).conditional[token] = shares;
}

VenueAccount FakeVenue::Account(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  return AccountOf(address);
}

void FakeVenue::ScheduleFault(VenueFault fault, int count, int retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  fault_ = fault;
  fault_count_ = count;
  retry_after_s_ = retry_after_s;
}

void FakeVenue::DelayNext(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_next_ = count;
}

int FakeVenue::OrderPosts() {
  std::lock_guard<std::mutex> lock(mu_);
  return order_posts_;
}

int FakeVenue::Rejections() {
  std::lock_guard<std::mutex> lock(mu_);
  return rejections_;
}

std::map<std::string, int> FakeVenue::RequestCounts() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

int FakeVenue::PostsOf(const std::string& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = posts_of_hash_.find(Lower(hash));
  return it == posts_of_hash_.end() ? 0 : it->second;
}

void FakeVenue::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  keys_.Clear();
  accounts_.clear();
  orders_.clear();
  order_sequence_.clear();
  to_settle_.clear();
  trades_.clear();
  posts_of_hash_.clear();
  order_posts_ = 0;
  rejections_ = 0;
  requests_.clear();
  fault_ = VenueFault::kNone;
  fault_count_ = 0;
  delay_next_ = 0;
  trading_delay_ms_ = 0;
  latency_ms_ = 0;
  trade_index_.clear();
  trades_of_.clear();
  fee_rate_bps_.clear();
  page_size_ = kPageSize;
  status_prefix_ = false;
}

FakeVenue::TokenInfo FakeVenue::InfoOf(const std::string& token) {
  TokenInfo info;
  // The market document first, then the book, which the venue serves as the current truth.
  nlohmann::json market = nlohmann::json::parse(markets_.MarketOf(token), nullptr, false);
  if (market.is_object()) {
    info.known = true;
    info.market = market.value("c", "");
    info.neg_risk = market.value("nr", false);
    if (market.contains("ao") && market["ao"].is_boolean()) info.accepting_orders = market["ao"];
    if (market.contains("mts")) info.tick = MicrosOf(market["mts"]).value_or(info.tick);
    if (market.contains("mos")) info.min_size = MicrosOf(market["mos"]).value_or(info.min_size);
    for (const auto& t : market.value("t", nlohmann::json::array())) {
      std::string id = t.contains("t") && t["t"].is_string()
                           ? t["t"].get<std::string>()
                           : t.value("t", nlohmann::json()).dump();
      if (id == token && t.contains("o") && t["o"].is_string()) info.outcome = t["o"];
    }
  }
  markets_.EditBook(token, [&](std::string& text) {
    nlohmann::json book = nlohmann::json::parse(text, nullptr, false);
    if (!book.is_object()) return;
    info.known = true;
    if (book.contains("tick_size")) info.tick = MicrosOf(book["tick_size"]).value_or(info.tick);
    if (book.contains("min_order_size")) {
      info.min_size = MicrosOf(book["min_order_size"]).value_or(info.min_size);
    }
    if (info.market.empty()) info.market = book.value("market", "");
    if (market.is_null() || !market.is_object()) info.neg_risk = book.value("neg_risk", false);
  });
  if (info.tick <= 0) info.tick = 10'000;
  return info;
}

int64_t FakeVenue::Reserved(const std::string& maker, bool buy, const std::string& token) {
  int64_t total = 0;
  for (const auto& [hash, o] : orders_) {
    if (o.in.maker != maker || o.in.buy != buy ||
        (o.status != Status::kLive && o.status != Status::kDelayed)) {
      continue;
    }
    if (buy) {
      total += o.in.is_market()
                   ? o.in.maker_amount - o.spent
                   : MulDivCeil(o.size - o.matched, o.in.maker_amount, o.in.taker_amount);
    } else if (o.in.token_id == token) {
      total += o.size - o.matched;
    }
  }
  return total;
}

FakeVenue::Placed FakeVenue::Reject(const std::string& message, int status) {
  ++rejections_;
  Placed p;
  p.response = JsonError(status, message);
  p.entry = {{"success", false}, {"errorMsg", message}, {"orderID", ""}, {"status", ""}};
  return p;
}

FakeVenue::Placed FakeVenue::Place(const ApiKey& key, const std::string& payload) {
  auto parsed = ParseOrderPayload(payload);
  if (!parsed.ok()) return Reject(std::string(parsed.status().message()));
  Order order;
  order.in = *std::move(parsed);
  const IncomingOrder& in = order.in;
  TokenInfo info = InfoOf(in.token_id);
  if (!info.known) return Reject("Invalid token id");
  if (!info.accepting_orders) return Reject("the market is not accepting orders");
  crypto::ExchangeDomain domain = OrderDomain(info.neg_risk, chain_id_);
  order.hash = Hex(OrderHash(in, domain, chain_id_));
  if (in.owner != key.api_key) return Reject("the order owner has to be the owner of the API KEY");
  const std::string& allowed_signer = in.signature_type == 3 ? key.deposit_wallet : key.address;
  if (in.signer != allowed_signer) {
    return Reject("the order signer address has to be the address of the API KEY");
  }
  if (in.post_only && in.is_market()) {
    return Reject("invalid post-only order: only GTC and GTD order types are allowed");
  }
  if (!SignatureValid(ctx_, in, domain, chain_id_, key.address)) {
    return Reject("invalid signature");
  }
  if (orders_.count(order.hash)) return Reject("order is invalid. Duplicated.");
  if (std::string broken = CheckOrderRules(in, info.tick, info.min_size, Now()); !broken.empty()) {
    return Reject(broken);
  }
  VenueAccount& account = AccountOf(in.maker);
  if (in.buy) {
    int64_t reserved = Reserved(in.maker, true, in.token_id);
    int64_t allowance = account.allowances[ExchangeOf(info.neg_risk)];
    if (in.maker_amount > account.collateral - reserved ||
        (allowance != kUnlimited && in.maker_amount > allowance - reserved)) {
      return Reject("not enough balance / allowance");
    }
  } else if (in.maker_amount >
             account.conditional[in.token_id] - Reserved(in.maker, false, in.token_id)) {
    return Reject("not enough balance / allowance");
  }
  Taker probe{in.buy, in.maker_amount, in.taker_amount, 0, false};
  if (in.post_only) {
    bool crosses = false;
    markets_.EditBook(in.token_id, [&](std::string& text) {
      crosses = Crosses(nlohmann::ordered_json::parse(text, nullptr, false), probe);
    });
    if (crosses) return Reject("invalid post-only order: order crosses book");
  }
  order.owner_address = key.address;
  order.market = info.market;
  order.outcome = info.outcome;
  order.size = in.shares();
  order.price = in.buy ? MulDivFloor(in.maker_amount, kMicro, in.taker_amount)
                       : MulDivFloor(in.taker_amount, kMicro, in.maker_amount);
  order.created_at = Now();

  Placed placed;
  placed.accepted = true;
  std::string status = "live";
  if (delay_next_ > 0) {
    --delay_next_;
    order.status = Status::kDelayed;
    status = "delayed";
  } else {
    std::string killed = Execute(order);
    if (!killed.empty()) return Reject(killed);
    if (!order.trades.empty()) status = "matched";
  }
  auto amount = [](int64_t units) { return units == 0 ? std::string() : FormatMicros(units); };
  bool filled = order.status != Status::kDelayed && order.matched > 0;
  int64_t making = in.buy ? order.spent : order.matched;
  int64_t taking = in.buy ? order.matched : order.spent;
  placed.entry = {{"success", true},
                  {"errorMsg", ""},
                  {"orderID", order.hash},
                  {"status", status},
                  {"makingAmount", filled ? amount(making) : ""},
                  {"takingAmount", filled ? amount(taking) : ""},
                  {"tradeIDs", order.trades},
                  {"transactionsHashes", nlohmann::json::array()}};
  placed.response = {200, placed.entry.dump()};
  order_sequence_.push_back(order.hash);
  if (order.status == Status::kDelayed || order.in.type == OrderType::kGtd) {
    to_settle_.push_back(order.hash);
  }
  orders_.emplace(order.hash, std::move(order));
  return placed;
}

std::string FakeVenue::Execute(Order& order) {
  const IncomingOrder& in = order.in;
  bool spend_budget = in.buy && in.is_market();
  Taker taker{in.buy, in.maker_amount, in.taker_amount,
              spend_budget ? in.maker_amount - order.spent : order.size - order.matched,
              spend_budget};
  Walk walk;
  std::string killed;
  markets_.EditBook(in.token_id, [&](std::string& text) {
    nlohmann::ordered_json book = nlohmann::ordered_json::parse(text, nullptr, false);
    if (!book.is_object()) return;
    nlohmann::ordered_json consumed;
    walk = WalkBook(book, taker, &consumed);
    if (in.type == OrderType::kFok && walk.remaining > 0) return;
    if (walk.fills.empty()) return;
    text = consumed.dump();
  });
  if (in.type == OrderType::kFok && walk.remaining > 0) {
    killed = "order couldn't be fully filled. FOK orders are fully filled or killed.";
  } else if (in.type == OrderType::kFak && walk.fills.empty()) {
    killed =
        "no orders found to match with FAK order. FAK orders are partially filled or killed if "
        "no match is found.";
  }
  if (!killed.empty()) {
    order.status = Status::kCanceled;
    return killed;
  }
  VenueAccount& account = AccountOf(in.maker);
  auto fee = fee_rate_bps_.find(in.token_id);
  for (const Fill& fill : walk.fills) {
    Trade t;
    t.id = "fake-trade-" + std::to_string(next_trade_++);
    t.order_hash = order.hash;
    t.owner_address = order.owner_address;
    t.owner_key = in.owner;
    t.maker_address = in.maker;
    t.market = order.market;
    t.asset_id = in.token_id;
    t.outcome = order.outcome;
    t.buy = in.buy;
    t.size = fill.shares;
    t.price = fill.price;
    t.match_time = Now();
    t.last_update = t.match_time;
    t.fee_rate_bps = fee == fee_rate_bps_.end() ? "" : fee->second;
    // The scripted book's makers are not accounts: only the taker's side moves here.
    t.movements.push_back({in.maker, in.token_id, in.buy ? -fill.collateral : fill.collateral,
                           in.buy ? fill.shares : -fill.shares});
    order.trades.push_back(t.id);
    Record(std::move(t));
  }
  if (in.buy) {
    account.collateral -= walk.collateral;
    account.conditional[in.token_id] += walk.shares;
  } else {
    account.conditional[in.token_id] -= walk.shares;
    account.collateral += walk.collateral;
  }
  order.matched += walk.shares;
  order.spent += walk.collateral;
  if (walk.remaining == 0) {
    order.status = Status::kMatched;
  } else {
    // A FAK's remainder is canceled; a GTC/GTD remainder rests.
    order.status = in.is_market() ? Status::kCanceled : Status::kLive;
  }
  return "";
}

void FakeVenue::Settle() {
  int64_t now = Now();
  // Only delayed orders and live GTD orders change here, in arrival order; every read settles,
  // so reads cost what those orders number, not every order ever placed.
  std::vector<std::string> still;
  for (const std::string& hash : to_settle_) {
    Order& o = orders_.at(hash);
    if (o.status == Status::kDelayed) {
      o.status = Status::kLive;
      // A delayed FOK/FAK that finds nothing ends canceled with no fill.
      if (!Execute(o).empty()) o.status = Status::kCanceled;
    }
    if (o.status == Status::kLive && o.in.type == OrderType::kGtd && o.in.expiration <= now) {
      o.status = Status::kCanceled;
    }
    // Neither delayed nor live GTD: nothing here will change it again.
    if (o.status == Status::kLive && o.in.type == OrderType::kGtd) still.push_back(hash);
  }
  to_settle_ = std::move(still);
}

}  // namespace betteroms::test
