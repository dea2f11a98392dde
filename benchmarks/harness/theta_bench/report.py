"""report.md: the conditions of the run, then one table per suite with each case beside its anchors."""

from pathlib import Path

from .units import format_ratio, format_value


def _ratio_text(a: dict) -> str:
    if a.get("ratio") is None:
        return "—"
    return format_ratio(a["ratio"])


def _env_lines(doc: dict) -> list[str]:
    env, run = doc["env"], doc["run"]
    git = env.get("git", {})
    build = env.get("build", {})
    load_end = env.get("load_average_end", [])
    return [
        f"- command: `{run['command']}`" + (" (quick: fewer, shorter repetitions)" if run["quick"] else ""),
        f"- config: {run.get('config_file') or 'defaults'}; seed {env.get('seed')}; "
        f"repetitions: {run['config'].get('repetitions_used')}, each at least {run['config'].get('min_time_used')} s; "
        "figures are medians of the repetitions (CPU time per operation unless a case uses real time)",
        f"- machine: {env.get('cpu_model')}, {env.get('cores')} cores, "
        f"{env.get('memory_bytes', 0) / 2**30:.1f} GiB, {env.get('os')}, kernel {env.get('kernel')}",
        f"- load average at start {env.get('load_average_start')}, at end {load_end}",
        f"- git {git.get('short')}{' (dirty)' if git.get('dirty') else ''} on {git.get('branch')}; "
        f"{build.get('build_type')} build, {build.get('compiler_version')}",
        f"- started {run['started']}, finished {run.get('finished')}"
        + ("; **interrupted**: only finished cases are listed" if run["interrupted"] else ""),
    ]


def render(doc: dict) -> str:
    lines = ["# Benchmark report", ""] + _env_lines(doc) + [""]
    lines += [
        "Ratio = ours ÷ anchor. For a time, below 1.0 means ours is faster; for a rate (GFLOP/s, tx/s), "
        "above 1.0 means ours is faster. *recorded* anchors come from ../shared/data and were not "
        "measured in this run.",
        "",
        "| suite | status | note |",
        "|---|---|---|",
    ]
    for s in doc["suites"]:
        lines.append(f"| {s['name']} | {s['status']} | {s['note'] or ''} |")
    for s in doc["suites"]:
        records = [r for r in doc["results"] if r["suite"] == s["name"]]
        if not records:
            continue
        lines += ["", f"## {s['name']}", ""]
        if s.get("plot"):
            lines += [f"![{s['name']}]({s['plot']})", ""]
        for extra in s.get("plots", []):
            lines += [f"![{Path(extra).stem}]({extra})", ""]
        lines += ["| case | ours (median) | min – max | anchor | anchor value | ratio | better | note |",
                  "|---|---:|---:|---|---:|---:|---|---|"]
        for r in records:
            ours = format_value(r["median"], r["unit"]) if r["status"] == "ok" else f"failed: {r['error']}"
            spread = (f"{format_value(r['min'], r['unit'])} – {format_value(r['max'], r['unit'])}"
                      if r["status"] == "ok" else "")
            name = r["case"] + (" *(anchor)*" if r["role"] == "anchor" else "")
            if not r["anchors"]:
                lines.append(f"| {name} | {ours} | {spread} | — | — | — | {r['better']} | |")
            for i, a in enumerate(r["anchors"]):
                label = a["label"] + (" *recorded*" if a["kind"] == "recorded" else "")
                value = format_value(a["value"], a["unit"])
                if a["kind"] == "recorded" and a.get("low") is not None and a["low"] != a["high"]:
                    value = f"{format_value(a['low'], 'ns')} – {format_value(a['high'], 'ns')}"
                note = "" if a["note"] == "recorded, not measured here" else a["note"]
                if a["value"] is None and a["note"]:
                    value, note = "not measured", a["note"]
                first = i == 0
                lines.append(
                    f"| {name if first else ''} | {ours if first else ''} | {spread if first else ''} | "
                    f"{label} | {value} | {_ratio_text(a)} | {a['ratio_better'] if a.get('ratio') else ''} | {note} |"
                )
    for sw in doc["sweeps"]:
        lines += ["", f"## sweep {sw['name']}", ""]
        if sw.get("plot"):
            lines += [f"![{sw['name']}]({sw['plot']})", ""]
        lines += [f"| {sw['parameter']} | seed | {sw['metric']} (median) | min – max |", "|---:|---:|---:|---:|"]
        for p in sw["points"]:
            lines.append(f"| {p['value']} | {p['seed']} | {format_value(p['median'], sw['unit'])} | "
                         f"{format_value(p['min'], sw['unit'])} – {format_value(p['max'], sw['unit'])} |")
    return "\n".join(lines) + "\n"


def write(doc: dict, out: Path) -> Path:
    path = out / "report.md"
    path.write_text(render(doc), encoding="utf-8")
    return path
