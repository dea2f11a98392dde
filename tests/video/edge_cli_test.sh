#!/usr/bin/env bash
# theta-edge end to end on the command line: truncated input stores nothing; publish writes the
# playlists and the signed manifest; serve + watch play the stream through an edge, over HTTP and
# through the swarm (origin and edge swarm nodes, a viewer that gets every byte from the edge); an
# fMP4 stream plays from its origin; a live input (ffmpeg -re into a FIFO) is published as it grows
# and watched to its end.
#   edge_cli_test.sh THETA_EDGE FFMPEG WORK_DIR
set -euo pipefail
edge_bin=$1 ffmpeg=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$ffmpeg" -hide_banner -loglevel error -y -f lavfi -i testsrc=size=160x96:rate=24 -t 4 \
  -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 24 -movflags +faststart "$work/in.mp4"
head -c $(( $(stat -c %s "$work/in.mp4") / 2 )) "$work/in.mp4" > "$work/cut.mp4"

if "$edge_bin" publish --input="$work/cut.mp4" --stream=cut --dir="$work/bad" --serve=false 2>"$work/bad.err"; then
  fail "publishing truncated media succeeded"
fi
grep -q "DATA_LOSS" "$work/bad.err" || fail "no DataLoss message: $(cat "$work/bad.err")"
if ls "$work/bad/store/"*.seg >/dev/null 2>&1; then fail "a segment of the truncated input was stored"; fi

"$edge_bin" publish --input="$work/in.mp4" --stream=cli --dir="$work/origin" --target_duration=1 \
  --serve=false >"$work/publish.out"
for f in manifest.rlp master.m3u8 source/index.m3u8; do
  [[ -s "$work/origin/cli/$f" ]] || fail "publish did not write $f"
done
[[ $(ls "$work/origin/store/"*.seg | wc -l) -eq 4 ]] || fail "expected 4 stored segments"

"$edge_bin" publish --input="$work/in.mp4" --stream=cli --dir="$work/origin2" --target_duration=1 \
  --port_file="$work/origin.port" --swarm_port=0 >"$work/origin.log" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/origin.port" ]] && break; sleep 0.1; done
origin_swarm=$(awk '/swarm on port/ {print $NF}' "$work/origin.log")
"$edge_bin" serve --origin="http://127.0.0.1:$(cat "$work/origin.port")" --dir="$work/edge" \
  --port_file="$work/edge.port" --swarm_port=0 --swarm_peers="127.0.0.1:$origin_swarm" >"$work/edge.log" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/edge.port" ]] && break; sleep 0.1; done
edge_swarm=$(awk '/swarm on port/ {print $NF}' "$work/edge.log")
[[ -n "$origin_swarm" && -n "$edge_swarm" ]] || fail "a swarm port was not printed"

# Over HTTP from the edge.
report=$("$edge_bin" watch "http://127.0.0.1:$(cat "$work/edge.port")/watch/cli" --realtime=false)
echo "$report"
[[ "$report" == *'"segments": 4'* ]] || fail "watch did not play 4 segments"
[[ "$report" == *'"rejected": 0'* ]] || fail "watch rejected segments"

# Through the swarm: every byte comes from the edge's swarm node, none from HTTP.
report=$("$edge_bin" watch "http://127.0.0.1:$(cat "$work/edge.port")/watch/cli" --realtime=false \
  --swarm_peers="127.0.0.1:$edge_swarm" --dir="$work/viewer" | tail -1)
echo "$report"
[[ "$report" == *'"bytes_from_origin": 0,'* ]] || fail "the swarm viewer fell back to HTTP"
[[ "$report" == *'"offload": 1.0000'* ]] || fail "offload is not 100 %"

# fMP4: an init segment plus .m4s fragments, played from the origin over HTTP.
"$edge_bin" publish --input="$work/in.mp4" --stream=frag --dir="$work/fmp4" --target_duration=1 \
  --format=fmp4 --port_file="$work/fmp4.port" >"$work/fmp4.log" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/fmp4.port" ]] && break; sleep 0.1; done
grep -q '#EXT-X-MAP:URI="init.mp4"' "$work/fmp4/frag/source/index.m3u8" || fail "no EXT-X-MAP"
report=$("$edge_bin" watch "http://127.0.0.1:$(cat "$work/fmp4.port")/watch/frag" --realtime=false)
echo "$report"
[[ "$report" == *'"segments": 4'* ]] || fail "watch did not play 4 fMP4 segments"

# Live: ffmpeg -re writes 4 s into a FIFO; the origin publishes segments as they are cut and a
# viewer follows the growing stream to its end, as MPEG-TS and as fMP4.
for format in ts fmp4; do
  live="$work/live-$format"
  mkdir -p "$live" && mkfifo "$live/in.ts"
  "$ffmpeg" -hide_banner -loglevel error -re -i "$work/in.mp4" -c copy -f mpegts -y "$live/in.ts" &
  pids+=($!)
  "$edge_bin" publish --live --input="$live/in.ts" --stream=livecli --dir="$live" --format="$format" \
    --target_duration=1 --port_file="$live/port" >"$live/log" &
  pids+=($!)
  for _ in $(seq 1 100); do [[ -s "$live/livecli/manifest.rlp" ]] && break; sleep 0.1; done
  [[ -s "$live/livecli/manifest.rlp" ]] || fail "the live publisher wrote no manifest ($format)"
  grep -q "#EXT-X-ENDLIST" "$live/livecli/source/index.m3u8" && fail "a live playlist has an end"
  report=$("$edge_bin" watch "http://127.0.0.1:$(cat "$live/port")/watch/livecli" --realtime=false)
  echo "$format: $report"
  [[ "$report" == *'"segments": 4'* ]] || fail "watch did not follow the live $format stream to 4 segments"
  grep -q "#EXT-X-ENDLIST" "$live/livecli/source/index.m3u8" || fail "the ended stream has no end"
done
echo "ok"
