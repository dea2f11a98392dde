"""Result records, anchors beside them, the results.json schema and the CSV form.

results.json (schema "theta-bench/1"):
  schema      "theta-bench/1"
  run         {id, started, finished, command, quick, interrupted, config_file, config}
  env         see envinfo.collect (also written alone as env.json)
  suites      [{name, status: ok|not_built|planned|build_failed|failed|interrupted, note, binary, cases,
                plot, plots: [further plot files, e.g. the chain and swarm figures]}]
  results     [{suite, case, parameters, role: ours|anchor, status: ok|failed, error, metric, unit,
                better: lower|higher, repeats: [...], min, median, max, iterations, counters, label,
                anchors: [{label, kind: measured|recorded, case|source+row, value, low, high, unit,
                           ratio, ratio_better, note}],
                goal (optional): {op: <=|>=, target, unit, source, met: true|false|null}}]
  sweeps      [{name, kind, title, parameter, metric, unit, better, status, note, plot,
                points: [{value, seed, median, min, max, repeats, metrics,
                          goals (optional): [{metric, op, target, unit, source, value, met}]}]}]
A time metric is in nanoseconds per operation. ratio = ours / anchor; ratio_better says which way is
better (for a time, lower; for a rate such as GFLOP/s, higher). docs/harness.md documents it.
"""

import csv
import json
import statistics
from pathlib import Path

from . import SCHEMA
from .anchors import Figure, RecordedFigures
from .gbench import CaseRun, parameters, uses_real_time
from .suites import Suite, key_matches

SUITE_STATUSES = {"ok", "not_built", "planned", "build_failed", "failed", "interrupted"}


def _stats(values: list[float]) -> dict:
    if not values:
        return {"repeats": [], "min": None, "median": None, "max": None}
    return {"repeats": values, "min": min(values), "median": statistics.median(values), "max": max(values)}


def make_record(suite: Suite, run: CaseRun, role: str) -> dict:
    metric, unit, better, values = "cpu_time", "ns", "lower", run.cpu_ns
    if uses_real_time(run.case):
        metric, values = "real_time", run.real_ns
    for m in suite.metrics:
        if key_matches(m.match, run.case) and m.counter in run.counters:
            metric, unit, better, values = m.counter, m.unit, m.better, run.counters[m.counter]
    record = {
        "suite": suite.name,
        "case": run.case,
        "parameters": parameters(run.case),
        "role": role,
        "status": "failed" if run.error else "ok",
        "error": run.error,
        "metric": metric,
        "unit": unit,
        "better": better,
        **_stats([] if run.error else values),
        "iterations": run.iterations,
        "counters": {k: statistics.median(v) for k, v in run.counters.items() if v},
        "label": run.label,
        "anchors": [],
    }
    return record


def make_goal(op: str, target: float, unit: str, source: str, value: float | None) -> dict:
    """A target an issue sets for a figure (op '<=' or '>='); met is None when nothing was measured."""
    met = None if value is None else bool(value <= target if op == "<=" else value >= target)
    return {"op": op, "target": float(target), "unit": unit, "source": source, "met": met}


def _validate_goal(goal, where: str, errors: list[str]) -> None:
    if not isinstance(goal, dict) or goal.get("op") not in ("<=", ">="):
        errors.append(f"{where}.op: must be '<=' or '>='")
        return
    if not isinstance(goal.get("target"), (int, float)):
        errors.append(f"{where}.target: not a number")
    if goal.get("met") not in (True, False, None):
        errors.append(f"{where}.met: must be true, false or null")
    if not isinstance(goal.get("source"), str):
        errors.append(f"{where}.source: not a string")


def make_simple_record(suite: str, case: str, params: dict, role: str, unit: str, better: str,
                       value: float | None, label: str = "") -> dict:
    """A record of one measured figure (a suite that is not Google Benchmark, e.g. chain): one repeat."""
    return {"suite": suite, "case": case, "parameters": params, "role": role,
            "status": "ok" if value is not None else "failed",
            "error": "" if value is not None else "not measured", "metric": case.split("/")[0],
            "unit": unit, "better": better, **_stats([] if value is None else [float(value)]),
            "iterations": 1, "counters": {}, "label": label, "anchors": []}


def _ratio(ours: float | None, anchor: float | None) -> float | None:
    if ours is None or anchor is None or anchor == 0:
        return None
    return ours / anchor


