#include "theta/video/manifest.hpp"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "theta/core/hash.hpp"
#include "theta/core/rlp.hpp"
#include "theta/core/status.hpp"

namespace theta::video {
namespace {

constexpr std::string_view kSigningDomain = "theta-video-manifest-v1";

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("manifest: ", std::string(what)));
}

bool IsCodecsChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == ',' || c == '-' || c == '_';
}

absl::Status CheckRendition(const Rendition& r) {
  if (!IsValidName(r.name)) {
    return Invalid(absl::StrCat("rendition name \"", r.name.substr(0, 80),
                                "\" is not 1..64 characters of [a-z0-9_-]"));
  }
  if (r.codecs.size() > kMaxCodecsLength) return Invalid("codecs string longer than 128");
  for (char c : r.codecs) {
    if (!IsCodecsChar(c)) return Invalid("codecs string has a character outside [A-Za-z0-9.,_-]");
  }
  if (r.width > 16384 || r.height > 16384) return Invalid("width or height above 16384");
  if (r.segments.size() > kMaxSegmentsPerRendition) return Invalid("more than 65536 segments");
  for (size_t i = 0; i < r.segments.size(); ++i) {
    const SegmentEntry& s = r.segments[i];
    if (i > 0 && s.index != r.segments[i - 1].index + 1) {
      return Invalid(absl::StrCat("rendition ", r.name, ": segment ", i, " has index ", s.index,
                                  ", expected ", r.segments[i - 1].index + 1));
    }
    if (s.size == 0 || s.size > kMaxSegmentSize) {
      return Invalid(absl::StrCat("rendition ", r.name, ": segment ", s.index, " has size ", s.size,
                                  " outside 1..64 MiB"));
    }
    if (s.duration_us == 0 || s.duration_us > 600'000'000) {
      return Invalid(absl::StrCat("rendition ", r.name, ": segment ", s.index,
                                  " has a duration outside (0, 600 s]"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStructure(const Manifest& m) {
  if (!IsValidName(m.stream_id)) {
    return Invalid("stream id is not 1..64 characters of [a-z0-9_-]");
  }
  if (m.target_duration_ms == 0 || m.target_duration_ms > 600'000) {
    return Invalid("target duration outside (0, 600 s]");
  }
  if (m.live_window > kMaxSegmentsPerRendition) return Invalid("live window above 65536");
  if (m.format != SegmentFormat::kTs && m.format != SegmentFormat::kFmp4)
    return Invalid("unknown segment format");
  for (const Rendition& r : m.renditions) {
    if (m.fmp4() && (r.init_size == 0 || r.init_size > kMaxSegmentSize))
      return Invalid(
          absl::StrCat("rendition ", r.name, ": fMP4 init segment size outside 1..64 MiB"));
    if (!m.fmp4() && (r.init_size != 0 || r.init_hash != Hash32()))
      return Invalid(absl::StrCat("rendition ", r.name, ": an MPEG-TS stream has no init segment"));
  }
  if (m.renditions.empty() || m.renditions.size() > kMaxRenditions) {
    return Invalid("needs 1..16 renditions");
  }
  for (size_t i = 0; i < m.renditions.size(); ++i) {
    if (absl::Status st = CheckRendition(m.renditions[i]); !st.ok()) return st;
    for (size_t j = 0; j < i; ++j) {
      if (m.renditions[j].name == m.renditions[i].name) {
        return Invalid(absl::StrCat("rendition name ", m.renditions[i].name, " appears twice"));
      }
    }
  }
  return absl::OkStatus();
}

// Version 1 unless the manifest needs version 2's fields.
bool Extended(const Manifest& m) {
  return m.live() || m.format != SegmentFormat::kTs;
}

void WriteBody(RlpWriter& w, const Manifest& m) {
  w.BeginList()
      .AddUint(Extended(m) ? kExtendedManifestVersion : kManifestVersion)
      .AddString(m.stream_id)
      .AddUint(m.target_duration_ms)
      .AddBytes(m.publisher)
      .AddUint(m.sequence)
      .BeginList();
  for (const Rendition& r : m.renditions) {
    w.BeginList()
        .AddString(r.name)
        .AddUint(r.bandwidth)
        .AddUint(r.width)
        .AddUint(r.height)
        .AddString(r.codecs)
        .BeginList();
    for (const SegmentEntry& s : r.segments) {
      w.BeginList().AddUint(s.index).AddUint(s.duration_us).AddUint(s.size).AddBytes(s.hash);
      w.EndList();
    }
    w.EndList();
    if (Extended(m)) {
      w.AddUint(r.init_size);
      w.AddBytes(m.fmp4() ? r.init_hash.view() : ByteView());
    }
    w.EndList();
  }
  w.EndList();
  if (Extended(m)) w.AddUint(m.live_window).AddUint(static_cast<uint64_t>(m.format));
  w.EndList();
}

absl::StatusOr<std::string> ReadString(RlpListReader& reader) {
  absl::StatusOr<RlpItem> item = reader.Next();
  if (!item.ok()) return item.status();
  absl::StatusOr<ByteView> bytes = RlpBytes(*item);
  if (!bytes.ok()) return bytes.status();
  return ToString(*bytes);
}

absl::StatusOr<uint64_t> ReadUint(RlpListReader& reader) {
  absl::StatusOr<RlpItem> item = reader.Next();
  if (!item.ok()) return item.status();
  return RlpUint64(*item);
}

absl::StatusOr<uint32_t> ReadUint32(RlpListReader& reader) {
  absl::StatusOr<uint64_t> v = ReadUint(reader);
  if (!v.ok()) return v.status();
  if (*v > 0xffffffffu) return Invalid("integer field exceeds 32 bits");
  return static_cast<uint32_t>(*v);
}

absl::StatusOr<SegmentEntry> DecodeSegment(const RlpItem& item) {
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(item);
  if (!reader.ok()) return reader.status();
  SegmentEntry s;
  THETA_ASSIGN_OR_RETURN(s.index, ReadUint(*reader));
  THETA_ASSIGN_OR_RETURN(s.duration_us, ReadUint(*reader));
  THETA_ASSIGN_OR_RETURN(s.size, ReadUint(*reader));
  absl::StatusOr<RlpItem> hash = reader->Next();
  if (!hash.ok()) return hash.status();
  THETA_ASSIGN_OR_RETURN(s.hash, RlpFixed<32>(*hash));
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return st;
  return s;
}

absl::StatusOr<Rendition> DecodeRendition(const RlpItem& item, bool extended) {
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(item);
  if (!reader.ok()) return reader.status();
  Rendition r;
  THETA_ASSIGN_OR_RETURN(r.name, ReadString(*reader));
  THETA_ASSIGN_OR_RETURN(r.bandwidth, ReadUint(*reader));
  THETA_ASSIGN_OR_RETURN(r.width, ReadUint32(*reader));
  THETA_ASSIGN_OR_RETURN(r.height, ReadUint32(*reader));
  THETA_ASSIGN_OR_RETURN(r.codecs, ReadString(*reader));
  absl::StatusOr<RlpItem> list = reader->Next();
  if (!list.ok()) return list.status();
  absl::StatusOr<RlpListReader> segments = RlpListReader::Open(*list);
  if (!segments.ok()) return segments.status();
  while (!segments->AtEnd()) {
    if (r.segments.size() >= kMaxSegmentsPerRendition) return Invalid("more than 65536 segments");
    absl::StatusOr<RlpItem> seg = segments->Next();
    if (!seg.ok()) return seg.status();
    THETA_ASSIGN_OR_RETURN(SegmentEntry entry, DecodeSegment(*seg));
    r.segments.push_back(entry);
  }
  if (extended) {
    THETA_ASSIGN_OR_RETURN(r.init_size, ReadUint(*reader));
    absl::StatusOr<RlpItem> hash = reader->Next();
    if (!hash.ok()) return hash.status();
    THETA_ASSIGN_OR_RETURN(ByteView hash_bytes, RlpBytes(*hash));
    if (!hash_bytes.empty()) {  // empty: no init segment (MPEG-TS)
      THETA_ASSIGN_OR_RETURN(r.init_hash, RlpFixed<32>(*hash));
      if (r.init_hash == Hash32()) return Invalid("an all-zero init hash is written empty");
    }
  }
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return st;
  return r;
}

absl::StatusOr<Manifest> DecodeBody(const RlpItem& item) {
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(item);
  if (!reader.ok()) return reader.status();
  Manifest m;
  THETA_ASSIGN_OR_RETURN(uint64_t version, ReadUint(*reader));
  if (version != kManifestVersion && version != kExtendedManifestVersion) {
    return Invalid(absl::StrCat("unsupported version ", version, " (this build reads 1 and 2)"));
  }
  THETA_ASSIGN_OR_RETURN(m.stream_id, ReadString(*reader));
  THETA_ASSIGN_OR_RETURN(m.target_duration_ms, ReadUint(*reader));
  absl::StatusOr<RlpItem> publisher = reader->Next();
  if (!publisher.ok()) return publisher.status();
  THETA_ASSIGN_OR_RETURN(m.publisher, RlpFixed<20>(*publisher));
  THETA_ASSIGN_OR_RETURN(m.sequence, ReadUint(*reader));
  absl::StatusOr<RlpItem> list = reader->Next();
  if (!list.ok()) return list.status();
  absl::StatusOr<RlpListReader> renditions = RlpListReader::Open(*list);
  if (!renditions.ok()) return renditions.status();
  while (!renditions->AtEnd()) {
    if (m.renditions.size() >= kMaxRenditions) return Invalid("more than 16 renditions");
    absl::StatusOr<RlpItem> r = renditions->Next();
    if (!r.ok()) return r.status();
    THETA_ASSIGN_OR_RETURN(Rendition rendition,
                           DecodeRendition(*r, version == kExtendedManifestVersion));
    m.renditions.push_back(std::move(rendition));
  }
  if (version == kExtendedManifestVersion) {
    THETA_ASSIGN_OR_RETURN(m.live_window, ReadUint32(*reader));
    THETA_ASSIGN_OR_RETURN(uint64_t format, ReadUint(*reader));
    if (format > 1) return Invalid(absl::StrCat("unknown segment format ", format));
    m.format = static_cast<SegmentFormat>(format);
    // Canonical: what version 1 can say is said in version 1.
    if (!Extended(m)) return Invalid("a version 2 manifest that version 1 can express");
  }
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return st;
  return m;
}

absl::Status Prefixed(const absl::Status& st) {
  if (st.ok() || absl::StartsWith(st.message(), "manifest:")) return st;
  return absl::Status(st.code(), absl::StrCat("manifest: ", std::string(st.message())));
}

}  // namespace

const SegmentEntry* Rendition::Find(uint64_t index) const {
  if (index == kInitSegmentIndex) return nullptr;  // not a media segment: see InitEntry
  if (segments.empty() || index < segments.front().index) return nullptr;
  const uint64_t offset = index - segments.front().index;
  if (offset >= segments.size()) return nullptr;
  return &segments[offset];  // indexes are contiguous (VerifyManifest)
}

const Rendition* Manifest::Find(std::string_view rendition) const {
  for (const Rendition& r : renditions) {
    if (r.name == rendition) return &r;
  }
  return nullptr;
}

std::string Manifest::SegmentFileName(uint64_t index) const {
  if (index == kInitSegmentIndex) return "init.mp4";
  return absl::StrCat(index, fmp4() ? ".m4s" : ".ts");
}

bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Hash32 ManifestSigningHash(const Manifest& manifest) {
  RlpWriter w;
  WriteBody(w, manifest);
  Bytes message(kSigningDomain.begin(), kSigningDomain.end());
  const Bytes& body = w.bytes();
  message.insert(message.end(), body.begin(), body.end());
  return Blake2b256(message);
}

absl::Status SignManifest(Manifest& manifest, const PrivateKey& key) {
  if (absl::Status st = CheckStructure(manifest); !st.ok()) return st;
  manifest.publisher = AddressFromPublicKey(key.DerivePublicKey());
  manifest.signature = Sign(key, ManifestSigningHash(manifest));
  return absl::OkStatus();
}

absl::Status VerifyManifest(const Manifest& manifest,
                            const std::optional<Address>& expected_publisher) {
  if (absl::Status st = CheckStructure(manifest); !st.ok()) return st;
  absl::StatusOr<Address> signer =
      RecoverAddress(ManifestSigningHash(manifest), manifest.signature);
  if (!signer.ok()) return Prefixed(signer.status());
  if (*signer != manifest.publisher) {
    return absl::PermissionDeniedError(absl::StrCat("manifest: signed by ", signer->ToHex(),
                                                    ", not by the named publisher ",
                                                    manifest.publisher.ToHex()));
  }
  if (expected_publisher && *expected_publisher != manifest.publisher) {
    return absl::PermissionDeniedError(
        absl::StrCat("manifest: publisher ", manifest.publisher.ToHex(), " is not the expected ",
                     expected_publisher->ToHex()));
  }
  return absl::OkStatus();
}

Bytes EncodeManifest(const Manifest& manifest) {
  RlpWriter w;
  w.BeginList();
  WriteBody(w, manifest);
  w.AddBytes(manifest.signature.bytes).EndList();
  return std::move(w).Finish();
}

absl::StatusOr<Manifest> DecodeManifest(ByteView bytes) {
  if (bytes.size() > kMaxManifestSize) return Invalid("larger than 16 MiB");
  absl::StatusOr<RlpItem> top = DecodeRlp(bytes, RlpLimits{.max_depth = 8});
  if (!top.ok()) return Prefixed(top.status());
  absl::StatusOr<RlpListReader> reader = RlpListReader::Open(*top);
  if (!reader.ok()) return Prefixed(reader.status());
  absl::StatusOr<RlpItem> body = reader->Next();
  if (!body.ok()) return Prefixed(body.status());
  absl::StatusOr<Manifest> m = DecodeBody(*body);
  if (!m.ok()) return Prefixed(m.status());
  absl::StatusOr<RlpItem> sig = reader->Next();
  if (!sig.ok()) return Prefixed(sig.status());
  absl::StatusOr<ByteView> sig_bytes = RlpBytes(*sig);
  if (!sig_bytes.ok()) return Prefixed(sig_bytes.status());
  absl::StatusOr<Signature> signature = Signature::FromBytes(*sig_bytes);
  if (!signature.ok()) return Prefixed(signature.status());
  m->signature = *signature;
  if (absl::Status st = reader->ExpectEnd(); !st.ok()) return Prefixed(st);
  if (absl::Status st = VerifyManifest(*m); !st.ok()) return st;
  return m;
}

}  // namespace theta::video
