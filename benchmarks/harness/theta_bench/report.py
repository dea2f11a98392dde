"""The reports of a run, all from results.json and the plots beside it:

- report.md: the conditions of the run, then one table per suite with each case beside its anchors;
- report.html: the same tables and every plot in one self-contained file (plots embedded as base64
  PNG; no external assets), to mail or attach to a paper's artifact;
- summary.md: one compact markdown table (a row per case with its first anchor) and the run's plots,
  between marker comments: the block docs/benchmarks.md includes. `write_into` replaces that block in
  a file and copies the plots (PNG) into `images/bench/` beside it, so the page shows them.
"""

import base64
import html
import re
import shutil
from pathlib import Path

from .units import format_ratio, format_value

SUMMARY_BEGIN = "<!-- theta-bench:summary:begin -->"
SUMMARY_END = "<!-- theta-bench:summary:end -->"

_SUITE_HEADER = ["case", "ours (median)", "min – max", "anchor", "anchor value", "ratio", "better", "note"]
_SUITE_ALIGN = "lrrlrrll"


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
        f"command: `{run['command']}`" + (" (quick: fewer, shorter repetitions)" if run["quick"] else ""),
        f"config: {run.get('config_file') or 'defaults'}; seed {env.get('seed')}; "
        f"repetitions: {run['config'].get('repetitions_used')}, each at least {run['config'].get('min_time_used')} s; "
        "figures are medians of the repetitions (CPU time per operation unless a case uses real time)",
        f"machine: {env.get('cpu_model')}, {env.get('cores')} cores, "
        f"{env.get('memory_bytes', 0) / 2**30:.1f} GiB, {env.get('os')}, kernel {env.get('kernel')}",
        f"load average at start {env.get('load_average_start')}, at end {load_end}",
        f"git {git.get('short')}{' (dirty)' if git.get('dirty') else ''} on {git.get('branch')}; "
        f"{build.get('build_type')} build, {build.get('compiler_version')}",
        f"started {run['started']}, finished {run.get('finished')}"
        + ("; **interrupted**: only finished cases are listed" if run["interrupted"] else ""),
    ]


_INTRO = ("Ratio = ours ÷ anchor. For a time, below 1.0 means ours is faster; for a rate (GFLOP/s, tx/s), "
          "above 1.0 means ours is faster. *recorded* anchors come from ../shared/data and were not "
          "measured in this run.")


def _case_rows(records: list[dict]) -> list[list[str]]:
    """The rows of a suite's table: a case, then one row per further anchor with the case cells blank."""
    rows = []
    for r in records:
        ours = format_value(r["median"], r["unit"]) if r["status"] == "ok" else f"failed: {r['error']}"
        spread = (f"{format_value(r['min'], r['unit'])} – {format_value(r['max'], r['unit'])}"
                  if r["status"] == "ok" else "")
        name = r["case"] + (" *(anchor)*" if r["role"] == "anchor" else "")
        if not r["anchors"]:
            rows.append([name, ours, spread, "—", "—", "—", r["better"], r.get("label", "") if r["suite"] in
                         ("chain", "swarm") else ""])
        for i, a in enumerate(r["anchors"]):
            label = a["label"] + (" *recorded*" if a["kind"] == "recorded" else "")
            value = format_value(a["value"], a["unit"])
            if a["kind"] == "recorded" and a.get("low") is not None and a["low"] != a["high"]:
                value = f"{format_value(a['low'], 'ns')} – {format_value(a['high'], 'ns')}"
            note = "" if a["note"] == "recorded, not measured here" else a["note"]
            if a["value"] is None and a["note"]:
                value, note = "not measured", a["note"]
            first = i == 0
            rows.append([name if first else "", ours if first else "", spread if first else "", label, value,
                         _ratio_text(a), a["ratio_better"] if a.get("ratio") else "", note])
    return rows


def goal_text(goal: dict | None, value=None) -> str:
    """'≤ 1,000 ms: met (issue 7)' for a goal, '—' without one; `value` prefixes the measured figure."""
    if not goal:
        return "—"
    verdict = {True: "met", False: "not met", None: "not measured"}[goal["met"]]
    op = "≤" if goal["op"] == "<=" else "≥"
    measured = f"{format_value(value, goal['unit'])} " if value is not None else ""
    source = f" ({goal['source']})" if goal.get("source") else ""
    return f"{measured}{op} {format_value(goal['target'], goal['unit'])}: {verdict}{source}"


