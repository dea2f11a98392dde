"""Running one Google Benchmark binary case by case and reading its JSON output.

Each case runs in its own process (exact-name filter), so a progress bar can count cases, Ctrl-C loses
only the case in flight, and a crashing case is reported as failed without losing the rest.
"""

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

_TIME_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
# Fields of a Google Benchmark run that are not user counters.
_STANDARD = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit", "label",
    "error_occurred", "error_message", "aggregate_name", "aggregate_unit",
}
_ERE_SPECIAL = re.compile(r"([\\.^$|?*+()\[\]{}])")


class BenchError(Exception):
    pass


def list_cases(binary: Path, env: dict[str, str], timeout: float = 120) -> list[str]:
    proc = subprocess.run(
        [str(binary), "--benchmark_list_tests=true"], capture_output=True, text=True, env=env,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise BenchError(f"{binary.name} --benchmark_list_tests failed: {proc.stderr.strip()[-500:]}")
    return [line.strip() for line in proc.stdout.splitlines() if line.strip()]


def exact_filter(case: str) -> str:
    """A --benchmark_filter (POSIX extended regex) matching exactly this case name."""
    return "^" + _ERE_SPECIAL.sub(r"\\\1", case) + "$"


@dataclass
class CaseRun:
    case: str
    time_unit: str = "ns"
    real_ns: list[float] = field(default_factory=list)  # one per repetition
    cpu_ns: list[float] = field(default_factory=list)
    iterations: list[int] = field(default_factory=list)
    counters: dict[str, list[float]] = field(default_factory=dict)
    label: str = ""
    error: str = ""
    context: dict = field(default_factory=dict)


def run_case(
    binary: Path, case: str, repetitions: int, min_time: float, env: dict[str, str], timeout: float
) -> CaseRun:
    """Runs one case with repetitions; a failure is returned in CaseRun.error, not raised."""
    result = CaseRun(case=case)
    with tempfile.TemporaryDirectory(prefix="theta-bench-") as tmp:
        out = Path(tmp) / "out.json"
        argv = [
            str(binary),
            f"--benchmark_filter={exact_filter(case)}",
            f"--benchmark_repetitions={repetitions}",
            f"--benchmark_min_time={min_time}",
            f"--benchmark_out={out}",
            "--benchmark_out_format=json",
            "--benchmark_format=json",
        ]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
        except subprocess.TimeoutExpired:
            result.error = f"timed out after {timeout:.0f} s"
            return result
        if proc.returncode != 0 or not out.is_file():
            result.error = f"exit status {proc.returncode}: {proc.stderr.strip()[-400:]}"
            return result
        try:
            doc = json.loads(out.read_text())
        except json.JSONDecodeError as e:
            result.error = f"unreadable benchmark JSON: {e}"
            return result
    result.context = doc.get("context", {})
    _collect(result, doc.get("benchmarks", []))
    if not result.error and not result.cpu_ns:
        result.error = "the filter matched no case (renamed?)"
    return result


def _collect(result: CaseRun, runs: list[dict]) -> None:
    for run in runs:
        if run.get("run_type", "iteration") != "iteration":
            continue
        if run.get("error_occurred"):
            result.error = f"skipped by the benchmark: {run.get('error_message', '')}"
            return
        scale = _TIME_NS.get(run.get("time_unit", "ns"), 1.0)
        result.time_unit = run.get("time_unit", "ns")
        result.real_ns.append(float(run["real_time"]) * scale)
        result.cpu_ns.append(float(run["cpu_time"]) * scale)
        result.iterations.append(int(run.get("iterations", 0)))
        result.label = run.get("label", result.label)
        for key, value in run.items():
            if key not in _STANDARD and isinstance(value, (int, float)):
                result.counters.setdefault(key, []).append(float(value))


def parameters(case: str) -> dict[str, str]:
    """Arguments encoded in a case name: 'BM_X/200' -> {'arg0': '200'}; 'n:4' -> {'n': '4'}.

    Google Benchmark's own suffixes (iterations:1, manual_time, real_time, repeats:3, min_time:...)
    are options, not parameters, and are left out.
    """
    params: dict[str, str] = {}
    parts = case.split("/")[1:]
    positional = 0
    for part in parts:
        if part in ("manual_time", "real_time", "process_time") or re.match(
            r"^(iterations|repeats|min_time|min_warmup_time|threads):", part
        ):
            continue
        if ":" in part:
            key, _, value = part.partition(":")
            params[key] = value
        else:
            params[f"arg{positional}"] = part
            positional += 1
    return params


def uses_real_time(case: str) -> bool:
    """Cases registered with UseRealTime/UseManualTime carry the suffix; their CPU time means nothing."""
    return case.endswith("/manual_time") or case.endswith("/real_time")


def child_env(seed: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["THETA_BENCH_SEED"] = str(seed)
    env.update(extra or {})
    return env
