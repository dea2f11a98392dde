"""Run configuration: defaults, JSON or TOML files, and validation that names the bad field.

A config file (benchmarks/experiments/*.toml) fixes everything that changes a figure: repetitions,
minimum time per repetition, seeds, which cases run and the sweeps. It is echoed into results.json so a
result carries the exact experiment that produced it.
"""

import copy
import json
import re
import tomllib
from pathlib import Path

DEFAULTS = {
    "seed": 1,
    "suites": [],  # empty: every suite (or the ones named on the command line)
    "repetitions": 5,
    "min_time": 0.5,  # seconds per repetition, Google Benchmark's --benchmark_min_time
    "case_timeout": 900,  # seconds for one case's process, all repetitions
    "quick": {"repetitions": 1, "min_time": 0.02},
    "suite": {},  # per-suite overrides: include / exclude regexes
    "sweeps": [],
    "chain": {},  # the chain suite's devnet and phases (chain.DEFAULTS lists the keys)
    "swarm": {},  # the swarm suite's simulator runs and seeds (swarm.DEFAULTS lists the keys)
}

_SUITE_KEYS = {"include", "exclude"}
_SWEEP_KEYS = {
    "name", "kind", "suite", "case", "command", "parameter", "values", "metric", "unit", "better",
    "seeds", "title", "quick_values", "metric2", "goals",
}
_GOAL_KEYS = {"at", "metric", "max", "min", "unit", "source"}


class ConfigError(Exception):
    pass


def load(path: Path | None) -> dict:
    """Defaults, overlaid with the file at path (JSON or TOML by extension), validated."""
    config = copy.deepcopy(DEFAULTS)
    source = "defaults"
    if path is not None:
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"config {path}: cannot read: {e.strerror}") from e
        try:
            data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
            raise ConfigError(f"config {path}: not valid {'TOML' if path.suffix == '.toml' else 'JSON'}: {e}") from e
        if not isinstance(data, dict):
            raise ConfigError(f"config {path}: the top level must be a table/object")
        for key, value in data.items():
            if key not in DEFAULTS:
                raise ConfigError(f"config {path}: unknown field '{key}' (known: {', '.join(sorted(DEFAULTS))})")
            if key == "quick":
                if not isinstance(value, dict):
                    _fail(str(path), "quick", "must be a table (repetitions, min_time)", value)
                config["quick"] = {**config["quick"], **value}
            else:
                config[key] = value
    validate(config, source)
    return config


def _fail(source: str, field: str, why: str, value) -> None:
    raise ConfigError(f"config {source}: field '{field}' {why}, got {value!r}")


