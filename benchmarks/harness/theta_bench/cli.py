"""./scripts/bench: build, run the suites and sweeps, write results, plots and the report."""

import argparse
import datetime as dt
import json
import re
import shlex
import shutil
import sys
from pathlib import Path

from . import SCHEMA, build, chain, cmdanchor, compare, config as configmod, envinfo, gbench, report, results, swarm, sweep
from .anchors import RecordedFigures, shared_data_dir
from .suites import DEFAULT_SUITES, SUITES, Suite, find

REPO = Path(__file__).resolve().parents[3]


def _guard_plot(entry: dict, what: str, draw):
    """Runs draw() (a figure) so that a plotting error costs the figure, not the run: the error is
    printed and kept in the entry's plot_error, and the measurements stay in results.json."""
    try:
        return draw()
    except Exception as e:  # noqa: BLE001 (matplotlib raises many kinds; none may lose the results)
        note = f"{what}: the plot failed ({type(e).__name__}: {e})"
        entry["plot_error"] = note
        print(f"bench: {note}", file=sys.stderr)
        return None


def _plots():
    # matplotlib takes seconds to import on a loaded machine: only runs that draw pay for it.
    from . import plots

    return plots

USAGE = """\
./scripts/bench [SUITE...] [--quick] [--config FILE] [--out DIR] [--build-dir DIR] [--no-build]
./scripts/bench report DIR [--into FILE]   rewrite DIR's reports, results.csv and plots from its results.json
./scripts/bench compare OLD NEW     per-case change; exit status 1 on a regression beyond the noise
./scripts/bench --list              the suites and what they measure
"""


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="scripts/bench", usage=USAGE,
                                description="Run theta-cpp's benchmark suites beside their anchors.")
    p.add_argument("suites", nargs="*", metavar="SUITE", help=f"suites to run (default: all of {', '.join(DEFAULT_SUITES)})")
    p.add_argument("--quick", action="store_true", help="fewer, shorter repetitions (the config's [quick] table)")
    p.add_argument("--config", type=Path, help="experiment file, JSON or TOML (benchmarks/experiments/)")
    p.add_argument("--out", type=Path, help="output folder (default bench-results/<UTC time>-<git rev>)")
    p.add_argument("--build-dir", type=Path, help="an existing CMake build directory (default build/<preset>)")
    p.add_argument("--preset", default="release", help="CMake preset to configure and build (default release)")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built; build nothing")
    p.add_argument("--jobs", "-j", type=int, default=2, help="parallel build jobs (default 2)")
    p.add_argument("--duration", type=float, help="chain suite: seconds of each phase (max:S,half:S)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--list", action="store_true", help="list the suites and exit")
    return p.parse_args(argv)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _select(suite: Suite, cfg: dict, quick: bool, available: list[str]) -> list[str]:
    override = cfg["suite"].get(suite.name, {})
    include = override.get("include", (quick and suite.quick_include) or suite.include)
    excludes = [override.get("exclude", suite.exclude)] + ([suite.quick_exclude] if quick else [])
    chosen = [c for c in available if not include or re.search(include, c)]
    chosen = [c for c in chosen if not any(x and re.search(x, c) for x in excludes)]
    return chosen + results.anchor_cases(suite, chosen, available)


class Run:
    """One invocation: its output folder, the document being filled, and the writers."""

    def __init__(self, args: argparse.Namespace, cfg: dict, out: Path, build_dir: Path):
        self.args, self.cfg, self.out, self.build_dir = args, cfg, out, build_dir
        self.reps = cfg["quick"]["repetitions"] if args.quick else cfg["repetitions"]
        self.min_time = cfg["quick"]["min_time"] if args.quick else cfg["min_time"]
        self.env = gbench.child_env(cfg["seed"])
        self.figures = RecordedFigures(shared_data_dir(REPO))
        self.subst = {"build": str(build_dir), "repo": str(REPO), "data": str(shared_data_dir(REPO))}
        echoed = dict(cfg, repetitions_used=self.reps, min_time_used=self.min_time)
        self.doc = {
            "schema": SCHEMA,
            "run": {"id": out.name, "started": _now(), "finished": None,
                    "command": shlex.join(["./scripts/bench", *sys.argv[1:]]), "quick": args.quick,
                    "interrupted": False, "config_file": str(args.config) if args.config else "",
                    "config": echoed},
            "env": envinfo.collect(REPO, build_dir, cfg["seed"]),
            "suites": [], "results": [], "sweeps": [],
        }

    def save(self) -> None:
        self.doc["env"]["load_average_end"] = envinfo.load_average()
        self.doc["run"]["finished"] = _now()
        results.write_json(self.out / "results.json", self.doc)
        results.write_json(self.out / "env.json", self.doc["env"])
        results.write_csv(self.out / "results.csv", self.doc)
        report.write(self.doc, self.out)


