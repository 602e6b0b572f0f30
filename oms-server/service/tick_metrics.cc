#include "oms-server/service/tick_metrics.h"

#include <utility>

#include "common/metrics.h"

namespace betteroms::service {

void RecordTick(const absl::StatusOr<domain::TickReport>& report, double seconds) {
  if (!report.ok()) {
    metrics::ObserveTick("failed", seconds);
    return;
  }
  metrics::ObserveTick(report->skipped ? "skipped" : "ok", seconds);
  if (report->skipped) return;
  const domain::TickReport& r = *report;
  for (const auto& [kind, n] : {std::pair{"orders_filled", r.orders_filled},
                                {"orders_partially_filled", r.orders_partially_filled},
                                {"orders_expired", r.orders_expired},
                                {"orders_reconciled", r.orders_reconciled},
                                {"orders_cancelled_by_venue", r.orders_cancelled_by_venue},
                                {"orders_cancelled_after", r.orders_cancelled_after},
                                {"fills_new", r.fills_new},
                                {"fills_confirmed", r.fills_confirmed},
                                {"fills_failed", r.fills_failed},
                                {"markets_resolved", r.markets_resolved},
                                {"triggers_fired", r.triggers_fired},
                                {"triggers_expired", r.triggers_expired},
                                {"triggers_cancelled", r.triggers_cancelled}}) {
    metrics::CountTickChanges(kind, n);
  }
}

}  // namespace betteroms::service
