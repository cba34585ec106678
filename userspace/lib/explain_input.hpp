// explain's inputs from netdrop's own records and the host's files.
#pragma once

#include <map>
#include <string>

#include "explain.hpp"
#include "format.hpp"
#include "hooks.hpp"
#include "record.hpp"

namespace netdrop {

// taints: module -> /sys/module/NAME/taint, filled as modules are met.
ExplainDrop explain_drop(const Drop& d, ViewContext& ctx, std::map<std::string, std::string>& taints);
ExplainReset explain_reset(const Reset& r);
// A hook of the inventory (dump-hooks), with its module's taint.
ExplainHook explain_hook(const Hook& h);

// The sysctls that bound what explain reports (socket buffers, backlog),
// read from root/proc/sys.
std::map<std::string, std::string> read_explain_sysctls(const std::string& root = "");

}  // namespace netdrop