def _build(run: Run, suite: Suite, log: Path) -> bool:
    print(f"bench: building {suite.target} in {run.build_dir} (output: {log})", file=sys.stderr)
    return build.build_target(run.build_dir, suite.target, run.args.jobs, log)


def _prepare(run: Run, names: list[str], log: Path) -> list[tuple[Suite, dict, list[str]]]:
    """Builds what is needed and lists each suite's cases; returns (suite, status entry, cases)."""
    args = run.args
    targets = None
    if not args.no_build:
        build.configure_if_needed(REPO, run.build_dir, args.preset, log)
        targets = build.available_targets(run.build_dir)
    prepared = []
    for name in names:
        suite = find(name)
        entry = {"name": name, "status": "ok", "note": suite.note, "binary": "", "cases": 0}
        binary = run.build_dir / suite.binary if suite.binary else None
        cases: list[str] = []
        if suite.kind == "planned":
            entry["status"] = "planned"
        elif suite.source_dir and not (REPO / suite.source_dir).is_dir():
            entry.update(status="not_built", note=f"suite not built: {suite.source_dir} is not in this tree yet")
        elif not args.no_build and targets is not None and suite.target not in targets:
            entry.update(status="not_built", note=f"suite not built: no target {suite.target} in {run.build_dir} "
                         "(its library is switched off in this build)")
        elif not args.no_build and not _build(run, suite, log):
            entry.update(status="build_failed", note=f"building {suite.target} failed; see {log.name}")
        elif suite.also_build and not args.no_build and not all(
                _build(run, Suite(name=suite.name, description="", target=t), log) for t, _ in suite.also_build):
            entry.update(status="build_failed", note=f"building {', '.join(t for t, _ in suite.also_build)} failed; "
                         f"see {log.name}")
        elif not binary.is_file() or not all((run.build_dir / b).is_file() for _, b in suite.also_build):
            entry.update(status="not_built", note=f"suite not built: {binary} does not exist "
                         "(build it, or run without --no-build)")
        if entry["status"] == "ok" and suite.kind == "chain":
            entry["binary"] = str(binary)
            cases = ["chain"]
        elif entry["status"] == "ok" and suite.kind == "swarm":
            entry["binary"] = str(binary)
            cases = [swarm.tag(r) for r in swarm.settings(run.cfg, args.quick)["selected"]]
        elif entry["status"] == "ok":
            entry["binary"] = str(binary)
            try:
                cases = _select(suite, run.cfg, args.quick, gbench.list_cases(binary, run.env))
            except gbench.BenchError as e:
                entry.update(status="failed", note=str(e))
            entry["cases"] = len(cases)
        prepared.append((suite, entry, cases))
    # The build section is read again now that the build is configured: on a fresh checkout the
    # CMake cache did not exist when the run began.
    run.doc["env"]["build"] = envinfo.build_info(run.build_dir)
    return prepared


