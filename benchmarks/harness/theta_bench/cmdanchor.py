"""Anchors that are other programs (a Node EVM, the ffmpeg command line), run once per case."""

import json
import re
import shutil
import statistics
import subprocess
from pathlib import Path

from .suites import CommandAnchor, Suite, key_matches
from .units import substitute


def applies(anchor: CommandAnchor, case: str) -> bool:
    return key_matches(anchor.ours, case)


def excluded(anchor: CommandAnchor, case: str) -> bool:
    return bool(anchor.exclude and re.search(anchor.exclude, case))


def planned(suite: Suite, cases: list[str]) -> int:
    """How many anchor runs the cases will cost (for the progress bar)."""
    return sum(1 for a in suite.commands for c in cases if applies(a, c) and not excluded(a, c))


def measure(anchor: CommandAnchor, case: str, subst: dict, repetitions: int, min_time: float,
            env: dict, timeout: float) -> dict:
    """An anchor entry (see results.py) for case; a skip or failure carries value None and a note."""
    entry = {"label": anchor.label, "kind": "measured", "case": "", "unit": "ns", "ratio_better": "lower",
             "value": None, "low": None, "high": None, "ratio": None, "note": "", "repeats": []}
    if excluded(anchor, case):
        entry["note"] = anchor.exclude_note or "left out for this case"
        return entry
    mapping = dict(subst, case=case, repetitions=str(repetitions), min_time=str(min_time))
    argv = [substitute(arg, mapping) for arg in anchor.argv]
    entry["case"] = " ".join(Path(a).name if "/" in a else a for a in argv[:2])
    missing = [substitute(r, mapping) for r in anchor.requires if not Path(substitute(r, mapping)).exists()]
    if shutil.which(argv[0]) is None:
        missing.insert(0, argv[0])
    if missing:
        entry["note"] = f"anchor not installed here ({', '.join(missing)}; run ./scripts/bootstrap)"
        return entry
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        entry["note"] = f"anchor timed out after {timeout:.0f} s"
        return entry
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        out = json.loads(lines[-1]) if proc.returncode == 0 and lines else None
    except json.JSONDecodeError:
        out = None
    values = out.get("repeats_ns") if isinstance(out, dict) else None
    if not values or not all(isinstance(v, (int, float)) and v > 0 for v in values):
        entry["note"] = f"anchor failed: {proc.stderr.strip()[-300:] or 'no JSON result line'}"
        return entry
    entry.update(value=statistics.median(values), low=min(values), high=max(values), repeats=values)
    if "gas_used" in out:
        entry["gas_used"] = out["gas_used"]
    return entry
