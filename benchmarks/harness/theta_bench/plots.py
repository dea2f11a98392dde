"""Plots (matplotlib, Agg backend, PNG and SVG): ratio-to-anchor bars per suite, and a line plot
helper for sweeps (x = parameter, y = metric, one line per series) that the consensus and chain sweeps
reuse."""

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from .units import format_ratio, format_value  # noqa: E402

_COLORS = {"measured": "#1f77b4", "recorded": "#ff7f0e", "none": "#7f7f7f"}


def _save(fig, stem: Path) -> list[Path]:
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    for p in paths:
        fig.savefig(p, dpi=120, bbox_inches="tight")
    plt.close(fig)
    return paths


def _short(case: str) -> str:
    for suffix in ("/manual_time", "/real_time", "/iterations:1"):
        case = case.replace(suffix, "")
    return case.removeprefix("BM_").removeprefix("execute/")


def _ratio_ticks(ax, values: list[float]) -> float:
    """Sets a log axis around the positive ratios (a ratio of 0, as when ours moved no bytes from
    the origin, has no place on it); returns the axis's left end."""
    # Room beside the shortest and longest bars for their value labels.
    positive = [v for v in values if v > 0] or [1.0]
    lo, hi = min(positive + [1.0]) / (3 if min(positive) < 0.1 else 1.3), max(positive + [1.0]) * 1.3
    decades = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
    steps = (1, 2, 5) if len(decades) <= 3 else (1,)
    ticks = [m * 10.0**d for d in decades for m in steps if lo <= m * 10.0**d <= hi]
    ax.set_xlim(lo, hi)
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    return lo


def suite_plot(suite: str, records: list[dict], stem: Path) -> list[Path]:
    """Bars of ours/anchor per case (log scale, 1.0 marked); without anchors, bars of ours alone."""
    rows = [(r, a) for r in records if r["role"] == "ours" and r["status"] == "ok"
            for a in r["anchors"] if a.get("ratio") is not None]
    if rows:
        labels = [f"{_short(r['case'])}" + (f" [{r['unit']}: higher is better]" if a["ratio_better"] == "higher" else "")
                  + f"\nvs {a['label']}" for r, a in rows]
        values = [a["ratio"] for _, a in rows]
        colors = [_COLORS[a["kind"]] for _, a in rows]
        fig, ax = plt.subplots(figsize=(9, 0.55 * len(rows) + 1.6))
        # Bars grow from 1.0 (parity with the anchor): left of it ours is below the anchor, right above.
        ax.set_xscale("log")
        left = _ratio_ticks(ax, values)
        # A zero ratio is drawn to the axis's left end and labelled 0.
        ax.barh(range(len(rows)), [max(v, left) - 1.0 for v in values], left=1.0, color=colors)
        ax.axvline(1.0, color="black", linewidth=1)
        ax.set_yticks(range(len(rows)), labels, fontsize=7)
        ax.invert_yaxis()
        better = {a["ratio_better"] for _, a in rows}
        hint = "lower is better" if better == {"lower"} else "time: lower is better; rates: higher is better"
        ax.set_xlabel(f"ours / anchor ({hint})")
        for i, v in enumerate(values):
            ax.text(max(v, left), i, f" {format_ratio(v)} " if v >= 1 else f"{format_ratio(v)} ", va="center", fontsize=7,
                    ha="left" if v >= 1 else "right")
        kinds = [k for k in ("measured", "recorded") if any(a["kind"] == k for _, a in rows)]
        names = {"measured": "anchor measured in this run", "recorded": "anchor recorded, not measured here"}
        ax.legend([plt.Rectangle((0, 0), 1, 1, color=_COLORS[k]) for k in kinds], [names[k] for k in kinds],
                  fontsize=7, loc="best")
        ax.set_title(f"{suite}: ratio to anchor")
        return _save(fig, stem)
    ok = [r for r in records if r["status"] == "ok"]
    if not ok:
        return []
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(ok) + 1.6))
    ax.barh(range(len(ok)), [r["median"] for r in ok], color=_COLORS["none"])
    ax.set_xscale("log")
    ax.set_yticks(range(len(ok)), [f"{_short(r['case'])} ({r['unit']})" for r in ok], fontsize=7)
    ax.invert_yaxis()
    for i, r in enumerate(ok):
        ax.text(r["median"], i, " " + format_value(r["median"], r["unit"]), va="center", fontsize=7)
    ax.set_xlabel("median per case (no anchor installs here for this suite)")
    ax.set_title(f"{suite}: medians")
    return _save(fig, stem)