def _run_suites(run: Run, prepared, bar) -> None:
    for suite, entry, cases in prepared:
        run.doc["suites"].append(entry)
        if entry["status"] != "ok":
            bar.write(f"{suite.name}: {entry['status']}: {entry['note']}", file=sys.stderr)
            continue
        if suite.kind == "chain":
            _run_chain(run, suite, entry, bar)
            continue
        if suite.kind == "swarm":
            _run_swarm(run, suite, entry, bar)
            continue
        records = []
        commands: dict[str, list[dict]] = {}
        try:
            for case in cases:
                bar.set_postfix_str(f"{suite.name} {case}"[:60])
                outcome = gbench.run_case(Path(entry["binary"]), case, run.reps, run.min_time, run.env,
                                          run.cfg["case_timeout"])
                records.append(results.make_record(suite, outcome, results.role_of(suite, case)))
                bar.update(1)
                for anchor in suite.commands:
                    if cmdanchor.applies(anchor, case):
                        bar.set_postfix_str(f"{suite.name} anchor {case}"[:60])
                        commands.setdefault(case, []).append(cmdanchor.measure(
                            anchor, case, run.subst, run.reps, run.min_time, run.env, run.cfg["case_timeout"]))
                        bar.update(0 if cmdanchor.excluded(anchor, case) else 1)
        except KeyboardInterrupt:
            entry.update(status="interrupted", note=f"interrupted after {len(records)} of {len(cases)} cases")
            run.doc["run"]["interrupted"] = True
        results.attach_anchors(suite, records, run.figures, commands)
        run.doc["results"].extend(records)
        stems = _guard_plot(entry, suite.name,
                            lambda: _plots().suite_plot(suite.name, records, run.out / f"{suite.name}"))
        entry["plot"] = stems[0].name if stems else ""
        run.save()
        if run.doc["run"]["interrupted"]:
            raise KeyboardInterrupt


def _run_chain(run: Run, suite: Suite, entry: dict, bar) -> None:
    node_bin = run.build_dir / suite.also_build[0][1]
    try:
        records, result = chain.run(node_bin, Path(entry["binary"]), run.out, run.cfg, run.args.quick,
                                    run.args.duration, bar)
    except chain.ChainError as e:
        entry.update(status="failed", note=str(e))
        bar.write(f"chain: failed: {e}", file=sys.stderr)
        run.save()
        return
    except KeyboardInterrupt:
        entry.update(status="interrupted", note="interrupted; the devnet was stopped")
        run.doc["run"]["interrupted"] = True
        run.save()
        raise
    bar.update(1)
    run.doc["results"].extend(records)
    stems = _guard_plot(entry, "chain", lambda: _plots().suite_plot(suite.name, records, run.out / suite.name))
    extra = _guard_plot(entry, "chain", lambda: _plots().chain_plots(result, run.out / "chain", run.out / "chain"))
    entry["plot"] = stems[0].name if stems else ""
    entry["plots"] = [str(p.relative_to(run.out)) for p in extra or []]
    run.save()


def _run_swarm(run: Run, suite: Suite, entry: dict, bar) -> None:
    try:
        records, outcomes = swarm.run(Path(entry["binary"]), run.out, run.cfg, run.args.quick, bar)
    except swarm.SwarmError as e:
        entry.update(status="failed", note=str(e))
        bar.write(f"swarm: failed: {e}", file=sys.stderr)
        run.save()
        return
    except KeyboardInterrupt:
        entry.update(status="interrupted", note="interrupted; finished runs are in swarm/runs.json")
        run.doc["run"]["interrupted"] = True
        run.save()
        raise
    run.doc["results"].extend(records)
    _guard_plot(entry, "swarm", lambda: _plot_swarm(run.out, entry, records))
    run.save()


def _plot_swarm(out: Path, entry: dict, records: list[dict]) -> None:
    plots = _plots()
    stems = plots.suite_plot("swarm", records, out / "swarm")
    entry["plot"] = stems[0].name if stems else ""
    extra = plots.swarm_plot(records, out / "swarm-vs-baseline")
    entry["plots"] = [p.name for p in extra]


