#include "oms-server/domain/cancel.h"

#include "absl/strings/str_cat.h"

namespace betteroms::domain {

absl::StatusOr<Order> RequestCancel(Order order) {
  if (order.mode == Mode::kLive) {
    return absl::UnimplementedError("cancelling live orders is not available yet");
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
