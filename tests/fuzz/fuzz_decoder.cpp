// libFuzzer target: the record decoder and both views must accept any bytes
// (a ring written by a newer or broken kernel, a damaged file).
#include <cstddef>
#include <cstdint>

#include "format.hpp"
#include "record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static netdrop::Symbolizer symbols =
      netdrop::Symbolizer::from_text("ffffffff81000000 T _stext\nffffffff81b00000 t __udp4_lib_rcv\n");
  netdrop::ViewContext ctx;
  ctx.symbols = &symbols;
  netdrop::Bytes buf(reinterpret_cast<const std::byte*>(data), size);
  for (size_t pos = 0; pos < buf.size();) {
    netdrop::Event ev;
    netdrop::Decoded d = netdrop::decode_event(buf.subspan(pos), ev);
    if (d.status == netdrop::DecodeStatus::truncated || d.status == netdrop::DecodeStatus::malformed) break;
    if (d.status == netdrop::DecodeStatus::ok) {
      if (ev.is_drop()) {
        (void)netdrop::format_text(ev.drop, ctx);
        (void)netdrop::format_json(ev.drop, ctx);
      } else {
        (void)netdrop::format_reset_text(ev.reset, ctx);
        (void)netdrop::format_reset_json(ev.reset, ctx);
      }
    }
    if (d.size == 0) break;
    pos += d.size;
  }
  return 0;
}
