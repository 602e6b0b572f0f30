// How the API's messages look to a person: the tables and summaries that several commands share.
#pragma once

#include <string>

#include "betteroms/v1/oms.pb.h"

namespace betteroms::omsctl {

// "-" for an empty cell, so columns stay readable.
std::string OrDash(const std::string& s);

std::string PositionsTable(const google::protobuf::RepeatedPtrField<v1::Position>& positions);

// Orders with their refusal reasons below the table; `with_plan` adds a PLAN column. When any
// order is live, VENUE (the venue's status word) and HASH (the order hash, shortened) columns
// follow STATUS, and a live order's reason includes the venue's error; a table of paper orders is
// unchanged.
std::string OrdersTable(const google::protobuf::RepeatedPtrField<v1::Order>& orders,
                        bool with_plan);

// "Live: 1 submitting, 2 not sent" for orders in the live-only statuses; "" when there are none.
std::string LiveCountsText(const google::protobuf::RepeatedPtrField<v1::Order>& orders);

// Each live order's paper twin beside its live fill: the twin's status and shares @ average
// price, the live ones, and the difference (price in basis points, positive when live was worse
// for the trader; shares live - twin). Orders without a twin show dashes; "" when no order is
// live.
std::string TwinTable(const google::protobuf::RepeatedPtrField<v1::Order>& orders);

// "Paper twin: 100 shares for $41.00; live: 100 for $41.20; slippage +48.78 bps ($0.20) over 1
// order" for a live run's summary; "" when it has no twin figures.
std::string TwinTotalsText(const v1::RunSummary& summary);

// Price triggers: what each places and when, its status, and once fired the price that crossed,
// the book it saw and the order its trade placed; reasons below the table. `with_plan` adds a
// PLAN column.
std::string TriggersTable(const google::protobuf::RepeatedPtrField<v1::Trigger>& triggers,
                          bool with_plan);

// A run's headline, counts (a live run's also by live status), money, the paper twin's totals
// (live runs), and its orders and positions.
std::string SummaryText(const v1::RunSummary& summary);
// "warning: trades[0].price: price 0.555 moved to 0.55, ..." lines, one per adjustment.
std::string WarningsText(const google::protobuf::RepeatedPtrField<v1::Violation>& warnings);

}  // namespace betteroms::omsctl
