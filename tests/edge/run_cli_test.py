#!/usr/bin/python3
"""theta-edge run on the documented example jobs (docs/examples/compute) and on bad input.

usage: run_cli_test.py THETA_EDGE EXAMPLES_DIR WORK_DIR

Checks the printed JSON (hash = BLAKE2b-256 of the bytes written by --out, the values a plain
Python computation gives) and the exit codes: 2 for bad flags or specs, 1 for runtime failures.
"""
import hashlib
import json
import math
import os
import struct
import signal
import subprocess
import sys
import time
import urllib.request

edge, examples, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
failures = []


def run(*args):
    proc = subprocess.run([edge, "run", *args], capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def floats(data):
    return list(struct.unpack("<%df" % (len(data) // 4), data))


def run_example(name, extra, expected, tolerance):
    out = os.path.join(work, name + ".out")
    code, stdout, stderr = run(os.path.join(examples, name + ".json"), "--out=" + out, *extra)
    check(code == 0, f"{name} {' '.join(extra)} exits 0 ({stderr.strip()})")
    if code != 0:
        return None
    result = json.loads(stdout)
    data = open(out, "rb").read()
    check(result["output_hash"] == "0x" + hashlib.blake2b(data, digest_size=32).hexdigest(),
          f"{name}: output_hash is BLAKE2b-256 of the --out file")
    check(result["output_bytes"] == len(data), f"{name}: output_bytes matches the file")
    got = floats(data)
    check(len(got) == len(expected) and
          all(abs(g - e) <= tolerance * max(1.0, abs(e)) for g, e in zip(got, expected)),
          f"{name}: output {got} equals {expected}")
    return result


# matmul [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]]
matmul = [58.0, 64.0, 139.0, 154.0]
cpu = run_example("matmul", ["--backend=cpu"], matmul, 0)
if cpu:
    check(cpu["backend"] == "cpu" and cpu["kernel"] == "matmul", "matmul: ran on the cpu backend")
    check(cpu["output_hex"] == "0x" + struct.pack("<4f", *matmul).hex(), "matmul: output_hex")
run_example("matmul", [], matmul, 0)  # auto: OpenBLAS on a CPU-only node, or a GPU

# The result docs/edge-compute.md shows for this command is the one it prints.
doc = open(os.path.join(examples, "..", "..", "edge-compute.md")).read().splitlines()
shown = [json.loads(line) for line in doc if line.startswith('{"backend":"cpu","kernel":"matmul"')]
check(len(shown) == 1 and cpu is not None and shown[0]["output_hash"] == cpu["output_hash"] and
      shown[0]["output_hex"] == cpu["output_hex"], "docs/edge-compute.md shows the matmul result")

# The Vulkan backend: lavapipe in CI; a machine without any Vulkan driver is a runtime failure.
code, stdout, stderr = run(os.path.join(examples, "matmul.json"), "--backend=vulkan")
if code == 0:
    vk = json.loads(stdout)
    check(vk["backend"] == "vulkan", "matmul --backend=vulkan ran on vulkan")
    check(floats(bytes.fromhex(vk["output_hex"][2:])) == matmul, "matmul on vulkan is exact here")
else:
    check(code == 1 and "Vulkan" in stderr, "no Vulkan device: exit 1 naming Vulkan")
    print("SKIPPED: no Vulkan device")

# softmax with its input by hash, resolved from the blobs folder
rows = [[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 1.0], [-3.0, 0.25, 4.0, -0.5]]
softmax = []
for row in rows:
    top = max(row)
    total = sum(math.exp(v - top) for v in row)
    softmax += [math.exp(v - top) / total for v in row]
run_example("softmax_by_hash", ["--blobs=" + os.path.join(examples, "blobs")], softmax, 1e-6)
code, _, stderr = run(os.path.join(examples, "softmax_by_hash.json"))
check(code == 1 and "resolves" in stderr, f"an input by hash without --blobs: exit 1 ({stderr.strip()})")

# A job order: the spec inside it runs
run_example("relu_order", ["--backend=cpu"], [0.0, 0.0, 2.5, 0.0], 0)

# Bad flags and bad specs: exit 2 with a message naming the problem
code, _, stderr = run(os.path.join(examples, "matmul.json"), "--backend=tpu")
check(code == 2 and "--backend=tpu" in stderr, f"--backend=tpu: exit 2 ({stderr.strip()})")
code, _, stderr = run(os.path.join(work, "no-such-job.json"))
check(code == 2 and "cannot read" in stderr, f"a missing job file: exit 2 ({stderr.strip()})")
bad = os.path.join(work, "bad.json")
with open(bad, "w") as f:
    f.write('{"kernel": "matmul", "params": {"m": 2, "n": 2}, "inputs": []}')
code, _, stderr = run(bad)
check(code == 2 and "compute job" in stderr, f"a spec without k: exit 2 ({stderr.strip()})")
with open(bad, "w") as f:
    f.write("{not json")
code, _, stderr = run(bad)
check(code == 2, f"malformed JSON: exit 2 ({stderr.strip()})")
big = json.load(open(os.path.join(examples, "matmul.json")))
big["limits"] = {"max_work": 5}
with open(bad, "w") as f:
    json.dump(big, f)
code, _, stderr = run(bad, "--backend=cpu")
check(code == 2 and "max_work" in stderr, f"work over max_work: exit 2 ({stderr.strip()})")
code, _, stderr = run(os.path.join(examples, "matmul.json"), "--backend=cpu",
                      "--out=" + os.path.join(work, "no-such-dir", "x.out"))
check(code == 1 and "cannot write" in stderr, f"an unwritable --out: exit 1 ({stderr.strip()})")

# theta-edge worker: the documented compute_run call on the example order, over HTTP
port_file = os.path.join(work, "worker.port")
if os.path.exists(port_file):
    os.remove(port_file)
worker = subprocess.Popen([edge, "worker", "--port=0", "--port_file=" + port_file,
                           "--backend=cpu", "--workers=2"], stdout=subprocess.PIPE, text=True)
try:
    for _ in range(1500):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        time.sleep(0.02)
    url = "http://127.0.0.1:%s/rpc" % open(port_file).read().strip()
    check(worker.stdout.readline().startswith("theta-edge: compute worker on " + url),
          "the worker prints its URL")

    def call(method, params):
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        request = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
        return json.load(urllib.request.urlopen(request, timeout=30))

    order = json.load(open(os.path.join(examples, "relu_order.json")))
    answer = call("compute_run", {"order": order})["result"]
    check(answer["ok"] and answer["job_id"] == "relu-1", f"compute_run answers ok ({answer})")
    check(floats(bytes.fromhex(answer["output_hex"][2:])) == [0.0, 0.0, 2.5, 0.0],
          "compute_run: relu of the example order")
    order["price_tfuel_wei"] = "not a number"
    error = call("compute_run", {"order": order})
    check(error.get("error", {}).get("code") == -32602, f"a malformed order is -32602 ({error})")
    stats = call("compute_stats", {})["result"]
    check(stats["completed"] == 1, f"compute_stats counts the job ({stats})")
finally:
    worker.send_signal(signal.SIGTERM)
    code = worker.wait(timeout=30)
    check(code == 0, f"the worker exits 0 on SIGTERM ({code})")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
