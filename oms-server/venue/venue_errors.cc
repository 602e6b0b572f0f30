#include "oms-server/venue/venue_errors.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace betteroms::venue {
namespace {

struct Entry {
  const char* fragment;  // matched case-insensitively anywhere in the venue's text
  const char* sentence;
};

// More specific fragments come first: the first match wins.
constexpr Entry kEntries[] = {
    // §7.2 placement outcomes.
    {"invalid post-only order: order crosses book",
     "The post-only order would have crossed the book, so the venue refused it and nothing was "
     "filled; price it behind the best opposite price to rest as a maker."},
    {"only GTC and GTD order types are allowed",
     "Post-only is only allowed on GTC and GTD orders; send FOK and FAK orders without it."},
    {"INVALID_POST_ONLY_ORDER_TYPE",
     "Post-only is only allowed on GTC and GTD orders; send FOK and FAK orders without it."},
    {"INVALID_POST_ONLY_ORDER",
     "The post-only order would have crossed the book, so the venue refused it and nothing was "
     "filled; price it behind the best opposite price to rest as a maker."},
    {"post-only mode",
     "The venue is in post-only mode after a restart: only post-only GTC and GTD orders and "
     "cancels are accepted for now; post again in a few minutes."},
    {"cancel-only",
     "The venue is in cancel-only mode: new orders are not accepted, cancels are; post again "
     "when trading reopens."},
    {"trading is currently disabled",
     "Trading is halted on Polymarket; check polymarket.com and post again when it resumes."},
    {"FOK orders are fully filled or killed",
     "The fill-or-kill order could not be filled completely within its price, so the venue "
     "killed it; nothing was filled."},
    {"FOK_ORDER_NOT_FILLED",
     "The fill-or-kill order could not be filled completely within its price, so the venue "
     "killed it; nothing was filled."},
    {"FAK orders are partially filled or killed",
     "The fill-and-kill order found nothing to match within its price, so the venue killed it; "
     "nothing was filled."},
    {"not enough balance",
     "The wallet's balance or allowance does not cover this order: check its pUSD (shares for "
     "a sell) and its approvals for the exchange, then refresh the venue's balance cache."},
    {"INVALID_ORDER_NOT_ENOUGH_BALANCE",
     "The wallet's balance or allowance does not cover this order: check its pUSD (shares for "
     "a sell) and its approvals for the exchange, then refresh the venue's balance cache."},
    {"status unmatched",
     "The venue could not place the marketable order (status unmatched): nothing rests on the "
     "book and nothing was filled."},
    {"the market is not yet ready", "The market is not open for orders yet; post again later."},
    {"MARKET_NOT_READY", "The market is not open for orders yet; post again later."},
    {"invalid expiration",
     "The GTD expiration is too close: the venue needs it more than a minute ahead; set a later "
     "expiration."},
    {"INVALID_ORDER_EXPIRATION",
     "The GTD expiration is too close: the venue needs it more than a minute ahead; set a later "
     "expiration."},
    {"invalid nonce",
     "The venue refused the order's nonce, a check of the retired V1 exchange; re-sign the order "
     "for the current exchange."},
    {"order_version_mismatch",
     "The order was signed for another exchange version than the venue runs; refresh the "
     "venue's version, sign again and post the new order."},
    {"Duplicated",
     "The venue already holds an order with this hash, so an earlier post went through; read the "
     "order by its hash instead of posting it again."},
    // §5.3 and §5.4 sizes and prices.
    {"lower than the minimum",
     "The order is smaller than the market's minimum size (min_order_size on its book); make it "
     "larger."},
    {"INVALID_ORDER_MIN_SIZE",
     "The order is smaller than the market's minimum size (min_order_size on its book); make it "
     "larger."},
    {"minimum tick size",
     "The price is not a multiple of the market's tick size; round it to the tick."},
    {"INVALID_ORDER_MIN_TICK_SIZE",
     "The price is not a multiple of the market's tick size; round it to the tick."},
    {"invalid amounts",
     "The venue refused the order's amounts (too many decimals, or not price times size); the "
     "order was built wrongly, so report it rather than retrying."},
    {"invalid price", "The price is outside the market's range or off its tick; correct it."},
    // §0 and §4 accounts and signatures.
    {"please use the deposit wallet flow",
     "This account must trade through a deposit wallet: sign with signature type 3, with the "
     "deposit wallet as maker and signer."},
    {"the order signer address has to be the address of the API KEY",
     "The order's signer is not the address the API key belongs to: derive the API key with the "
     "signer's key, or sign with the key's address."},
    {"invalid signature",
     "The venue could not verify the order's signature: check the signature type, the maker and "
     "signer addresses and the exchange the order was signed for."},
    {"Invalid L1 Request headers",
     "The venue refused the wallet signature on the API-key request: check the signer's key, its "
     "address and the clock."},
    {"Unauthorized/Invalid api key",
     "The venue refused the API credentials: the key is unknown or deleted, the secret or "
     "passphrase is wrong, or the address is not the key's owner; derive the key again."},
    {"Could not create api key",
     "An API key already exists for this address and nonce; derive it instead."},
    {"Could not derive api key", "No API key exists for this address and nonce yet; create one."},
    {"Invalid token id", "The venue does not know this token id; check the market's outcomes."},
    // Venue-side failures reported as rejections.
    {"DELAYING_ORDER_ERROR",
     "The venue failed to queue the marketable order for its matching delay; it was not placed."},
    {"could not insert order",
     "The venue could not insert the order, so it was not placed; post it again, and report it "
     "if it repeats."},
    {"INVALID_ORDER_ERROR",
     "The venue could not insert the order, so it was not placed; post it again, and report it "
     "if it repeats."},
    {"EXECUTION_ERROR",
     "The venue failed while executing the order; read the order by its hash before doing "
     "anything else."},
    // §7.3 and §8 windows, as ClobVenue words them when the body says nothing.
    {"HTTP 425",
     "The venue's matching engine is restarting, so the order was not placed; it can be posted "
     "again in a minute or two."},
    {"Too Many Requests",
     "The venue's rate limit was reached, so the order was not placed; post it again after a "
     "pause."},
    {"HTTP 429",
     "The venue's rate limit was reached, so the order was not placed; post it again after a "
     "pause."},
    {"blocked by the venue's firewall",
     "The venue's firewall refused the request (HTTP 403 page, not the API): this server's "
     "address may be geo-blocked."},
};

bool ContainsIgnoreCase(absl::string_view haystack, absl::string_view needle) {
  return absl::StrContains(absl::AsciiStrToLower(haystack), absl::AsciiStrToLower(needle));
}

}  // namespace

std::string TraderReason(absl::string_view venue_error) {
  absl::string_view text = absl::StripAsciiWhitespace(venue_error);
  if (absl::EqualsIgnoreCase(text, "unmatched")) {
    return "The venue could not place the marketable order (status unmatched): nothing rests on "
           "the book and nothing was filled.";
  }
  for (const Entry& entry : kEntries) {
    if (ContainsIgnoreCase(text, entry.fragment)) return entry.sentence;
  }
  return std::string(venue_error);
}

}  // namespace betteroms::venue