def _run_sweeps(run: Run, prepared, bar) -> None:
    binaries = {s.name: Path(e["binary"]) for s, e, _ in prepared if e["status"] == "ok"}
    subst = run.subst
    for sw in run.cfg["sweeps"]:
        desc = sweep.describe(sw)
        run.doc["sweeps"].append(desc)
        values = sw.get("quick_values", sw["values"]) if run.args.quick else sw["values"]
        seeds = sw.get("seeds") or [run.cfg["seed"]]
        kind = sw.get("kind", "gbench")
        if kind == "gbench" and sw["suite"] not in binaries:
            desc.update(status="not_built", note=f"suite {sw['suite']} is not available in this run")
            continue
        try:
            for seed in seeds:
                for value in values:
                    bar.set_postfix_str(f"sweep {sw['name']} {value}"[:60])
                    if kind == "gbench":
                        point = sweep.run_gbench_point(sw, binaries[sw["suite"]], value, run.reps, run.min_time,
                                                       gbench.child_env(seed), run.cfg["case_timeout"], seed)
                    else:
                        point = sweep.run_command_point(sw, value, seed, subst, gbench.child_env(seed),
                                                        run.cfg["case_timeout"])
                    goals = sweep.point_goals(sw, point)
                    if goals:
                        point["goals"] = goals
                    desc["points"].append(point)
                    bar.update(1)
        except sweep.SweepError as e:
            desc.update(status="failed", note=str(e))
        _guard_plot(desc, f"sweep {desc['name']}", lambda: _plot_sweep(run.out, desc))
        run.save()


def _plot_sweep(out: Path, desc: dict) -> None:
    if not desc["points"]:
        return
    series: dict[str, list] = {}
    seeds = {p["seed"] for p in desc["points"]}
    for p in desc["points"]:
        name = f"seed {p['seed']}" if len(seeds) > 1 else desc["name"]
        series.setdefault(name, []).append((float(p["value"]), p["median"], p["min"], p["max"]))
    unit = desc["unit"]
    scale = 1e3 if unit == "ns" else 1.0  # plot times in µs, which reads better than ns
    if scale != 1.0:
        series = {k: [(x, y / scale, lo / scale, hi / scale) for x, y, lo, hi in v] for k, v in series.items()}
    ylabel = f"{desc['metric']} ({'µs' if unit == 'ns' else unit}; {desc['better']} is better)"
    if desc.get("metric2"):  # a second metric from the same runs, drawn beside the first
        second: dict[str, list] = {}
        for p in desc["points"]:
            y = p.get("metrics", {}).get(desc["metric2"])
            if isinstance(y, (int, float)):
                name = f"seed {p['seed']}" if len(seeds) > 1 else desc["name"]
                second.setdefault(name, []).append((float(p["value"]), float(y), float(y), float(y)))
        paths = _plots().two_metric_plot(series, second, out / f"sweep-{desc['name']}", title=desc["title"],
                                         xlabel=desc["parameter"], ylabels=(ylabel, desc["metric2"]))
    else:
        paths = _plots().line_plot(series, out / f"sweep-{desc['name']}", title=desc["title"],
                                   xlabel=desc["parameter"], ylabel=ylabel)
    desc["plot"] = paths[0].name


def _add_suite_sweeps(cfg: dict, names: list[str]) -> None:
    """A selected suite's own sweeps (Suite.sweeps_from) run when the config brings none of its own (a
    config with sweeps, like consensus-quick.toml, replaces them)."""
    if cfg["sweeps"]:
        return
    for name in names:
        suite = find(name)
        if suite.sweeps_from:
            cfg["sweeps"] += configmod.load(REPO / suite.sweeps_from)["sweeps"]


