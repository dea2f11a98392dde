"""Parameter sweeps from a config's [[sweeps]] tables.

Two kinds:
- gbench: one case of a suite's binary per value, e.g. case = "BM_Keccak256/{value}".
- command: any program (the consensus simulator, a load generator), argv with {value}, {seed},
  {build} and {repo} substituted; it prints one JSON object of metrics as its last stdout line, and
  the sweep's `metric` names the one plotted. Run once per value and seed (deterministic programs
  reproduce exactly with the same seed).
"""

import json
import statistics
import subprocess
from pathlib import Path

from . import gbench
from .results import make_goal
from .units import substitute


class SweepError(Exception):
    pass


def _points_from_values(value, seed: int, values: list[float]) -> dict:
    return {"value": value, "seed": seed, "repeats": values, "min": min(values),
            "median": statistics.median(values), "max": max(values)}


def run_gbench_point(sweep: dict, binary: Path, value, repetitions: int, min_time: float,
                     env: dict, timeout: float, seed: int) -> dict:
    case = sweep["case"].replace("{value}", str(value))
    run = gbench.run_case(binary, case, repetitions, min_time, env, timeout)
    if run.error:
        raise SweepError(f"sweep {sweep['name']}: case {case}: {run.error}")
    metric = sweep.get("metric", "time")
    if metric == "time":
        values = run.real_ns if gbench.uses_real_time(case) else run.cpu_ns
    elif metric in run.counters:
        values = run.counters[metric]
    else:
        raise SweepError(f"sweep {sweep['name']}: case {case} reports no counter '{metric}' "
                         f"(it has: {', '.join(sorted(run.counters)) or 'none'})")
    return _points_from_values(value, seed, values)


def run_command_point(sweep: dict, value, seed: int, subst: dict, env: dict, timeout: float) -> dict:
    mapping = dict(subst, value=str(value), seed=str(seed))
    argv = [substitute(arg, mapping) for arg in sweep["command"]]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout)
    except FileNotFoundError as e:
        raise SweepError(f"sweep {sweep['name']}: {argv[0]} not found (not built?)") from e
    except subprocess.TimeoutExpired as e:
        raise SweepError(f"sweep {sweep['name']}: {value}: timed out after {timeout:.0f} s") from e
    if proc.returncode != 0:
        raise SweepError(f"sweep {sweep['name']}: {value}: exit status {proc.returncode}: "
                         f"{proc.stderr.strip()[-300:]}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        metrics = json.loads(lines[-1]) if lines else None
    except json.JSONDecodeError:
        metrics = None
    if not isinstance(metrics, dict):
        raise SweepError(f"sweep {sweep['name']}: the last output line is not a JSON object of metrics")
    metric = sweep.get("metric", "")
    if not isinstance(metrics.get(metric), (int, float)):
        raise SweepError(f"sweep {sweep['name']}: output has no numeric '{metric}' "
                         f"(it has: {', '.join(sorted(metrics))})")
    point = _points_from_values(value, seed, [float(metrics[metric])])
    point["metrics"] = metrics
    return point


def point_goals(sweep: dict, point: dict) -> list[dict]:
    """The sweep's goals (config `goals`) that apply at this point's value, each with the measured value:
    the sweep's own metric is the point's median, any other comes from the program's metrics."""
    out = []
    for g in sweep.get("goals", []):
        if float(g["at"]) != float(point["value"]):
            continue
        metric = g["metric"]
        value = point.get("metrics", {}).get(metric)
        if metric == sweep.get("metric", "time") and value is None:
            value = point["median"]
        op, target = ("<=", g["max"]) if "max" in g else (">=", g["min"])
        unit = sweep.get("unit", "") if metric == sweep.get("metric") else g.get("unit", "")
        goal = make_goal(op, target, unit, g.get("source", ""),
                         float(value) if isinstance(value, (int, float)) else None)
        out.append(dict(goal, metric=metric, value=value if isinstance(value, (int, float)) else None))
    return out


def describe(sweep: dict) -> dict:
    """The sweep's header in results.json (points are appended as they finish)."""
    metric = sweep.get("metric", "time")
    unit = sweep.get("unit", "ns" if metric == "time" else "")
    return {"name": sweep["name"], "kind": sweep.get("kind", "gbench"), "title": sweep.get("title", sweep["name"]),
            "parameter": sweep["parameter"], "metric": metric, "unit": unit,
            "better": sweep.get("better", "lower"), "points": [], "status": "ok", "note": "",
            **({"metric2": sweep["metric2"]} if sweep.get("metric2") else {})}