def attach_anchors(suite: Suite, records: list[dict], figures: RecordedFigures,
                   command_entries: dict[str, list[dict]] | None = None) -> None:
    """Adds to every 'ours' record the anchors the suite declares for it (command anchors were measured
    by the caller, in command_entries by case)."""
    by_case = {r["case"]: r for r in records}
    for record in records:
        if record["role"] != "ours":
            continue
        for pair in suite.pairs:
            if not key_matches(pair.ours, record["case"]):
                continue
            anchor = next((r for c, r in by_case.items() if key_matches(pair.anchor, c)), None)
            entry = {"label": pair.label, "kind": "measured", "case": anchor["case"] if anchor else pair.anchor,
                     "unit": record["unit"], "ratio_better": record["better"], "note": ""}
            if anchor is None or anchor["status"] != "ok" or anchor["metric"] != record["metric"]:
                entry.update(value=None, low=None, high=None, ratio=None,
                             note="anchor case not measured in this run" if anchor is None or anchor["status"] != "ok"
                             else f"anchor reports {anchor['metric']}, not {record['metric']}")
            else:
                entry.update(value=anchor["median"], low=anchor["min"], high=anchor["max"],
                             ratio=_ratio(record["median"], anchor["median"]))
            record["anchors"].append(entry)
        for entry in (command_entries or {}).get(record["case"], []):
            if entry["value"] is not None and record["unit"] == "ns":
                entry["ratio"] = _ratio(record["median"], entry["value"])
            ours_gas = record["counters"].get("gas_used")
            if "gas_used" in entry and ours_gas is not None:
                same = int(ours_gas) == int(entry["gas_used"])
                entry["note"] = (f"same gas used ({int(ours_gas):,})" if same else
                                 f"gas used differs: ours {int(ours_gas):,}, anchor {int(entry['gas_used']):,}")
            record["anchors"].append(entry)
        for rec in suite.all_recorded(figures):
            if not key_matches(rec.ours, record["case"]):
                continue
            found = figures.lookup(rec.source, rec.row, rec.column, rec.part)
            entry = {"label": rec.label, "kind": "recorded", "source": rec.source, "row": rec.row,
                     "unit": "ns", "ratio_better": "lower", "note": "recorded, not measured here"}
            if not isinstance(found, Figure):
                entry.update(value=None, low=None, high=None, ratio=None, note=found)
            elif record["unit"] != "ns":
                entry.update(value=found.ns, low=found.low_ns, high=found.high_ns, ratio=None,
                             note=f"recorded as a time; this case reports {record['unit']}")
            else:
                entry.update(value=found.ns, low=found.low_ns, high=found.high_ns,
                             ratio=_ratio(record["median"], found.ns))
            record["anchors"].append(entry)


def anchor_cases(suite: Suite, selected: list[str], available: list[str]) -> list[str]:
    """The anchor cases a selection needs (measured in the same run even if the filter left them out)."""
    needed = []
    for pair in suite.pairs:
        if any(key_matches(pair.ours, c) for c in selected):
            needed += [c for c in available if key_matches(pair.anchor, c) and c not in selected]
    return sorted(set(needed), key=available.index)


def role_of(suite: Suite, case: str) -> str:
    is_anchor = any(key_matches(p.anchor, case) for p in suite.pairs)
    is_ours = any(key_matches(p.ours, case) for p in suite.pairs)
    return "anchor" if is_anchor and not is_ours else "ours"


def write_json(path: Path, doc: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)  # a reader never sees half a file, even after Ctrl-C


CSV_COLUMNS = [
    "suite", "case", "role", "status", "metric", "unit", "better", "repeats", "min", "median", "max",
    "anchor_label", "anchor_kind", "anchor_value", "anchor_low", "anchor_high", "ratio", "ratio_better",
    "anchor_note", "goal_op", "goal_target", "goal_met", "parameters", "run_id", "git_rev", "git_dirty",
    "build_type", "cpu_model", "cores", "load_average_start",
]


