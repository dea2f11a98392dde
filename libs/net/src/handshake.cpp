#include "internal/handshake.hpp"

#include <cstring>
#include <string>

#include "internal/sodium_init.hpp"

namespace theta::net::internal {
namespace {

constexpr std::array<uint8_t, 4> kHelloMagic = {'T', 'H', 'N', '1'};
constexpr std::string_view kAuthTag = "theta-net/1 handshake auth";

}  // namespace

Bytes EncodeHello(const Hello& hello) {
  Bytes out(kHelloMagic.begin(), kHelloMagic.end());
  out.reserve(kHelloSize);
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(hello.network_id >> shift));
  }
  out.push_back(static_cast<uint8_t>(hello.listen_port >> 8));
  out.push_back(static_cast<uint8_t>(hello.listen_port));
  out.insert(out.end(), hello.id.bytes.begin(), hello.id.bytes.end());
  out.insert(out.end(), hello.ephemeral.begin(), hello.ephemeral.end());
  return out;
}

absl::StatusOr<Hello> DecodeHello(ByteView bytes) {
  if (bytes.size() != kHelloSize) {
    return absl::InvalidArgumentError("handshake: hello of " + std::to_string(bytes.size()) +
                                      " bytes, expected " + std::to_string(kHelloSize));
  }
  if (std::memcmp(bytes.data(), kHelloMagic.data(), kHelloMagic.size()) != 0) {
    return absl::InvalidArgumentError("handshake: hello does not start with the magic \"THN1\"");
  }
  Hello hello;
  const uint8_t* p = bytes.data() + 4;
  hello.network_id = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  hello.listen_port = static_cast<uint16_t>((p[4] << 8) | p[5]);
  std::memcpy(hello.id.data(), p + 6, 32);
  std::memcpy(hello.ephemeral.data(), p + 38, 32);
  return hello;
}

Bytes AuthTranscript(bool signer_is_initiator, ByteView initiator_hello, ByteView responder_hello) {
  Bytes out(kAuthTag.begin(), kAuthTag.end());
  out.push_back(signer_is_initiator ? 'I' : 'R');
  out.insert(out.end(), initiator_hello.begin(), initiator_hello.end());
  out.insert(out.end(), responder_hello.begin(), responder_hello.end());
  return out;
}

EphemeralKeys EphemeralKeys::Generate() {
  EnsureSodium();
  EphemeralKeys keys;
  crypto_kx_keypair(keys.public_key.data(), keys.secret_key.data());
  return keys;
}

absl::StatusOr<SessionKeys> DeriveSessionKeys(const EphemeralKeys& own,
                                              const std::array<uint8_t, 32>& peer_public,
                                              bool initiator) {
  SessionKeys keys;
  const int rc = initiator
                     ? crypto_kx_client_session_keys(keys.receive.data(), keys.transmit.data(),
                                                     own.public_key.data(), own.secret_key.data(),
                                                     peer_public.data())
                     : crypto_kx_server_session_keys(keys.receive.data(), keys.transmit.data(),
                                                     own.public_key.data(), own.secret_key.data(),
                                                     peer_public.data());
  if (rc != 0) {
    return absl::PermissionDeniedError("handshake: the peer's ephemeral key is not usable");
  }
  return keys;
}

std::array<uint8_t, kStreamHeaderSize> StreamEncryptor::Init(const std::array<uint8_t, 32>& key) {
  std::array<uint8_t, kStreamHeaderSize> header{};
  crypto_secretstream_xchacha20poly1305_init_push(&state_, header.data(), key.data());
  return header;
}

Bytes StreamEncryptor::Seal(ByteView plaintext) {
  Bytes out(plaintext.size() + kStreamOverhead);
  crypto_secretstream_xchacha20poly1305_push(&state_, out.data(), nullptr, plaintext.data(),
                                             plaintext.size(), nullptr, 0,
                                             crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  return out;
}

absl::Status StreamDecryptor::Init(const std::array<uint8_t, 32>& key, ByteView header) {
  if (header.size() != kStreamHeaderSize ||
      crypto_secretstream_xchacha20poly1305_init_pull(&state_, header.data(), key.data()) != 0) {
    return absl::InvalidArgumentError("handshake: invalid secretstream header");
  }
  return absl::OkStatus();
}

absl::StatusOr<Bytes> StreamDecryptor::Open(ByteView ciphertext) {
  if (ciphertext.size() < kStreamOverhead) {
    return absl::DataLossError("frame of " + std::to_string(ciphertext.size()) +
                               " bytes is shorter than the authentication tag");
  }
  Bytes out(ciphertext.size() - kStreamOverhead);
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&state_, out.data(), nullptr, &tag,
                                                 ciphertext.data(), ciphertext.size(), nullptr,
                                                 0) != 0) {
    return absl::DataLossError("frame failed authentication (tampered or corrupted ciphertext)");
  }
  if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
    return absl::DataLossError("frame carries an unexpected secretstream tag");
  }
  return out;
}

}  // namespace theta::net::internal
