#!/usr/bin/python3
"""End-to-end test of ./scripts/bench on the core benchmark binary of a build.

Runs tests/tiny.toml (three core cases, their anchors, two small sweeps, a tiny swarm beside its
baseline) and checks what a researcher relies on: results.json follows the schema, each case sits
beside its same-run and recorded anchors with a ratio, the CSV has the same rows, plots, report.md,
a self-contained report.html and the summary block for docs/benchmarks.md are written, the chain
figures are drawn from a planted loadgen result, compare passes two copies of one run and flags a
planted 2x slowdown, a bad config names its field, and a missing binary is a labelled skip rather
than a crash.
"""

import argparse
import copy
import csv
import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ARGS = argparse.Namespace()


def bench_here(*argv: str) -> tuple[int, str]:
    """./scripts/bench in this process (matplotlib is imported once, not per call): status, stderr."""
    import contextlib
    import io
    from theta_bench import cli
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(list(argv))
    return status, err.getvalue()


def bench(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ARGS.repo / "scripts" / "bench"), *argv], capture_output=True, text=True,
                          timeout=90)


class HarnessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, str(ARGS.repo / "benchmarks" / "harness"))
        cls.tmp = tempfile.TemporaryDirectory(prefix="theta-bench-test-")
        cls.out = Path(cls.tmp.name) / "run"
        cls.proc = bench("--quick", "--no-build", "--no-progress", "--build-dir", str(ARGS.build_dir),
                         "--config", str(ARGS.repo / "benchmarks/harness/tests/tiny.toml"), "--out", str(cls.out))
        cls.doc = json.loads((cls.out / "results.json").read_text()) if (cls.out / "results.json").is_file() else {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def record(self, case: str) -> dict:
        found = [r for r in self.doc["results"] if r["case"] == case]
        self.assertEqual(len(found), 1, f"{case} should appear once in results.json")
        return found[0]

    def test_run_succeeds_and_follows_the_schema(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        from theta_bench import results
        self.assertEqual(results.validate(self.doc), [])
        self.assertEqual(self.doc["run"]["config"]["seed"], 7, "the config is echoed into the results")
        self.assertEqual(self.doc["run"]["config"]["repetitions_used"], 2)
        env = json.loads((self.out / "env.json").read_text())
        for key in ("cpu_model", "cores", "load_average_start", "git", "build", "packages"):
            self.assertIn(key, env)
        self.assertEqual(len(env["git"]["rev"]), 40)

    def test_cases_and_their_same_run_anchors_are_measured(self):
        cases = {r["case"] for r in self.doc["results"] if r["suite"] == "core"}
        # The filter named only ours; the harness adds each one's anchor to the same run.
        self.assertEqual(cases, {"BM_Secp256k1Sign", "BM_Secp256k1SignLibsecp", "BM_Keccak256/200",
                                 "BM_Keccak256CryptoPP/200", "BM_Uint256Mul", "BM_GmpMul"})
        sign = self.record("BM_Secp256k1Sign")
        self.assertEqual(sign["role"], "ours")
        self.assertEqual(len(sign["repeats"]), 2)
        self.assertTrue(0 < sign["min"] <= sign["median"] <= sign["max"])
        measured = [a for a in sign["anchors"] if a["kind"] == "measured"]
        self.assertEqual(len(measured), 1)
        libsecp = self.record("BM_Secp256k1SignLibsecp")
        self.assertEqual(libsecp["role"], "anchor")
        self.assertAlmostEqual(measured[0]["ratio"], sign["median"] / libsecp["median"])
        self.assertEqual(measured[0]["ratio_better"], "lower")

    def test_recorded_anchor_comes_from_anchors_md(self):
        keccak = self.record("BM_Keccak256/200")
        recorded = [a for a in keccak["anchors"] if a["kind"] == "recorded"]
        self.assertEqual(len(recorded), 1)
        self.assertAlmostEqual(recorded[0]["value"], 600.0)  # "0.60 µs" in ../shared/data/anchors.md
        self.assertEqual(recorded[0]["note"], "recorded, not measured here")

    def test_swarm_suite_runs_beside_its_baseline(self):
        swarm = [s for s in self.doc["suites"] if s["name"] == "swarm"][0]
        binary = ARGS.build_dir / "benchmarks/video/theta-video-swarm-sim"
        if not binary.is_file():
            self.assertEqual(swarm["status"], "not_built", swarm["note"])
            self.skipTest(f"{binary} is not built")
        self.assertEqual(swarm["status"], "ok", swarm["note"])
        tag = "viewers:6/edges:1/segments:3/join_ms:50/churn:0.25"
        offload = self.record(f"offload/{tag}")
        self.assertGreater(offload["median"], 50.0, "edges and peers should carry most viewer bytes")
        egress = self.record(f"origin_egress/{tag}")
        base = egress["anchors"][0]
        self.assertEqual(base["kind"], "measured")
        self.assertIn("baseline", base["label"])
        # The baseline sends every viewer byte from the origin: the swarm must send less.
        self.assertLess(egress["median"], base["value"])
        self.assertLess(base["ratio"], 1.0)
        runs = json.loads((self.out / "swarm" / "runs.json").read_text())
        self.assertEqual(runs[0]["baseline"][0]["offload"], 0.0, "the baseline fetches only from the origin")
        self.assertTrue(runs[0]["baseline"][0]["baseline"])
        # Both runs of a seed have the same departures (the plan is drawn from the seed).
        self.assertEqual(runs[0]["swarm"][0]["left"], runs[0]["baseline"][0]["left"])
        for name in ("swarm.png", "swarm-vs-baseline.png", "swarm-vs-baseline.svg"):
            self.assertGreater((self.out / name).stat().st_size, 1000, name)

    def test_csv_has_one_row_per_case_and_anchor(self):
        from theta_bench import results
        with (self.out / "results.csv").open(newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        self.assertEqual(reader.fieldnames, results.CSV_COLUMNS)
        expected = sum(max(1, len(r["anchors"])) for r in self.doc["results"])
        self.assertEqual(len(rows), expected)
        self.assertTrue(all(float(row["median"]) > 0 for row in rows if row["suite"] == "core"))
        self.assertTrue(all(row["git_rev"] == self.doc["env"]["git"]["rev"] for row in rows))
        # The build's type and compiler come from its CMake cache, read after the build step.
        build = self.doc["env"]["build"]
        self.assertTrue(build["build_type"] and build["compiler_version"], build)
        self.assertTrue(all(row["build_type"] == build["build_type"] for row in rows))

    def test_plots_and_report_are_written(self):
        for name in ("core.png", "core.svg", "sweep-keccak-size.png"):
            path = self.out / name
            self.assertTrue(path.is_file(), f"{name} missing")
            self.assertGreater(path.stat().st_size, 1000, f"{name} is nearly empty")
        self.assertEqual((self.out / "core.png").read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
        report = (self.out / "report.md").read_text()
        self.assertIn("| BM_Secp256k1Sign |", report)
        self.assertIn("*recorded*", report)
        self.assertIn("![core](core.png)", report)
        sweep = self.doc["sweeps"][0]
        self.assertEqual([p["value"] for p in sweep["points"]], [32, 1024])
        # Hashing 32x more bytes must take longer; a sweep that measured nothing would fail here.
        self.assertLess(sweep["points"][0]["median"], sweep["points"][1]["median"])
        echo = self.doc["sweeps"][1]
        self.assertEqual(echo["status"], "ok", echo["note"])
        self.assertEqual([(p["value"], p["median"], p["seed"]) for p in echo["points"]], [(2, 4.0, 5), (3, 9.0, 5)])
        self.assertEqual(echo["points"][0]["metrics"]["seed"], 5, "the seed reaches the program")
        self.assertEqual([(g["metric"], g["op"], g["met"]) for g in echo["points"][0]["goals"]],
                         [("square", "<=", True)])
        self.assertEqual([(g["metric"], g["value"], g["met"]) for g in echo["points"][1]["goals"]],
                         [("square", 9, False), ("seed", 5, True)])
        self.assertTrue((self.out / "sweep-command-echo.png").is_file())

    def test_a_zero_ratio_is_drawn_and_a_failing_plot_keeps_the_run(self):
        from theta_bench import cli, plots
        # The swarm's origin egress is 0 when the edges serve everything: ratio 0 on a log axis.
        zero = {"case": "origin_egress_bytes", "role": "ours", "status": "ok", "unit": "B", "median": 0.0,
                "anchors": [{"label": "origin alone", "kind": "measured", "ratio": 0.0, "ratio_better": "lower"}]}
        other = copy.deepcopy(zero)
        other.update(case="startup_p50_ms", median=150.0)
        other["anchors"][0]["ratio"] = 0.16
        with tempfile.TemporaryDirectory() as d:
            paths = plots.suite_plot("swarm", [zero, other], Path(d) / "swarm")
            self.assertTrue(paths and paths[0].stat().st_size > 1000)
        entry: dict = {}
        self.assertIsNone(cli._guard_plot(entry, "swarm", lambda: 1 / 0))
        self.assertIn("ZeroDivisionError", entry["plot_error"])
        # The chain suite draws two figures into one entry: a second that succeeds keeps the first error.
        self.assertEqual(cli._guard_plot(entry, "swarm", lambda: "drawn"), "drawn")
        self.assertIn("ZeroDivisionError", entry["plot_error"])

    def test_report_command_rewrites_from_results(self):
        (self.out / "report.md").unlink()
        (self.out / "report.html").unlink()
        # An earlier failure of a figure that now draws is cleared by the redraw.
        doc = json.loads((self.out / "results.json").read_text())
        doc["suites"][0]["plot_error"] = "core: the plot failed (planted)"
        (self.out / "results.json").write_text(json.dumps(doc))
        proc = bench("report", str(self.out))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("| BM_Uint256Mul |", (self.out / "report.md").read_text())
        self.assertTrue((self.out / "report.html").is_file())
        redrawn = json.loads((self.out / "results.json").read_text())
        self.assertNotIn("plot_error", redrawn["suites"][0])

    def test_html_report_is_self_contained(self):
        page = (self.out / "report.html").read_text()
        self.assertTrue(page.startswith("<!DOCTYPE html>"))
        self.assertIn("<td>BM_Secp256k1Sign</td>", page)
        self.assertIn("<em>recorded</em>", page)
        plots = [s["plot"] for s in self.doc["suites"] if s.get("plot")] + [
            p for s in self.doc["suites"] for p in s.get("plots", [])] + [
            s["plot"] for s in self.doc["sweeps"] if s.get("plot")]
        self.assertGreaterEqual(len(plots), 3)
        self.assertEqual(page.count('src="data:image/png;base64,'), len(plots), "every plot embedded once")
        self.assertNotIn('class="missing"', page)
        # No external assets: every src and href is a data URI or an in-page anchor.
        import re
        for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
            self.assertTrue(ref.startswith(("data:", "#")), ref)

    def test_summary_block_for_the_docs(self):
        from theta_bench import report
        summary = (self.out / "summary.md").read_text()
        self.assertTrue(summary.startswith(report.SUMMARY_BEGIN))
        self.assertIn(report.SUMMARY_END, summary)
        self.assertIn(self.doc["run"]["command"], summary)
        self.assertRegex(summary, r"\| core \| BM_Secp256k1Sign \| [0-9.]+ µs \| libsecp256k1 called directly")
        self.assertIn("| sweep command-echo | n = 2: square | 4 n² | — | — | ≤ 5 n²: met |", summary)
        self.assertIn("| sweep command-echo | n = 3: square | 9 n² | — | — | ≥ 10 n²: not met (a planted miss) |",
                      summary)
        self.assertIn("| sweep command-echo | n = 3: seed | 5 | — | — | ≤ 5: met (the seed) |", summary)
        doc_file = Path(self.tmp.name) / "benchmarks.md"
        doc_file.write_text(f"# Numbers\n\n{report.SUMMARY_BEGIN}\nold table\n{report.SUMMARY_END}\n\nafter\n")
        images = Path(self.tmp.name) / "images" / "bench"
        images.mkdir(parents=True)
        (images / "an-earlier-run.png").write_bytes(b"stale")
        (images / "keep-me.svg").write_text("not a plot of the harness's")
        status, err = bench_here("report", str(self.out), "--into", str(doc_file))
        self.assertEqual(status, 0, err)
        text = doc_file.read_text()
        self.assertNotIn("old table", text)
        self.assertIn("| core | BM_Uint256Mul |", text)
        self.assertTrue(text.startswith("# Numbers\n") and text.endswith("\nafter\n"))
        # The run's plots travel with the table: copied beside the page, linked from the block, and an
        # earlier run's PNGs are gone (other files stay).
        self.assertIn("![core: core](images/bench/core.png)", text)
        self.assertEqual((images / "core.png").read_bytes(), (self.out / "core.png").read_bytes())
        self.assertFalse((images / "an-earlier-run.png").exists())
        self.assertTrue((images / "keep-me.svg").exists())
        self.assertIn("![core: core](core.png)", summary)
        doc_file.write_text("no markers here\n")
        status, err = bench_here("report", str(self.out), "--into", str(doc_file))
        self.assertEqual(status, 2)
        self.assertIn("theta-bench:summary:begin", err)

    def test_chain_plots_from_a_rate_sweep(self):
        """The chain figures from a loadgen result and its per-tx CSVs (no devnet: a planted sweep
        where commits level off at 1,500 tx/s), drawn again by `report` from DIR/chain."""
        from theta_bench import chain, results
        run = Path(self.tmp.name) / "chain-run"
        (run / "chain").mkdir(parents=True)
        phases = []
        for i, offered in enumerate((500, 1000, 2000, 4000), start=1):
            committed = min(offered, 1500)
            p50 = 100.0 * offered / committed ** 0.5
            rows = [(t * 0.01, p50 * (0.5 + (t % 100) / 100)) for t in range(500)]
            with (run / "chain" / f"latency-{i}-rate.csv").open("w") as f:
                f.write("submit_s,latency_ms\n" + "".join(f"{a},{b}\n" for a, b in rows))
            phases.append({"kind": "rate", "offered_tps": offered, "seconds": 5, "committed_tps": committed,
                           "latency_ms": {"count": 500, "uncommitted": 0, "p50": p50, "p99": 2 * p50},
                           "blocks": {"interval_ms_mean": 100.0}, "generator": {"cpu_cores": 0.05},
                           "timeline": [{"t": t, "committed": committed, "p50_ms": p50, "p99_ms": 2 * p50}
                                        for t in range(5)]})
        loadgen = {"validators": 4, "accounts": 100, "phases": phases, "ceiling": None}
        (run / "chain" / "loadgen.json").write_text(json.dumps(loadgen))
        doc = dict(self.doc, results=chain.records(loadgen), sweeps=[],
                   suites=[{"name": "chain", "status": "ok", "note": "", "binary": "", "cases": 1}])
        self.assertEqual(results.validate(doc), [])
        # The planted p99s are all above 1 s: no saturation point, said so rather than a number.
        saturation = next(r for r in doc["results"] if r["case"].startswith("saturation_tps/"))
        self.assertEqual(saturation["status"], "failed")
        self.assertIn("p99 bound", saturation["error"])
        # With a p99 that stays low up to 1,500 tx/s offered, the point is the highest rate that kept up.
        def rate(offered, committed, p99):
            return {"kind": "rate", "offered_tps": offered, "committed_tps": committed,
                    "latency_ms": {"p99": p99}}
        sweep = [rate(500, 500, 200), rate(1000, 990, 300), rate(1500, 1450, 900), rate(2000, 1500, 4000)]
        self.assertEqual(chain._saturation(sweep, 1000), 1500)
        self.assertEqual(chain._saturation(sweep, 500), 1000)
        self.assertIsNone(chain._saturation(sweep[:1], 1000), "one open-loop phase is no sweep")
        (run / "results.json").write_text(json.dumps(doc))
        status, err = bench_here("report", str(run))
        self.assertEqual(status, 0, err)
        for name in ("latency-cdf", "tps-over-time", "latency-over-time", "throughput-vs-offered"):
            for ext in ("png", "svg"):
                path = run / f"chain-{name}.{ext}"
                self.assertTrue(path.is_file(), path.name)
                self.assertGreater(path.stat().st_size, 5000, path.name)
        written = json.loads((run / "results.json").read_text())
        self.assertEqual(len(written["suites"][0]["plots"]), 4)
        page = (run / "report.html").read_text()
        self.assertEqual(page.count("data:image/png;base64,"), 5)  # the ratio bars and four figures
        self.assertIn("<td>committed_tps/rate:4000</td>", page)

    def test_compare_passes_identical_runs_and_flags_a_2x_slowdown(self):
        same = bench("compare", str(self.out), str(self.out))
        self.assertEqual(same.returncode, 0, same.stdout + same.stderr)
        slow = copy.deepcopy(self.doc)
        target = next(r for r in slow["results"] if r["case"] == "BM_Uint256Mul")
        for key in ("min", "median", "max"):
            target[key] *= 2
        target["repeats"] = [v * 2 for v in target["repeats"]]
        planted = Path(self.tmp.name) / "slow.json"
        planted.write_text(json.dumps(slow))
        proc = bench("compare", str(self.out / "results.json"), str(planted))
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("core/BM_Uint256Mul", [line.split()[0] for line in proc.stdout.splitlines()
                                            if "REGRESSION" in line])

    def test_bad_config_names_the_field(self):
        bad = Path(self.tmp.name) / "bad.toml"
        bad.write_text('repetitions = 3\n[quick]\nmin_time = "fast"\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("'quick.min_time'", proc.stderr)
        bad.write_text('[suite.core]\ninclud = "x"\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("'suite.core.includ'", proc.stderr)

    def test_chain_records_from_a_loadgen_result_follow_the_schema(self):
        from theta_bench import chain, results

        timeline = [{"t": 0, "committed": 90}]
        phase = {"kind": "max", "offered_tps": None, "seconds": 10, "committed_tps": 900.0,
                 "latency_ms": {"count": 9, "uncommitted": 1, "p50": 120.0, "p99": None},
                 "blocks": {"interval_ms_mean": 80.0}, "generator": {"cpu_cores": 0.05}, "timeline": timeline}
        loadgen = {"validators": 4, "accounts": 2000, "phases": [phase],
                   "ceiling": {"tps": 3000.0, "cpu_tps": 10000.0, "cpu_us_per_check": 50.0},
                   "node_usage": {"validator0": {"cpu_cores": 0.5, "rss_mib": 300.0}}}
        recs = chain.records(loadgen)
        doc = dict(self.doc, results=recs)
        self.assertEqual(results.validate(doc), [])
        tps = [r for r in recs if r["case"] == "committed_tps/max"][0]
        self.assertEqual([round(a["ratio"], 2) for a in tps["anchors"]], [0.3, 0.09])
        self.assertEqual((tps["goal"]["op"], tps["goal"]["target"], tps["goal"]["met"]), (">=", 3000, False))
        # The half phase's latency against issue 7's bounds: p50 met, p99 not.
        half = dict(phase, kind="half", offered_tps=450.0, committed_tps=450.0,
                    latency_ms={"count": 10, "uncommitted": 0, "p50": 250.0, "p99": 1500.0})
        recs = chain.records(dict(loadgen, phases=[phase, half]))
        goals = {r["case"]: r["goal"]["met"] for r in recs if "goal" in r}
        self.assertEqual(goals, {"committed_tps/max": False, "latency_p50/half": True, "latency_p99/half": False})
        self.assertEqual(results.validate(dict(self.doc, results=recs)), [])
        # A quantile that falls among never-committed transactions is a failed figure, not a number.
        p99 = [r for r in recs if r["case"] == "latency_p99/max"][0]
        self.assertEqual(p99["status"], "failed")
        self.assertIn("never committed", p99["error"])

    def test_bad_swarm_config_names_the_field(self):
        bad = Path(self.tmp.name) / "bad-swarm.toml"
        bad.write_text('[swarm]\nruns = [{viewers = 10, churn = 1.5}]\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad-swarm"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("'swarm.runs[0].churn'", proc.stderr)
        bad.write_text('[swarm]\nruns = [{viewerz = 10}]\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad-swarm"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("'swarm.runs[0].viewerz'", proc.stderr)

    def test_bad_chain_config_names_the_field(self):
        bad = Path(self.tmp.name) / "bad-chain.toml"
        bad.write_text('[chain]\nphases = "max:10,fast:5"\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad-chain"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("chain.phases", proc.stderr)
        bad.write_text('[chain]\ncompaction_nice = 25\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad-nice"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("chain.compaction_nice", proc.stderr)
        bad.write_text('[chain]\nadmission_nice = -1\n')
        proc = bench("--config", str(bad), "--no-build", "--out", str(Path(self.tmp.name) / "bad-admit"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("chain.admission_nice", proc.stderr)

    def test_missing_binary_is_a_labelled_skip(self):
        empty = Path(self.tmp.name) / "empty-build"
        empty.mkdir()
        out = Path(self.tmp.name) / "skip"
        proc = bench("core", "--no-build", "--no-progress", "--build-dir", str(empty), "--out", str(out))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        doc = json.loads((out / "results.json").read_text())
        self.assertEqual(doc["suites"][0]["status"], "not_built")
        self.assertIn("suite not built", doc["suites"][0]["note"])
        self.assertIn("not_built", (out / "report.md").read_text())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--build-dir", type=Path, required=True)
    parser.parse_args(namespace=ARGS)
    unittest.main(argv=[sys.argv[0], "-v"])
