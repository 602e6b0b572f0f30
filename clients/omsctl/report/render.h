// `omsctl report`'s page: one self-contained HTML document (inline CSS and SVG, no script, no
// network) from the server's Report: the equity curve, positions, and each run's fills on the
// book snapshots they were priced on, with the paper twins' slippage for live runs.
#pragma once

#include <string>

#include "betteroms/v1/oms.pb.h"

namespace betteroms::omsctl::report {

// The whole page. Every string from the server is escaped; amounts are shown from their decimal
// text, never through a double.
std::string RenderReport(const v1::Report& report);

}  // namespace betteroms::omsctl::report