def _list() -> int:
    for s in SUITES:
        print(f"{s.name:10} {s.description}")
        if s.note:
            print(f"{'':10} note: {s.note}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "compare":
        return compare.main(argv[1:])
    if argv and argv[0] == "report":
        return _report(argv[1:])
    args = _parse(argv)
    if args.list:
        return _list()
    try:
        cfg = configmod.load(args.config)
    except configmod.ConfigError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    names = args.suites or cfg["suites"] or DEFAULT_SUITES
    unknown = [n for n in names if find(n) is None]
    if unknown:
        print(f"bench: unknown suite(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_SUITES)}", file=sys.stderr)
        return 2
    try:
        _add_suite_sweeps(cfg, names)
    except configmod.ConfigError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    build_dir = (args.build_dir or REPO / "build" / args.preset).resolve()
    git = envinfo.git_info(REPO)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    out = (args.out or REPO / "bench-results" / f"{stamp}-{git['short'] or 'nogit'}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.config:
        shutil.copyfile(args.config, out / f"config{args.config.suffix}")
    run = Run(args, cfg, out, build_dir)
    print(f"bench: writing to {out}", file=sys.stderr)
    try:
        prepared = _prepare(run, names, out / "build.log")
    except build.BuildError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    total = sum(len(c) + cmdanchor.planned(s, c) for s, _, c in prepared) + sum(
        len(sw.get("quick_values", sw["values"]) if args.quick else sw["values"]) * len(sw.get("seeds") or [1])
        for sw in cfg["sweeps"])
    from tqdm import tqdm

    bar = tqdm(total=total, unit="case", file=sys.stderr, disable=args.no_progress or None, dynamic_ncols=True)
    try:
        _run_suites(run, prepared, bar)
        _run_sweeps(run, prepared, bar)
    except KeyboardInterrupt:
        run.doc["run"]["interrupted"] = True
        run.save()
        bar.close()
        print(f"\nbench: interrupted; the finished cases are in {out}", file=sys.stderr)
        return 130
    bar.close()
    run.save()
    failed = [r["case"] for r in run.doc["results"] if r["status"] != "ok"]
    print(f"bench: {len(run.doc['results'])} cases, {len(failed)} failed; report: {out / 'report.md'}",
          file=sys.stderr)
    return 1 if failed or any(s["status"] in ("failed", "build_failed") for s in run.doc["suites"]) else 0


def _report(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="scripts/bench report",
                                description="Rewrite a run's report.md, report.html, summary.md, results.csv "
                                            "and plots from its results.json.")
    p.add_argument("dir", type=Path, help="the run's output folder")
    p.add_argument("--into", type=Path, metavar="FILE",
                   help="also replace the summary block between the theta-bench:summary markers in FILE "
                        "(e.g. docs/benchmarks.md) and copy the run's plots into images/bench/ beside FILE")
    args = p.parse_args(argv)
    out = args.dir
    try:
        doc = json.loads((out / "results.json").read_text())
    except (OSError, json.JSONDecodeError) as e:
        print(f"bench report: cannot read {out / 'results.json'}: {e}", file=sys.stderr)
        return 2
    errors = results.validate(doc)
    if errors:
        print("bench report: results.json does not follow the schema:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 2
    # A redraw that succeeds clears an earlier run's plot_error.
    for s in doc["suites"]:
        s.pop("plot_error", None)
        records = [r for r in doc["results"] if r["suite"] == s["name"]]
        _guard_plot(s, s["name"], lambda: _replot_suite(out, s, records))
    for desc in doc["sweeps"]:
        desc.pop("plot_error", None)
        _guard_plot(desc, f"sweep {desc['name']}", lambda: _plot_sweep(out, desc))
    results.write_csv(out / "results.csv", doc)
    results.write_json(out / "results.json", doc)  # the plot names may have changed
    print(report.write(doc, out))
    if args.into:
        try:
            report.write_into(doc, out, args.into)
        except (OSError, ValueError) as e:
            print(f"bench report: {e}", file=sys.stderr)
            return 2
        print(args.into)
    return 0


def _replot_suite(out: Path, s: dict, records: list[dict]) -> None:
    """Redraws a suite's plots: the ratio bars, and the chain or swarm figures from their raw data."""
    if s["name"] == "swarm" and records:
        _plot_swarm(out, s, records)
        return
    stems = _plots().suite_plot(s["name"], records, out / s["name"])
    s["plot"] = stems[0].name if stems else ""
    loadgen = out / "chain" / "loadgen.json"
    if s["name"] == "chain" and loadgen.is_file():
        extra = _plots().chain_plots(json.loads(loadgen.read_text()), out / "chain", out / "chain")
        s["plots"] = [str(p.relative_to(out)) for p in extra]