def _positive_int(source: str, field: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        _fail(source, field, "must be a positive integer", value)


def _positive_number(source: str, field: str, value) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        _fail(source, field, "must be a positive number", value)


def _regex(source: str, field: str, value) -> None:
    if not isinstance(value, str):
        _fail(source, field, "must be a string (a regex)", value)
    try:
        re.compile(value)
    except re.error as e:
        _fail(source, field, f"is not a valid regex ({e})", value)


def validate(config: dict, source: str) -> None:
    if not isinstance(config["seed"], int) or isinstance(config["seed"], bool):
        _fail(source, "seed", "must be an integer", config["seed"])
    if not isinstance(config["suites"], list) or not all(isinstance(s, str) for s in config["suites"]):
        _fail(source, "suites", "must be a list of suite names", config["suites"])
    _positive_int(source, "repetitions", config["repetitions"])
    _positive_number(source, "min_time", config["min_time"])
    _positive_number(source, "case_timeout", config["case_timeout"])
    for key, value in config["quick"].items():
        if key == "repetitions":
            _positive_int(source, "quick.repetitions", value)
        elif key == "min_time":
            _positive_number(source, "quick.min_time", value)
        else:
            _fail(source, f"quick.{key}", "is not a known field (repetitions, min_time)", value)
    if not isinstance(config["suite"], dict):
        _fail(source, "suite", "must be a table of per-suite settings", config["suite"])
    for name, overrides in config["suite"].items():
        if not isinstance(overrides, dict):
            _fail(source, f"suite.{name}", "must be a table", overrides)
        for key, value in overrides.items():
            if key not in _SUITE_KEYS:
                _fail(source, f"suite.{name}.{key}", "is not a known field (include, exclude)", value)
            _regex(source, f"suite.{name}.{key}", value)
    _validate_chain(source, config["chain"])
    _validate_swarm(source, config["swarm"])
    if not isinstance(config["sweeps"], list):
        _fail(source, "sweeps", "must be a list of tables", config["sweeps"])
    for i, sweep in enumerate(config["sweeps"]):
        _validate_sweep(source, f"sweeps[{i}]", sweep)


def _validate_chain(source: str, chain) -> None:
    from .chain import DEFAULTS as CHAIN_DEFAULTS

    if not isinstance(chain, dict):
        _fail(source, "chain", "must be a table", chain)
    for key, value in chain.items():
        if key not in CHAIN_DEFAULTS:
            _fail(source, f"chain.{key}", f"is not a known field ({', '.join(sorted(CHAIN_DEFAULTS))})", value)
        expected = CHAIN_DEFAULTS[key]
        phase = r"((max|half):[0-9.]+|rate:[0-9.]+:[0-9.]+)"
        if key in ("phases", "quick_phases"):
            if not isinstance(value, str) or not re.fullmatch(rf"{phase}(,{phase})*", value):
                _fail(source, f"chain.{key}", "must be phases like 'max:300,half:120,rate:2000:60'", value)
        elif isinstance(expected, str):
            if not isinstance(value, str):
                _fail(source, f"chain.{key}", "must be a string", value)
        elif key in ("compaction_nice", "admission_nice"):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 19:
                _fail(source, f"chain.{key}", "must be an integer from 0 to 19", value)
        else:
            _positive_number(source, f"chain.{key}", value)


def _validate_swarm(source: str, table) -> None:
    from .swarm import validate as validate_swarm

    validate_swarm(source, table, lambda field, why, value: _fail(source, field, why, value))


def _validate_sweep(source: str, where: str, sweep) -> None:
    if not isinstance(sweep, dict):
        _fail(source, where, "must be a table", sweep)
    for key in sweep:
        if key not in _SWEEP_KEYS:
            _fail(source, f"{where}.{key}", f"is not a known field ({', '.join(sorted(_SWEEP_KEYS))})", sweep[key])
    for key in ("name", "parameter", "values"):
        if key not in sweep:
            _fail(source, f"{where}.{key}", "is required", None)
    if not isinstance(sweep["name"], str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", sweep["name"]):
        _fail(source, f"{where}.name", "must be a plain name (letters, digits, _ . -)", sweep["name"])
    kind = sweep.get("kind", "gbench")
    if kind not in ("gbench", "command"):
        _fail(source, f"{where}.kind", "must be 'gbench' or 'command'", kind)
    if kind == "gbench":
        for key in ("suite", "case"):
            if not isinstance(sweep.get(key), str):
                _fail(source, f"{where}.{key}", "is required for a gbench sweep (a string)", sweep.get(key))
        if "{value}" not in sweep["case"]:
            _fail(source, f"{where}.case", "must contain {value}", sweep["case"])
    else:
        command = sweep.get("command")
        if not isinstance(command, list) or not command or not all(isinstance(a, str) for a in command):
            _fail(source, f"{where}.command", "must be a non-empty list of strings", command)
    for key in ("values", "quick_values"):
        if key in sweep and (not isinstance(sweep[key], list) or not sweep[key]):
            _fail(source, f"{where}.{key}", "must be a non-empty list", sweep[key])
    if sweep.get("better", "lower") not in ("lower", "higher"):
        _fail(source, f"{where}.better", "must be 'lower' or 'higher'", sweep.get("better"))
    seeds = sweep.get("seeds", [])
    if not isinstance(seeds, list) or not all(isinstance(s, int) for s in seeds):
        _fail(source, f"{where}.seeds", "must be a list of integers", seeds)
    _validate_goals(source, f"{where}.goals", sweep.get("goals", []))


def _validate_goals(source: str, where: str, goals) -> None:
    """goals = [{at = VALUE, metric = "name", max = X (or min = X), unit = "...", source = "issue N"}]"""
    if not isinstance(goals, list):
        _fail(source, where, "must be a list of tables", goals)
    for i, goal in enumerate(goals):
        w = f"{where}[{i}]"
        if not isinstance(goal, dict):
            _fail(source, w, "must be a table", goal)
        for key in goal:
            if key not in _GOAL_KEYS:
                _fail(source, f"{w}.{key}", f"is not a known field ({', '.join(sorted(_GOAL_KEYS))})", goal[key])
        if not isinstance(goal.get("at"), (int, float)) or isinstance(goal.get("at"), bool):
            _fail(source, f"{w}.at", "is required: the swept value the goal applies to", goal.get("at"))
        if not isinstance(goal.get("metric"), str):
            _fail(source, f"{w}.metric", "is required (a string)", goal.get("metric"))
        bounds = [k for k in ("max", "min") if k in goal]
        if len(bounds) != 1 or not isinstance(goal[bounds[0]], (int, float)) or isinstance(goal[bounds[0]], bool):
            _fail(source, w, "needs exactly one numeric bound, max or min", goal)
        for key in ("unit", "source"):
            if key in goal and not isinstance(goal[key], str):
                _fail(source, f"{w}.{key}", "must be a string", goal[key])
