"""theta-bench: the harness behind ./scripts/bench.

Runs the libraries' Google Benchmark binaries (and parameter sweeps), puts each case beside its anchor,
and writes results.json, results.csv, env.json, plots, report.md, report.html and summary.md. See docs/harness.md.
"""

SCHEMA = "theta-bench/1"
