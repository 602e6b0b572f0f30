// Conversions from stored rows and domain values to API messages. Decimals become strings here.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "betteroms/v1/oms.pb.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/positions.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"

namespace betteroms::service {

v1::Order ToApiOrder(const store::OrderRow& row);
void AddApiFills(v1::Order& order, const std::vector<store::ExecutionRow>& fills);
v1::Book ToApiBook(const domain::Book& book);
v1::Position ToApiPosition(const std::string& mode, const std::string& token,
                           const std::string& outcome, const domain::PositionState& pos,
                           const domain::Book* book);
v1::Run ToApiRun(const store::RunRow& row);

// Position keeping over stored fills, by (mode, token).
struct PositionKey {
  std::string mode;
  std::string token;
  auto operator<=>(const PositionKey&) const = default;
};
struct HeldPosition {
  std::string outcome;
  domain::PositionState state;
};
std::map<PositionKey, HeldPosition> FoldPositions(const std::vector<store::ExecutionRow>& fills);

}  // namespace betteroms::service
