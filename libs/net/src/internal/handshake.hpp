// The transport handshake, private to the Host.
//
// 1. Both sides send a Hello in the clear: magic "THN1", network id, listen port, the Ed25519 node
// id
//    and a fresh X25519 ephemeral key.
// 2. Both derive per-direction keys with crypto_kx (the initiator plays the client), open a
//    crypto_secretstream_xchacha20poly1305 per direction and send its 24-byte header.
// 3. The first encrypted frame each way carries the sender's Ed25519 signature of AuthTranscript: a
//    domain tag, the signer's role and both Hellos as sent. A valid signature proves the peer holds
//    the identity key and chose this ephemeral key for this session, so a replayed Hello or a man
//    in the middle who swaps ephemeral keys fails here; a signature made as initiator cannot be
//    reflected back as a responder's.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "theta/core/bytes.hpp"
#include "theta/net/identity.hpp"

namespace theta::net::internal {

inline constexpr size_t kHelloSize = 4 + 4 + 2 + 32 + 32;
inline constexpr size_t kStreamHeaderSize = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
inline constexpr size_t kStreamOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;

struct Hello {
  uint32_t network_id = 0;
  uint16_t listen_port = 0;
  NodeId id;
  std::array<uint8_t, 32> ephemeral{};
};

Bytes EncodeHello(const Hello& hello);
// InvalidArgument unless `bytes` is exactly kHelloSize bytes starting with the magic.
absl::StatusOr<Hello> DecodeHello(ByteView bytes);

Bytes AuthTranscript(bool signer_is_initiator, ByteView initiator_hello, ByteView responder_hello);

struct EphemeralKeys {
  std::array<uint8_t, crypto_kx_PUBLICKEYBYTES> public_key{};
  std::array<uint8_t, crypto_kx_SECRETKEYBYTES> secret_key{};

  static EphemeralKeys Generate();
  ~EphemeralKeys() { sodium_memzero(secret_key.data(), secret_key.size()); }
};

struct SessionKeys {
  std::array<uint8_t, crypto_kx_SESSIONKEYBYTES> receive{};
  std::array<uint8_t, crypto_kx_SESSIONKEYBYTES> transmit{};

  ~SessionKeys() {
    sodium_memzero(receive.data(), receive.size());
    sodium_memzero(transmit.data(), transmit.size());
  }
};

// PermissionDenied when the peer's ephemeral key is unusable (a low-order point).
absl::StatusOr<SessionKeys> DeriveSessionKeys(const EphemeralKeys& own,
                                              const std::array<uint8_t, 32>& peer_public,
                                              bool initiator);

// One direction of the encrypted stream. Not thread-safe: each is driven by its session's strand.
class StreamEncryptor {
 public:
  // Starts a stream under `key`; the returned header must reach the peer before any ciphertext.
  std::array<uint8_t, kStreamHeaderSize> Init(const std::array<uint8_t, 32>& key);
  Bytes Seal(ByteView plaintext);

 private:
  crypto_secretstream_xchacha20poly1305_state state_{};
};

class StreamDecryptor {
 public:
  // InvalidArgument for a header libsodium refuses.
  absl::Status Init(const std::array<uint8_t, 32>& key, ByteView header);
  // DataLoss when the ciphertext fails authentication (tampered, reordered, replayed or truncated).
  absl::StatusOr<Bytes> Open(ByteView ciphertext);

 private:
  crypto_secretstream_xchacha20poly1305_state state_{};
};

}  // namespace theta::net::internal
