// Internal: the bitrate ladder (decode once, scale and encode every rung, cut in step).
#pragma once

#include <string>

extern "C" {
#include <libavformat/avformat.h>
}

#include "absl/status/statusor.h"
#include "theta/video/segmenter.hpp"

namespace theta::video::internal {

// `audio` is -1 when the input has none. Renditions come back in ladder order with name, size and
// codecs set; SegmentMedia fills in bandwidth and the segment entries.
absl::StatusOr<SegmentedStream> TranscodeLadder(AVFormatContext* in, int video, int audio,
                                                const std::string& input,
                                                const SegmenterOptions& options);

}  // namespace theta::video::internal
