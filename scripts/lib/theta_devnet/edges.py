"""The devnet's edge apps (theta-edge): edge0 publishes a generated test stream as its origin, signed
with edge0's on-chain account key; edge1 is an edge cache in front of it that accepts only manifests
signed by edge0's address. Both are plain HTTP (HLS) servers; theta-edge can charge swarm viewers
with service-payment vouchers (serve --payee_key --node_rpc, docs/p2p-video.md), but this launcher
does not turn that on, so their accounts only hold the genesis funds
(tests/integration/video_payments_test.py runs a paid edge on a devnet)."""

import os
import shutil
import subprocess
import time

from .rpc import http_ok

STREAM_ID = "devnet"


class EdgeError(Exception):
    pass


def _hex_key(text):
    text = text.strip()
    return text if text.startswith("0x") else "0x" + text


def _read_port(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def make_test_clip(path, seconds=20):
    """A short H.264/AAC test pattern made by ffmpeg (once; reused when present)."""
    if os.path.exists(path):
        return
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise EdgeError("ffmpeg is not installed (scripts/bootstrap installs it)")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp.mp4"
    argv = [
        ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", tmp,
    ]
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise EdgeError(f"ffmpeg could not make the test clip: {result.stderr.strip()[-500:]}")
    os.replace(tmp, path)


class EdgeApps:
    """Starts the edge apps of a Devnet (its `edges` entries) in the devnet's ProcessGroup."""

    def __init__(self, devnet, player_js=None):
        self.devnet = devnet
        self.player_js = player_js
        self.urls = {}  # name -> base URL
        self.roles = {}  # name -> "origin" or "edge cache"

    def _dir(self, name):
        return os.path.join(self.devnet.data_dir, name)

    def _common(self, name):
        port_file = os.path.join(self._dir(name), "http.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        argv = [f"--dir={os.path.join(self._dir(name), 'store')}", "--listen=127.0.0.1",
                "--port=0", f"--port_file={port_file}"]
        if self.player_js:
            argv.append(f"--player_js={self.player_js}")
        return argv, port_file

    def _wait_port(self, name, port_file, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            port = _read_port(port_file)
            if port:
                return port
            code = self.devnet.procs.returncode(name)
            if code is not None:
                raise EdgeError(f"{name} exited with status {code}:\n{self.devnet.procs.tail(name)}")
            time.sleep(0.2)
        raise EdgeError(f"{name} did not start serving within {timeout:.0f}s")

    def start(self, timeout=90.0):
        """Starts the origin (edge0) and edge caches (the others). Raises EdgeError with the reason
        when they cannot run (no theta-edge binary, no ffmpeg, a failing start)."""
        edges = self.devnet.edges
        if not edges:
            return
        if not self.devnet.edge_bin or not os.path.exists(self.devnet.edge_bin):
            raise EdgeError(f"theta-edge not found at {self.devnet.edge_bin}")
        origin = edges[0]
        clip = os.path.join(self._dir(origin["name"]), "clip.mp4")
        make_test_clip(clip)
        argv, port_file = self._common(origin["name"])
        self.devnet.procs.start(
            origin["name"],
            [self.devnet.edge_bin, "publish", f"--input={clip}", f"--stream={STREAM_ID}",
             f"--key={_hex_key(origin['private_key'])}", *argv],
            os.path.join(self.devnet.logs_dir, f"{origin['name']}.log"))
        origin_port = self._wait_port(origin["name"], port_file, timeout)
        origin_url = f"http://127.0.0.1:{origin_port}"
        self.urls[origin["name"]] = origin_url
        self.roles[origin["name"]] = "origin"
        for edge in edges[1:]:
            argv, port_file = self._common(edge["name"])
            self.devnet.procs.start(
                edge["name"],
                [self.devnet.edge_bin, "serve", f"--origin={origin_url}",
                 f"--publisher={origin['address']}", *argv],
                os.path.join(self.devnet.logs_dir, f"{edge['name']}.log"))
            port = self._wait_port(edge["name"], port_file, timeout)
            self.urls[edge["name"]] = f"http://127.0.0.1:{port}"
            self.roles[edge["name"]] = "edge cache"

    def watch_url(self, name):
        return f"{self.urls[name]}/watch/{STREAM_ID}"

    def serving(self, name):
        """True when the app answers for the stream's master playlist."""
        url = self.urls.get(name)
        return bool(url) and http_ok(f"{url}/streams/{STREAM_ID}/master.m3u8")
