#!/usr/bin/env bash
# The browser end-to-end test: an origin (theta-edge publish) and an edge (theta-edge serve) on
# loopback, Chromium playing the edge's player page through hls.js (play.mjs).
#   run_e2e.sh THETA_EDGE FFMPEG TESTS_DIR WORK_DIR [ts|fmp4]
# Exit 77 (CTest: skipped) only when no Chromium is installed.
set -euo pipefail
edge_bin=$1 ffmpeg=$2 tests_dir=$3 work=$4 format=${5:-ts}
seconds=${THETA_E2E_SECONDS:-4}

if [[ -z "${THETA_CHROMIUM:-}" && ! -x /usr/bin/chromium && ! -x /usr/bin/chromium-browser ]]; then
  echo "SKIP: Chromium is not installed (Debian package chromium; scripts/bootstrap installs it)"
  exit 77
fi
for f in "$tests_dir/node_modules/hls.js/dist/hls.min.js" "$tests_dir/node_modules/playwright-core/package.json"; do
  [[ -f "$f" ]] || { echo "FAIL: $f is missing: run scripts/bootstrap (npm ci in tests/)"; exit 1; }
done

rm -rf "$work" && mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$ffmpeg" -hide_banner -loglevel error -y -f lavfi -i testsrc=size=320x180:rate=24 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 8 -c:v libx264 -preset ultrafast \
  -pix_fmt yuv420p -g 24 -sc_threshold 0 -c:a aac -b:a 64k "$work/in.mp4"

wait_port() {  # the port file appears once the server listens
  for _ in $(seq 1 100); do [[ -s "$1" ]] && return 0; sleep 0.1; done
  echo "FAIL: $1 never appeared"; cat "$work"/*.log; exit 1
}
"$edge_bin" publish --input="$work/in.mp4" --stream=e2e --dir="$work/origin" --target_duration=1 \
  --format="$format" --port_file="$work/origin.port" >"$work/origin.log" 2>&1 &
pids+=($!)
wait_port "$work/origin.port"
"$edge_bin" serve --origin="http://127.0.0.1:$(cat "$work/origin.port")" --dir="$work/edge" \
  --player_js="$tests_dir/node_modules/hls.js/dist/hls.min.js" --port_file="$work/edge.port" \
  >"$work/edge.log" 2>&1 &
pids+=($!)
wait_port "$work/edge.port"

node "$tests_dir/e2e-browser/play.mjs" "http://127.0.0.1:$(cat "$work/edge.port")/watch/e2e" \
  "$seconds" "$work/screenshot.png"
