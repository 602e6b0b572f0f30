// Bash completion for omsctl, generated from the command tree itself so that it never lags a
// new command or flag: `source <(omsctl completion bash)`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace betteroms::omsctl {

// A bash script defining `_omsctl` and `complete -F _omsctl omsctl`: subcommands after their
// parents, each command's flags (and the global ones) after "-", directories after --dir, files
// elsewhere.
std::string BashCompletion(CLI::App& app);

}  // namespace betteroms::omsctl
