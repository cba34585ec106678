// netdropctl subcommands.  Each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace netdrop::cli {

using Args = std::vector<std::string>;

int cmd_stream(const Args& args);
int cmd_summary(const Args& args);
int cmd_status(const Args& args);
int cmd_reasons(const Args& args);
int cmd_record(const Args& args);
int cmd_report(const Args& args);
int cmd_dump_hooks(const Args& args);
int cmd_counters(const Args& args);
int cmd_explain(const Args& args);
int cmd_exporter(const Args& args);
int cmd_service(const Args& args);

}  // namespace netdrop::cli
