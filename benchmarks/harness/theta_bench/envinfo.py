"""What a figure depends on besides the code: machine, load, compiler, build type, library versions."""

import os
import platform
import re
import subprocess
from pathlib import Path

# Debian packages whose versions decide the anchors' (and our dependencies') speed.
_PACKAGES = [
    "libsecp256k1-dev", "libsodium-dev", "libcrypto++-dev", "libgmp-dev", "libleveldb-dev",
    "libopenblas-dev", "libbenchmark-dev", "libabsl-dev", "mesa-vulkan-drivers", "ffmpeg", "nodejs",
]


def _run(argv: list[str], cwd: Path | None = None, any_status: bool = False) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return proc.stdout.strip() if proc.returncode == 0 or any_status else ""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_bytes() -> int:
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        return int(m.group(1)) * 1024 if m else 0
    except OSError:
        return 0


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def git_info(repo: Path) -> dict:
    rev = _run(["git", "rev-parse", "HEAD"], repo)
    dirty = bool(_run(["git", "status", "--porcelain", "--untracked-files=no"], repo))
    return {"rev": rev, "short": rev[:10], "dirty": dirty,
            "branch": _run(["git", "rev-parse", "--abbrev-ref", "HEAD"], repo)}


def cmake_cache(build_dir: Path) -> dict[str, str]:
    cache = {}
    path = build_dir / "CMakeCache.txt"
    if path.is_file():
        for line in path.read_text(errors="replace").splitlines():
            m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line)
            if m:
                cache[m.group(1)] = m.group(2)
    return cache


def build_info(build_dir: Path) -> dict:
    cache = cmake_cache(build_dir)
    compiler = cache.get("CMAKE_CXX_COMPILER", "")
    build_type = cache.get("CMAKE_BUILD_TYPE", "")
    flags = " ".join(
        f for f in (cache.get("CMAKE_CXX_FLAGS", ""), cache.get(f"CMAKE_CXX_FLAGS_{build_type.upper()}", "")) if f
    )
    version = _run([compiler, "--version"]).splitlines()[0] if compiler and Path(compiler).exists() else ""
    return {"dir": str(build_dir), "build_type": build_type, "compiler": compiler,
            "compiler_version": version, "cxx_flags": flags}


def package_versions() -> dict[str, str]:
    # dpkg-query fails when any one package is unknown, yet still lists the others.
    out = _run(["dpkg-query", "-W", "-f=${Package} ${Version} ${db:Status-Abbrev}\n", *_PACKAGES], any_status=True)
    versions = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2].startswith("ii"):
            versions[parts[0]] = parts[1]
    return versions


def collect(repo: Path, build_dir: Path, seed: int) -> dict:
    return {
        "cpu_model": cpu_model(),
        "cores": os.cpu_count(),
        "memory_bytes": memory_bytes(),
        "load_average_start": load_average(),
        "kernel": platform.release(),
        "os": _os_name(),
        "python": platform.python_version(),
        "node": _run(["node", "--version"]),  # runs the @ethereumjs/evm anchor
        "hostname": platform.node(),
        "git": git_info(repo),
        "build": build_info(build_dir),
        "packages": package_versions(),
        "seed": seed,
    }


def _os_name() -> str:
    try:
        m = re.search(r'^PRETTY_NAME="?([^"\n]*)', Path("/etc/os-release").read_text(), re.M)
        return m.group(1) if m else ""
    except OSError:
        return ""