def _sweep_rows(sw: dict) -> tuple[list[str], list[list[str]]]:
    header = [sw["parameter"], "seed", f"{sw['metric']} (median)", "min – max", "goals"]
    rows = [[str(p["value"]), str(p["seed"]), format_value(p["median"], sw["unit"]),
             f"{format_value(p['min'], sw['unit'])} – {format_value(p['max'], sw['unit'])}",
             "; ".join(f"{g['metric']} {goal_text(g, g.get('value'))}" for g in p.get("goals", [])) or "—"]
            for p in sw["points"]]
    return header, rows


def _plots_of(s: dict) -> list[str]:
    return ([s["plot"]] if s.get("plot") else []) + list(s.get("plots", []))


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    rule = ["---:" if a == "r" else "---" for a in align]
    return ([f"| {' | '.join(header)} |", f"|{'|'.join(rule)}|"]
            + [f"| {' | '.join(_md_cell(c) for c in row)} |" for row in rows])


def render(doc: dict) -> str:
    lines = ["# Benchmark report", ""] + [f"- {line}" for line in _env_lines(doc)] + ["", _INTRO, ""]
    lines += _md_table(["suite", "status", "note"], [[s["name"], s["status"], s["note"] or ""] for s in doc["suites"]],
                       "lll")
    for s in doc["suites"]:
        records = [r for r in doc["results"] if r["suite"] == s["name"]]
        if not records:
            continue
        lines += ["", f"## {s['name']}", ""]
        for plot in _plots_of(s):
            lines += [f"![{Path(plot).stem}]({plot})", ""]
        lines += _md_table(_SUITE_HEADER, _case_rows(records), _SUITE_ALIGN)
    for sw in doc["sweeps"]:
        lines += ["", f"## sweep {sw['name']}", ""]
        if sw.get("plot"):
            lines += [f"![{sw['name']}]({sw['plot']})", ""]
        header, rows = _sweep_rows(sw)
        lines += _md_table(header, rows, "rrrrl")
    return "\n".join(lines) + "\n"


def _png_plots(doc: dict, out: Path) -> list[tuple[str, str]]:
    """(section, PNG file name) of every plot of the run that exists in out, suites first, each once."""
    found, seen = [], set()
    named = [(s["name"], p) for s in doc["suites"] for p in _plots_of(s)]
    named += [(f"sweep {sw['name']}", sw["plot"]) for sw in doc["sweeps"] if sw.get("plot")]
    for section, plot in named:
        name = Path(plot).with_suffix(".png").name
        if name not in seen and (out / name).is_file():
            seen.add(name)
            found.append((section, name))
    return found


def render_summary(doc: dict, plots: list[tuple[str, str]] = (), plot_prefix: str = "") -> str:
    """One markdown table for docs/benchmarks.md: each of our cases with its first anchor, between
    the marker comments, headed by the command and conditions so the block stands on its own."""
    env, run = doc["env"], doc["run"]
    git = env.get("git", {})
    lines = [SUMMARY_BEGIN,
             f"Generated by `./scripts/bench report` from run {run['id']}: `{run['command']}` at git "
             f"{git.get('short')}{' (dirty)' if git.get('dirty') else ''}, {env.get('build', {}).get('build_type')} "
             f"build ({env.get('build', {}).get('compiler_version')}), {env.get('cpu_model')} ({env.get('cores')} cores), load average "
             f"{' / '.join(str(x) for x in env.get('load_average_start') or []) or 'unknown'} at the start "
             "(1, 5, 15 minutes). Ratio = ours ÷ anchor.", ""]
    rows = []
    for r in doc["results"]:
        if r["role"] != "ours":
            continue
        ours = format_value(r["median"], r["unit"]) if r["status"] == "ok" else "failed"
        a = r["anchors"][0] if r["anchors"] else None
        if a is None:
            anchor, ratio = "—", "—"
        else:
            value = format_value(a["value"], a["unit"]) if a["value"] is not None else "not measured"
            anchor = f"{a['label']}{' *recorded*' if a['kind'] == 'recorded' else ''}: {value}"
            ratio = f"{_ratio_text(a)} ({a['ratio_better']})" if a.get("ratio") is not None else "—"
        rows.append([r["suite"], r["case"], ours, anchor, ratio, goal_text(r.get("goal"))])
    rows += _summary_sweep_rows(doc["sweeps"])
    lines += _md_table(["suite", "case", "ours", "anchor", "ratio (better)", "goal"], rows, "llrlrl")
    if plots:
        lines += ["", "Plots of the same run:", ""]
        lines += [f"![{section}: {Path(name).stem}]({plot_prefix}{name})" for section, name in plots]
    lines += ["", SUMMARY_END]
    return "\n".join(lines) + "\n"


