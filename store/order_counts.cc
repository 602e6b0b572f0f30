#include "store/order_counts.h"

namespace betteroms::store {

absl::StatusOr<std::vector<OrderStatusCount>> CountOrdersByStatus(Connection& conn) {
  absl::StatusOr<Result> res = conn.Exec(
      "count orders", "SELECT mode, status, count(*) AS n FROM orders GROUP BY mode, status");
  if (!res.ok()) return res.status();
  std::vector<OrderStatusCount> out;
  for (int i = 0; i < res->rows(); ++i) {
    RowReader r = res->Row(i);
    OrderStatusCount c{r.Text("mode"), r.Text("status"), r.Int("n")};
    if (!r.status().ok()) return r.status();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace betteroms::store
