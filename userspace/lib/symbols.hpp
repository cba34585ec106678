// Kernel addresses to "symbol+0xoff [module]" from /proc/kallsyms.
#pragma once

#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdrop {

struct Symbol {
  uint64_t addr = 0;
  std::string name;
  std::string module;  // empty for the kernel image
};

struct Resolved {
  const Symbol* sym = nullptr;  // nullptr when unknown
  uint64_t offset = 0;
};

class Symbolizer {
 public:
  // Starts loading path in the background (reading /proc/kallsyms takes
  // a while; capture need not wait for it) and reloads it when an address
  // is not covered (a module loaded after the last load), at most once per
  // reload_interval_ms.
  explicit Symbolizer(std::string path = "/proc/kallsyms", int reload_interval_ms = 1000);
  // Builds from text (tests, report files).  Never reloads.
  static Symbolizer from_text(std::string_view text);

  Resolved resolve(uint64_t addr);
  // "sym+0xoff" (or "0xADDR" when unknown).
  std::string location(uint64_t addr);
  // Function start and end (next symbol) for a name, for --func.
  std::optional<std::pair<uint64_t, uint64_t>> range_of(std::string_view name) const;
  // Whether kallsyms shows real addresses to us (kptr_restrict, CAP_SYSLOG).
  [[nodiscard]] bool has_addresses() const { return !symbols().empty(); }
  [[nodiscard]] const std::vector<Symbol>& symbols() const;
  // kallsyms-format text of the symbols that cover addrs (for record files).
  std::string subset_text(const std::vector<uint64_t>& addrs);

 private:
  void load_text(std::string_view text);
  void reload();
  void wait_loaded() const;
  Resolved lookup(uint64_t addr) const;

  mutable std::future<std::vector<Symbol>> pending_;
  std::string path_;
  int reload_interval_ms_ = 0;
  int64_t last_load_ms_ = 0;
  mutable std::vector<Symbol> symbols_;  // sorted by addr, text symbols only
};

std::string format_location(const Resolved& r, uint64_t addr);
// The same, appended to out.
void append_location(std::string& out, const Resolved& r, uint64_t addr);

}  // namespace netdrop
