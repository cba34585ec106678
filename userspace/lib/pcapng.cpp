#include "pcapng.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "session.hpp"

namespace netdrop {

namespace {

constexpr uint32_t block_shb = 0x0A0D0D0A;
constexpr uint32_t block_idb = 0x00000001;
constexpr uint32_t block_epb = 0x00000006;
constexpr uint16_t linktype_raw = 101;
constexpr uint16_t opt_end = 0;
constexpr uint16_t opt_comment = 1;
constexpr uint16_t opt_if_tsresol = 9;

template <typename T>
void put_le(std::string& b, T v) {
  for (size_t i = 0; i < sizeof(T); i++) b += static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
}

void pad4(std::string& b) {
  while (b.size() % 4 != 0) b += '\0';
}

void put_option(std::string& b, uint16_t code, std::string_view value) {
  put_le<uint16_t>(b, code);
  put_le<uint16_t>(b, static_cast<uint16_t>(value.size()));
  b += value;
  pad4(b);
}

// Wraps a body into a block: type, total length, body, total length.
std::string block(uint32_t type, const std::string& body) {
  std::string b;
  auto total = static_cast<uint32_t>(12 + body.size());
  put_le(b, type);
  put_le(b, total);
  b += body;
  put_le(b, total);
  return b;
}

}  // namespace

PcapngWriter::PcapngWriter(const std::string& path) : path_(path) {
  file_.reset(fopen(path.c_str(), "wb"));
  if (!file_) throw SystemError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  std::string shb;
  put_le<uint32_t>(shb, 0x1A2B3C4D);
  put_le<uint16_t>(shb, 1);
  put_le<uint16_t>(shb, 0);
  put_le<int64_t>(shb, -1);
  put_option(shb, 4 /* shb_userappl */, "netdropctl " NETDROP_VERSION);
  put_le<uint32_t>(shb, opt_end);
  put(block(block_shb, shb));

  std::string idb;
  put_le<uint16_t>(idb, linktype_raw);
  put_le<uint16_t>(idb, 0);
  put_le<uint32_t>(idb, 0);  // snaplen: unlimited
  put_option(idb, 2 /* if_name */, "netdrop");
  put_option(idb, opt_if_tsresol, std::string_view("\x09", 1));
  put_le<uint32_t>(idb, opt_end);
  put(block(block_idb, idb));
}

void PcapngWriter::write(uint64_t wall_ns, Bytes packet, uint32_t orig_len, std::string_view comment) {
  std::string epb;
  put_le<uint32_t>(epb, 0);  // interface 0
  put_le<uint32_t>(epb, static_cast<uint32_t>(wall_ns >> 32));
  put_le<uint32_t>(epb, static_cast<uint32_t>(wall_ns));
  put_le<uint32_t>(epb, static_cast<uint32_t>(packet.size()));
  put_le<uint32_t>(epb, std::max<uint32_t>(orig_len, static_cast<uint32_t>(packet.size())));
  epb.append(reinterpret_cast<const char*>(packet.data()), packet.size());
  pad4(epb);
  if (!comment.empty()) put_option(epb, opt_comment, comment.substr(0, 65535));
  put_le<uint32_t>(epb, opt_end);
  put(block(block_epb, epb));
  packets_++;
}

void PcapngWriter::put(const std::string& b) {
  if (fwrite(b.data(), 1, b.size(), file_.get()) != b.size())
    throw SystemError(fmt::format("cannot write {}: {}", path_, std::strerror(errno)));
}

void PcapngWriter::flush() { fflush(file_.get()); }

}  // namespace netdrop