def _summary_sweep_rows(sweeps: list[dict]) -> list[list[str]]:
    """A row per sweep point (its own metric), and one per goal on another metric of that point."""
    rows = []
    for sw in sweeps:
        for p in sw["points"]:
            where = f"{sw['parameter']} = {p['value']:g}" if isinstance(p["value"], (int, float)) else \
                f"{sw['parameter']} = {p['value']}"
            own = [g for g in p.get("goals", []) if g["metric"] == sw["metric"]]
            rows.append([f"sweep {sw['name']}", f"{where}: {sw['metric']}", format_value(p["median"], sw["unit"]),
                         "—", "—", goal_text(own[0]) if own else "—"])
            for g in p.get("goals", []):
                if g["metric"] != sw["metric"]:
                    value = format_value(g["value"], g["unit"]) if g.get("value") is not None else "not measured"
                    rows.append([f"sweep {sw['name']}", f"{where}: {g['metric']}", value, "—", "—", goal_text(g)])
    return rows


def write_into(doc: dict, out: Path, target: Path) -> None:
    """Replaces the summary block between the marker comments in target (e.g. docs/benchmarks.md)
    with run out's table and plots; the plots are copied into target's images/bench/, whose other
    PNG files (an earlier run's) are removed so the folder holds one run."""
    text = target.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(SUMMARY_BEGIN) + r".*?" + re.escape(SUMMARY_END) + r"\n?", re.S)
    if not pattern.search(text):
        raise ValueError(f"{target} has no {SUMMARY_BEGIN} ... {SUMMARY_END} block to replace")
    plots = _png_plots(doc, out)
    images = target.parent / "images" / "bench"
    images.mkdir(parents=True, exist_ok=True)
    keep = {name for _, name in plots}
    for old in images.glob("*.png"):
        if old.name not in keep:
            old.unlink()
    for _, name in plots:
        shutil.copyfile(out / name, images / name)
    block = render_summary(doc, plots, "images/bench/")
    target.write_text(pattern.sub(lambda _: block, text, count=1), encoding="utf-8")


def _html_text(text: str) -> str:
    """Escapes text and turns the markdown marks the tables use (*x*, **x**, `x`) into HTML."""
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"\*(.+?)\*", r"<em>\1</em>", out)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", out)


def _html_table(header: list[str], rows: list[list[str]], align: str) -> str:
    cls = lambda i: ' class="num"' if align[i] == "r" else ""  # noqa: E731
    head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{_html_text(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_figure(out: Path, plot: str) -> str:
    """The plot as an embedded PNG (base64 data URI); a missing file is named, not fatal."""
    path = out / plot
    if path.suffix != ".png":
        path = path.with_suffix(".png")
    if not path.is_file():
        return f'<p class="missing">plot {html.escape(plot)} is missing</p>'
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(path.name)}</figcaption></figure>")


_CSS = """body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;
vertical-align:top}th{background:#f0f0f0}td.num,th.num{text-align:right;white-space:nowrap}
img{max-width:100%}figure{margin:1em 0}figcaption{font-size:12px;color:#666}code{background:#f4f4f4}
.missing{color:#b00}"""


def render_html(doc: dict, out: Path) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>Benchmark report {html.escape(doc['run']['id'])}</title><style>{_CSS}</style></head><body>",
             "<h1>Benchmark report</h1>", "<ul>" + "".join(f"<li>{_html_text(x)}</li>" for x in _env_lines(doc)) + "</ul>",
             f"<p>{_html_text(_INTRO)}</p>",
             _html_table(["suite", "status", "note"],
                         [[s["name"], s["status"], s["note"] or ""] for s in doc["suites"]], "lll")]
    for s in doc["suites"]:
        records = [r for r in doc["results"] if r["suite"] == s["name"]]
        if not records:
            continue
        parts.append(f'<h2 id="{html.escape(s["name"])}">{html.escape(s["name"])}</h2>')
        parts += [_html_figure(out, plot) for plot in _plots_of(s)]
        parts.append(_html_table(_SUITE_HEADER, _case_rows(records), _SUITE_ALIGN))
    for sw in doc["sweeps"]:
        parts.append(f"<h2>sweep {html.escape(sw['name'])}</h2>")
        if sw.get("plot"):
            parts.append(_html_figure(out, sw["plot"]))
        header, rows = _sweep_rows(sw)
        parts.append(_html_table(header, rows, "rrrrl"))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(doc: dict, out: Path) -> Path:
    """Writes report.md, report.html and summary.md into out; returns report.md's path."""
    path = out / "report.md"
    path.write_text(render(doc), encoding="utf-8")
    (out / "report.html").write_text(render_html(doc, out), encoding="utf-8")
    (out / "summary.md").write_text(render_summary(doc, _png_plots(doc, out)), encoding="utf-8")
    return path