def line_plot(
    series: dict[str, list[tuple[float, float, float, float]]],
    stem: Path,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    logx: bool = False,
    logy: bool = False,
) -> list[Path]:
    """One line per series of (x, y, y_low, y_high) points; the low/high band is drawn shaded.

    Used for sweeps: x is the swept parameter (validators, guardians, offered load, input size) and y
    the metric (rounds, bytes per node, latency, time).
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, points in series.items():
        points = sorted(points)
        xs = [p[0] for p in points]
        ax.plot(xs, [p[1] for p in points], marker="o", label=name)
        ax.fill_between(xs, [p[2] for p in points], [p[3] for p in points], alpha=0.2)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize=8)
    return _save(fig, stem)


def cdf_plot(series: dict[str, list[tuple[float, float, float, float]]], stem: Path, *, title: str,
             xlabel: str) -> list[Path]:
    """Empirical CDFs as step lines (x log scale), p50 and p99 marked; points as line_plot takes them.
    A CDF that stays below 1.0 has values that never arrived (uncommitted transactions)."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, points in series.items():
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        (line,) = ax.step(xs, ys, where="post", label=name)
        for q in (0.5, 0.99):
            hit = next((x for x, y in zip(xs, ys) if y >= q), None)
            if hit is not None:
                ax.plot([hit], [q], "o", color=line.get_color())
                ax.annotate(f"p{round(q * 100)} {hit:,.0f}", (hit, q), textcoords="offset points", xytext=(5, -10),
                            fontsize=7, color=line.get_color())
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of transactions")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return _save(fig, stem)


