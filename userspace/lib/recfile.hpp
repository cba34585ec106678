// netdropctl record files: raw records plus what is needed to read them on
// another machine (module info with the clock offsets, reason names, the
// kallsyms lines for every address seen, final statistics, and what
// `explain FILE` needs: counters, sockets, rules and hooks).
//
// Format: 8-byte magic "NDREC01\n", then sections, each
//   u32 type, u32 zero, u64 length, payload, zero padding to 8 bytes.
// All integers little-endian.  Unknown section types are skipped.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "record.hpp"
#include "session.hpp"

namespace netdrop {

enum class SectionType : uint32_t {
  info = 1,             // struct netdrop_info
  reasons = 2,          // text: "value name\n"
  symbols = 3,          // kallsyms-format text
  records = 4,          // raw records, back to back
  stats = 5,            // struct netdrop_stats
  reset_reasons = 6,    // text: "value name\n"
  explain_context = 7,  // text: explain_context.hpp
  flight = 8,           // text: the flight recorder's trigger, window and loss
};

class RecordWriter {
 public:
  explicit RecordWriter(const std::string& path);
  void write_section(SectionType type, const void* data, size_t len);
  void flush();

 private:
  struct Closer {
    void operator()(FILE* f) const { fclose(f); }
  };
  std::unique_ptr<FILE, Closer> file_;
  std::string path_;
};

struct Recording {
  netdrop_info info{};
  bool has_info = false;
  std::vector<Reason> reasons;
  std::vector<Reason> reset_reasons;
  std::string symbols;
  std::vector<std::byte> records;
  netdrop_stats stats{};
  bool has_stats = false;
  std::string explain_context;  // empty in recordings made before it
  std::string flight;           // written by the flight recorder only
};

// Reads a whole record file; throws UsageError naming the file and the
// problem when it is not one.
Recording read_recording(const std::string& path);
Recording parse_recording(const std::vector<std::byte>& bytes, const std::string& name);

// Hands each decodable event of a recording to fn, in order; skips records
// of kinds this version does not know.  Throws UsageError naming the file
// and the byte of a damaged record.
void for_each_event(const Recording& rec, const std::string& name, const std::function<void(const Event&)>& fn);

}  // namespace netdrop
