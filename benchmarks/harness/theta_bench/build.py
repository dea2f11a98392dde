"""Building the benchmark targets a run needs (release preset unless told otherwise)."""

import re
import subprocess
from pathlib import Path


class BuildError(Exception):
    pass


def configure_if_needed(repo: Path, build_dir: Path, preset: str, log: Path) -> None:
    if (build_dir / "CMakeCache.txt").is_file():
        return
    if build_dir.resolve() != (repo / "build" / preset).resolve():
        raise BuildError(f"{build_dir} is not a configured CMake build directory (no CMakeCache.txt)")
    with log.open("a") as out:
        proc = subprocess.run(["cmake", "--preset", preset], cwd=repo, stdout=out, stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise BuildError(f"cmake --preset {preset} failed; see {log}")


def available_targets(build_dir: Path) -> set[str] | None:
    """Targets the build system knows, or None when it cannot say (then every build is just tried)."""
    proc = subprocess.run(["cmake", "--build", str(build_dir), "--target", "help"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    names = set()
    for line in proc.stdout.splitlines():
        # Ninja: "theta_core_bench: phony"; Makefiles: "... theta_core_bench"
        m = re.match(r"^(?:\.\.\. )?([A-Za-z0-9_.+-]+)(?::|\s|$)", line.strip())
        if m:
            names.add(m.group(1))
    return names


def build_target(build_dir: Path, target: str, jobs: int, log: Path) -> bool:
    with log.open("a") as out:
        out.write(f"\n==> cmake --build {build_dir} --target {target} -j{jobs}\n")
        out.flush()
        proc = subprocess.run(["cmake", "--build", str(build_dir), "--target", target, f"-j{jobs}"],
                              stdout=out, stderr=subprocess.STDOUT)
    return proc.returncode == 0
