// `theta-edge run JOB.json [--backend=auto|cpu|vulkan] [--out=FILE] [--blobs=DIR]`: runs one
// compute job (a JobSpec, or a JobOrder whose spec is taken) on this machine and prints a JSON
// line: {"kernel", "backend", "output_hash", "output_bytes", "time_ms"[, "out"]
// [, "output_hex" for outputs of at most 256 bytes]}. --out writes the raw output bytes;
// --blobs resolves inputs given by hash from DIR/<0x-hash> files; --backend overrides the spec's
// choice (auto: Vulkan when a device opens, with the runner's routing; cpu; vulkan, which fails
// without a device).
//
// Exit status: 0 done; 2 bad flags or a bad job (unreadable file, malformed spec, shapes that do
// not fit, limits exceeded); 1 a runtime failure (no Vulkan device for --backend=vulkan, an input
// not found, a device error, the output not writable).
#pragma once

#include <string>

namespace theta::edge {

int RunJobCommand(const std::string& job_path);

}  // namespace theta::edge
