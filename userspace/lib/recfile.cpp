#include "recfile.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>

#include "filter.hpp"

namespace netdrop {

namespace {

constexpr char magic[8] = {'N', 'D', 'R', 'E', 'C', '0', '1', '\n'};

struct SectionHeader {
  uint32_t type;
  uint32_t zero;
  uint64_t length;
};

std::vector<Reason> parse_reasons(std::string_view text) {
  std::vector<Reason> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
    if (ec != std::errc{} || p == line.data() + line.size()) continue;
    out.push_back({v, std::string(p + 1, line.data() + line.size())});
  }
  return out;
}

}  // namespace

RecordWriter::RecordWriter(const std::string& path) : path_(path) {
  file_.reset(fopen(path.c_str(), "wb"));
  if (!file_) throw SystemError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  if (fwrite(magic, 1, sizeof(magic), file_.get()) != sizeof(magic))
    throw SystemError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

void RecordWriter::write_section(SectionType type, const void* data, size_t len) {
  SectionHeader h{static_cast<uint32_t>(type), 0, len};
  static constexpr char zeros[8] = {};
  size_t pad = (8 - len % 8) % 8;
  if (fwrite(&h, sizeof(h), 1, file_.get()) != 1 || (len > 0 && fwrite(data, 1, len, file_.get()) != len) ||
      (pad > 0 && fwrite(zeros, 1, pad, file_.get()) != pad))
    throw SystemError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
}

void RecordWriter::flush() { fflush(file_.get()); }

Recording parse_recording(const std::vector<std::byte>& bytes, const std::string& name) {
  auto bad = [&](std::string_view why) {
    return UsageError(fmt::format("{}: not a netdrop recording ({})", name, why));
  };
  if (bytes.size() < sizeof(magic) || std::memcmp(bytes.data(), magic, sizeof(magic)) != 0) throw bad("bad magic");
  Recording rec;
  size_t pos = sizeof(magic);
  while (pos < bytes.size()) {
    SectionHeader h{};
    if (bytes.size() - pos < sizeof(h)) throw bad("truncated section header");
    std::memcpy(&h, bytes.data() + pos, sizeof(h));
    pos += sizeof(h);
    if (h.length > bytes.size() - pos) throw bad("truncated section");
    const std::byte* p = bytes.data() + pos;
    std::string_view text(reinterpret_cast<const char*>(p), h.length);
    switch (static_cast<SectionType>(h.type)) {
      case SectionType::info:
        if (h.length < sizeof(rec.info)) throw bad("short info section");
        std::memcpy(&rec.info, p, sizeof(rec.info));
        rec.has_info = true;
        break;
      case SectionType::reasons: rec.reasons = parse_reasons(text); break;
      case SectionType::reset_reasons: rec.reset_reasons = parse_reasons(text); break;
      case SectionType::symbols: rec.symbols.append(text); break;
      case SectionType::explain_context: rec.explain_context.append(text); break;
      case SectionType::flight: rec.flight.append(text); break;
      case SectionType::records: rec.records.insert(rec.records.end(), p, p + h.length); break;
      case SectionType::stats:
        if (h.length < sizeof(rec.stats)) throw bad("short stats section");
        std::memcpy(&rec.stats, p, sizeof(rec.stats));
        rec.has_stats = true;
        break;
      default: break;
    }
    uint64_t padded = h.length + (8 - h.length % 8) % 8;
    pos += std::min<uint64_t>(padded, bytes.size() - pos);
  }
  if (!rec.has_info) throw bad("no info section");
  return rec;
}

void for_each_event(const Recording& rec, const std::string& name, const std::function<void(const Event&)>& fn) {
  Bytes all(rec.records.data(), rec.records.size());
  for (size_t pos = 0; pos < all.size();) {
    Event ev;
    Decoded dec = decode_event(all.subspan(pos), ev);
    if (dec.status == DecodeStatus::truncated || dec.status == DecodeStatus::malformed)
      throw UsageError(fmt::format("{}: damaged record at byte {}", name, pos));
    pos += dec.size;
    if (dec.status == DecodeStatus::ok) fn(ev);
  }
}

Recording read_recording(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(raw.size());
  std::memcpy(bytes.data(), raw.data(), raw.size());
  return parse_recording(bytes, path);
}

}  // namespace netdrop
