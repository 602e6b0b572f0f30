// 128-bit intermediates for products of micro-unit amounts (a GCC/Clang extension).
#pragma once

namespace betteroms {

__extension__ using Int128 = __int128;

}  // namespace betteroms
