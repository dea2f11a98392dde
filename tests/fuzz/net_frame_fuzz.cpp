// Fuzzes the peer transport's frame decoder and message envelope with arbitrary byte streams cut
// into arbitrary chunks. Properties: it never crashes; it never returns a frame over its limit; the
// frames it returns, re-framed, are exactly the bytes it consumed; once it refuses an oversize
// frame it stays failed; every envelope it accepts re-encodes to the same bytes (canonical).
#include <cstdint>
#include <cstdlib>

#include "theta/net/frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max_body = size_t{data[0]} * 4;
  const size_t chunk = static_cast<size_t>(data[1] % 32) + 1;
  const theta::ByteView stream(data + 2, size - 2);

  theta::net::FrameDecoder decoder(max_body);
  theta::Bytes reframed;
  bool failed = false;
  for (size_t offset = 0; offset < stream.size(); offset += chunk) {
    decoder.Feed(stream.subspan(offset, std::min(chunk, stream.size() - offset)));
    for (;;) {
      auto next = decoder.Next();
      if (!next.ok()) {
        if (next.status().code() != absl::StatusCode::kResourceExhausted) std::abort();
        failed = true;
        break;
      }
      if (failed) std::abort();  // a failed decoder must not recover
      if (!next->has_value()) break;
      const theta::Bytes& body = **next;
      if (body.size() > max_body) std::abort();
      theta::net::AppendFrame(reframed, body);
      auto message = theta::net::DecodeMessage(body);
      if (message.ok() && theta::net::EncodeMessage(message->channel, message->payload) != body) {
        std::abort();
      }
    }
    if (failed) break;
  }
  // What came out, framed again, is a prefix of what went in.
  if (reframed.size() > stream.size()) std::abort();
  if (!std::equal(reframed.begin(), reframed.end(), stream.begin())) std::abort();
  if (!failed && reframed.size() + decoder.buffered() != stream.size()) std::abort();
  return 0;
}
