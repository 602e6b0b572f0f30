#include "oms-server/domain/cancel.h"

#include "absl/strings/str_cat.h"

namespace betteroms::domain {

absl::Status CheckLiveCancel(const Order& order) {
  switch (order.status) {
    case OrderStatus::kOpen:
    case OrderStatus::kPartiallyFilled:
    case OrderStatus::kDelayed:
    case OrderStatus::kUnknown:
      return absl::OkStatus();
    case OrderStatus::kNew:
    case OrderStatus::kSigned:
    case OrderStatus::kSubmitting:
      return absl::FailedPreconditionError(
          absl::StrCat("order ", order.id, " is being placed (", Name(order.status),
                       "); cancel it once the venue has answered (omsctl orders show, or the "
                       "next tick)"));
    default:
      return absl::FailedPreconditionError(absl::StrCat(
          "order ", order.id, " is ", Name(order.status), ": there is nothing to cancel"));
  }
}

absl::StatusOr<Order> RequestCancel(Order order) {
  if (order.mode == Mode::kLive) {
    return absl::FailedPreconditionError(
        "a live order is cancelled at the venue, and live trading is not configured on this "
        "server (start oms-server with --live)");
  }
  if (!order.Resting()) {
    return absl::FailedPreconditionError(
        absl::StrCat("order ", order.id, " is ", Name(order.status), " (", Name(order.tif),
                     "); only resting GTC/GTD orders can be cancelled"));
  }
  order.status = OrderStatus::kCancelled;
  order.reason = "cancelled by request";
  return order;
}

}  // namespace betteroms::domain
