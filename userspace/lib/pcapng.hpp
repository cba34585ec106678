// pcapng output: raw IP packets (LINKTYPE_RAW) with a comment per packet.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "record.hpp"

namespace netdrop {

class PcapngWriter {
 public:
  // Writes the section header and one interface; throws SystemError.
  explicit PcapngWriter(const std::string& path);
  void write(uint64_t wall_ns, Bytes packet, uint32_t orig_len, std::string_view comment);
  void flush();
  [[nodiscard]] uint64_t packets() const { return packets_; }

 private:
  struct Closer {
    void operator()(FILE* f) const { fclose(f); }
  };
  void put(const std::string& block);
  std::unique_ptr<FILE, Closer> file_;
  std::string path_;
  uint64_t packets_ = 0;
};

}  // namespace netdrop