def write_csv(path: Path, doc: dict) -> None:
    """One row per (case, anchor); a case without anchors gets one row with the anchor columns empty.
    Each row carries the run and machine it came from, so CSVs of several runs can be concatenated."""
    env = doc["env"]
    context = {"run_id": doc["run"]["id"], "git_rev": env["git"]["rev"], "git_dirty": env["git"]["dirty"],
               "build_type": env["build"]["build_type"], "cpu_model": env["cpu_model"], "cores": env["cores"],
               "load_average_start": " ".join(str(x) for x in env["load_average_start"])}
    results = doc["results"]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for r in results:
            base = {k: r[k] for k in ("suite", "case", "role", "status", "metric", "unit", "better",
                                       "min", "median", "max")}
            base["repeats"] = len(r["repeats"])
            base["parameters"] = json.dumps(r["parameters"], sort_keys=True)
            if r.get("goal"):
                base.update(goal_op=r["goal"]["op"], goal_target=r["goal"]["target"], goal_met=r["goal"]["met"])
            base.update(context)
            for a in r["anchors"] or [None]:
                row = dict(base)
                if a is not None:
                    row.update(anchor_label=a["label"], anchor_kind=a["kind"], anchor_value=a["value"],
                               anchor_low=a["low"], anchor_high=a["high"], ratio=a["ratio"],
                               ratio_better=a["ratio_better"], anchor_note=a["note"])
                writer.writerow(row)


def validate(doc: dict) -> list[str]:
    """Schema problems in a results.json document (empty when it conforms)."""
    errors: list[str] = []

    def need(obj: dict, key: str, types, where: str) -> None:
        if key not in obj:
            errors.append(f"{where}: missing '{key}'")
        elif not isinstance(obj[key], types):
            errors.append(f"{where}.{key}: expected {types}, got {type(obj[key]).__name__}")

    if doc.get("schema") != SCHEMA:
        errors.append(f"schema: expected {SCHEMA!r}, got {doc.get('schema')!r}")
    for key, types in (("run", dict), ("env", dict), ("suites", list), ("results", list), ("sweeps", list)):
        need(doc, key, types, "document")
    if errors:
        return errors
    for key in ("id", "started", "command", "quick", "interrupted", "config"):
        need(doc["run"], key, (str, bool, dict, list), "run")
    for key in ("cpu_model", "cores", "load_average_start", "git", "build"):
        need(doc["env"], key, (str, int, list, dict), "env")
    for i, s in enumerate(doc["suites"]):
        need(s, "name", str, f"suites[{i}]")
        if s.get("status") not in SUITE_STATUSES:
            errors.append(f"suites[{i}].status: {s.get('status')!r} is not one of {sorted(SUITE_STATUSES)}")
        need(s, "note", str, f"suites[{i}]")
    number = (int, float)
    for i, r in enumerate(doc["results"]):
        w = f"results[{i}]"
        for key, types in (("suite", str), ("case", str), ("parameters", dict), ("metric", str), ("unit", str),
                           ("repeats", list), ("anchors", list), ("counters", dict)):
            need(r, key, types, w)
        if r.get("role") not in ("ours", "anchor"):
            errors.append(f"{w}.role: {r.get('role')!r}")
        if r.get("better") not in ("lower", "higher"):
            errors.append(f"{w}.better: {r.get('better')!r}")
        if r.get("status") == "ok":
            for key in ("min", "median", "max"):
                need(r, key, number, w)
            if not errors and not (r["min"] <= r["median"] <= r["max"]):
                errors.append(f"{w}: min <= median <= max does not hold")
            if not r.get("repeats"):
                errors.append(f"{w}.repeats: empty for an ok case")
        for j, a in enumerate(r.get("anchors", [])):
            if a.get("kind") not in ("measured", "recorded"):
                errors.append(f"{w}.anchors[{j}].kind: {a.get('kind')!r}")
            if a.get("ratio") is not None and not isinstance(a["ratio"], number):
                errors.append(f"{w}.anchors[{j}].ratio: not a number")
            for key in ("label", "note", "ratio_better"):
                need(a, key, str, f"{w}.anchors[{j}]")
        if "goal" in r:
            _validate_goal(r["goal"], f"{w}.goal", errors)
    for i, s in enumerate(doc["sweeps"]):
        for key, types in (("name", str), ("parameter", str), ("metric", str), ("points", list)):
            need(s, key, types, f"sweeps[{i}]")
        for j, p in enumerate(s.get("points", [])):
            for k, goal in enumerate(p.get("goals", [])):
                _validate_goal(goal, f"sweeps[{i}].points[{j}].goals[{k}]", errors)
                if not isinstance(goal.get("metric"), str):
                    errors.append(f"sweeps[{i}].points[{j}].goals[{k}].metric: not a string")
    return errors