def chain_plots(result: dict, workdir: Path, stem_prefix: Path) -> list[Path]:
    """The chain suite's figures: latency CDF per phase, committed tx/s and latency over time, and
    committed against offered load when the run had rate phases. Returns the PNG paths."""
    import csv

    pngs: list[Path] = []
    cdf: dict[str, list] = {}
    for i, phase in enumerate(result["phases"], start=1):
        path = workdir / f"latency-{i}-{phase['kind']}.csv"
        if not path.is_file():
            continue
        with path.open() as f:
            values = sorted(float(row["latency_ms"]) for row in csv.DictReader(f))
        if values:
            total = len(values) + phase["latency_ms"]["uncommitted"]
            step = max(1, len(values) // 400)
            name = f"{phase['kind']} ({(phase['offered_tps'] or phase['committed_tps']):,.0f} tx/s)"
            cdf[name] = [(values[j], (j + 1) / total, (j + 1) / total, (j + 1) / total)
                         for j in range(0, len(values), step)]
    if cdf:
        pngs.append(cdf_plot(cdf, Path(f"{stem_prefix}-latency-cdf"), title="chain: submit-to-commit latency CDF",
                             xlabel="latency (ms)")[0])
    tps: dict[str, list] = {}
    p50: dict[str, list] = {}
    offset = 0.0
    for phase in result["phases"]:
        name = phase["kind"] if phase["kind"] != "rate" else f"rate {phase['offered_tps']:g}"
        tps[name] = [(offset + p["t"], p["committed"], p["committed"], p["committed"]) for p in phase["timeline"]]
        p50[name] = [(offset + p["t"], p["p50_ms"], p["p50_ms"], p.get("p99_ms") or p["p50_ms"])
                     for p in phase["timeline"] if p.get("p50_ms") is not None]
        offset += phase["seconds"]
    pngs.append(line_plot(tps, Path(f"{stem_prefix}-tps-over-time"), title="chain: committed tx/s over time",
                          xlabel="seconds (phases back to back)", ylabel="committed tx/s")[0])
    if any(p50.values()):
        pngs.append(line_plot({k: v for k, v in p50.items() if v}, Path(f"{stem_prefix}-latency-over-time"),
                              title="chain: latency over time (p50, band to p99)",
                              xlabel="seconds (phases back to back)", ylabel="latency (ms)", logy=True)[0])
    load = chain_load_plot(result, Path(f"{stem_prefix}-throughput-vs-offered"))
    if load:
        pngs.append(load[0])
    return pngs


def _plain_log_labels(axis) -> None:
    # "400" rather than "4 x 10^2" on a log axis that spans less than a decade.
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    axis.set_major_formatter(plain)
    axis.set_minor_formatter(plain)


def chain_load_plot(result: dict, stem: Path) -> list[Path]:
    """Saturation: committed tx/s against offered tx/s of the open-loop phases (rate:R:S and half),
    with the offered = committed line and the bounded-backlog max phase for reference, and the
    latency p50/p99 of the same phases beside it. Needs two open-loop phases; [] otherwise."""
    rates = sorted((p for p in result["phases"] if p["kind"] in ("rate", "half") and p.get("offered_tps")),
                   key=lambda p: p["offered_tps"])
    if len(rates) < 2:
        return []
    offered = [p["offered_tps"] for p in rates]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    left.plot(offered, [p["committed_tps"] for p in rates], marker="o", label="committed")
    left.plot([0, max(offered)], [0, max(offered)], linestyle=":", color="gray", label="committed = offered")
    for p in result["phases"]:
        if p["kind"] == "max":
            left.axhline(p["committed_tps"], linestyle="--", color="#d62728",
                         label=f"max phase (bounded backlog): {p['committed_tps']:,.0f} tx/s")
    left.set_xlabel("offered tx/s")
    left.set_ylabel("committed tx/s")
    left.set_title("chain: committed against offered load")
    left.legend(fontsize=8)
    for q, style in (("p50", "o-"), ("p99", "s--")):
        pts = [(x, p["latency_ms"].get(q)) for x, p in zip(offered, rates) if p["latency_ms"].get(q) is not None]
        if pts:
            right.plot([x for x, _ in pts], [y for _, y in pts], style, label=q)
    right.set_yscale("log")
    _plain_log_labels(right.yaxis)
    right.set_xlabel("offered tx/s")
    right.set_ylabel("submit-to-commit latency (ms)")
    right.set_title("chain: latency against offered load")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.grid(True, alpha=0.3)
    return _save(fig, stem)


def swarm_plot(records: list[dict], stem: Path) -> list[Path]:
    """The swarm suite beside its baseline: one panel per compared figure, a pair of bars per run
    (swarm and HTTP-only baseline of the same seed, min-max as error bars), and the offload."""
    panels = [("offload", "offload (%)"), ("origin_egress", "origin egress (MB)"),
              ("startup_p50", "startup p50 (ms)"), ("startup_p95", "startup p95 (ms)"),
              ("rebuffer_ratio", "rebuffer ratio (%)")]
    by_prefix = {prefix: [r for r in records if r["case"].split("/")[0] == prefix and r["status"] == "ok"]
                 for prefix, _ in panels}
    if not any(by_prefix.values()):
        return []
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.2))
    for ax, (prefix, title) in zip(axes, panels):
        recs = by_prefix[prefix]
        xs = range(len(recs))
        base = [next((a for a in r["anchors"] if a["kind"] == "measured"), None) for r in recs]
        shift = 0.2 if any(base) else 0.0
        ax.bar([x - shift for x in xs], [r["median"] for r in recs], width=0.4, label="swarm",
               yerr=[[r["median"] - r["min"] for r in recs], [r["max"] - r["median"] for r in recs]],
               color=_COLORS["measured"])
        ax.set_xlim(-0.7, len(recs) - 0.3)
        if any(base):
            ax.bar([x + 0.2 for x in xs], [a["value"] if a else 0 for a in base], width=0.4,
                   label="HTTP-only baseline", color=_COLORS["recorded"],
                   yerr=[[a["value"] - a["low"] if a else 0 for a in base],
                         [a["high"] - a["value"] if a else 0 for a in base]])
        ax.set_xticks(list(xs), [r["case"].split("/", 1)[1].replace("/", "\n") for r in recs], fontsize=7)
        ax.set_title(title, fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", fontsize=8)
    fig.suptitle("swarm against its HTTP-only baseline (same seed; bars: median over seeds, whiskers: min-max)")
    return _save(fig, stem)


def two_metric_plot(
    first: dict[str, list[tuple[float, float, float, float]]],
    second: dict[str, list[tuple[float, float, float, float]]],
    stem: Path,
    *,
    title: str,
    xlabel: str,
    ylabels: tuple[str, str],
) -> list[Path]:
    """Two panels over one swept parameter, e.g. the consensus sweeps' finality rounds (left) and bytes
    per guardian (right) against guardian count. The x axis is logarithmic when it spans >= 100x, the
    right panel's y axis when its values do."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for ax, series, ylabel in zip(axes, (first, second), ylabels):
        ys = []
        for name, points in series.items():
            points = sorted(points)
            xs = [p[0] for p in points]
            ys += [p[1] for p in points]
            ax.plot(xs, [p[1] for p in points], marker="o", label=name)
            ax.fill_between(xs, [p[2] for p in points], [p[3] for p in points], alpha=0.2)
            if xs and min(xs) > 0 and max(xs) / min(xs) >= 100:
                ax.set_xscale("log")
        if ys and min(ys) > 0 and max(ys) / min(ys) >= 100:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=8)
    fig.suptitle(title)
    return _save(fig, stem)
