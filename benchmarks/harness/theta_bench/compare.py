"""./scripts/bench compare OLD NEW: per-case change with a noise band from the repeats.

change = new median / old median (for a rate, old / new, so above 1 is always worse). The noise band of
a case is the larger relative spread (max - min) / median of its repeats in either run, and never less
than --min-band (default 10 %, about what this shared machine class shows between runs). A case is a
regression when its change exceeds 1 + band; the exit status is then 1.
"""

import argparse
import json
import sys
from pathlib import Path

Key = tuple[str, str, str]  # suite, case, metric


def _load(path: Path) -> dict[Key, dict]:
    file = path / "results.json" if path.is_dir() else path
    doc = json.loads(file.read_text())
    return {(r["suite"], r["case"], r["metric"]): r for r in doc.get("results", []) if r.get("status") == "ok"}


def _spread(r: dict) -> float:
    return (r["max"] - r["min"]) / r["median"] if r["median"] else 0.0


def compare(old: dict[Key, dict], new: dict[Key, dict], min_band: float) -> list[dict]:
    """One row per case present in both runs: change (above 1 is worse), band and verdict."""
    rows = []
    for key in [k for k in old if k in new]:
        o, n = old[key], new[key]
        if not o["median"] or not n["median"]:
            continue
        change = n["median"] / o["median"]
        if n["better"] == "higher":
            change = 1.0 / change
        band = max(min_band, _spread(o), _spread(n))
        verdict = "REGRESSION" if change > 1 + band else "faster" if change < 1 / (1 + band) else "same"
        rows.append({"name": f"{key[0]}/{key[1]}", "change": change, "band": band, "verdict": verdict})
    return rows


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="scripts/bench compare", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old", type=Path, help="a results folder or results.json")
    p.add_argument("new", type=Path)
    p.add_argument("--min-band", type=float, default=0.10, help="smallest noise band, relative (default 0.10)")
    args = p.parse_args(argv)
    try:
        old, new = _load(args.old), _load(args.new)
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
        print(f"bench compare: cannot read results: {e}", file=sys.stderr)
        return 2
    rows = compare(old, new, args.min_band)
    if not rows:
        print("bench compare: no case is in both runs", file=sys.stderr)
        return 2
    width = max(len(r["name"]) for r in rows)
    print(f"{'case':{width}}  {'change':>8}  {'band':>6}  verdict   (change > 1 is worse)")
    for r in rows:
        print(f"{r['name']:{width}}  {r['change']:8.3f}  {r['band']:6.1%}  {r['verdict']}")
    missing = len(set(old) - set(new))
    if missing:
        print(f"({missing} case(s) of OLD are not in NEW)")
    regressions = sum(r["verdict"] == "REGRESSION" for r in rows)
    print(f"{regressions} regression(s) beyond the noise band among {len(rows)} cases")
    return 1 if regressions else 0
