"""Overhead of faasguard_runtime.shield on a handler that opens files and sockets.

Run: python bench/bench_runtime_shield.py [--rounds N] [--invocations N]

The audit hook cannot be removed, so each configuration runs in its own child interpreter:
``baseline`` (no shield), ``installed-allow`` (hook present, every policy allow), ``default`` (the
default policy, code_roots set), and ``strict`` (every policy in block, egress allowlisting the
local server). Rounds alternate between configurations so that drift on the machine affects all of
them alike; the figure kept per configuration is its best round.

Both wall-clock and CPU time per invocation are reported: wall time is what the caller sees but
carries a few percent of scheduling noise from the local server; CPU time isolates the work done
in the function's process, which is where the shield adds its cost.

Each invocation of the handler writes a JSON file under /tmp, reads it back, reads a bundled data
file and a source file of the "function" through its import, opens a TCP connection to a local
server, sends a request and reads the answer: the I/O mix of a typical API handler.
Goal: < 5% slowdown.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

# Timed with a perf_counter loop, not timeit: timeit compiles a template, which the strict
# policy's dynamic_code=block rightly refuses.
CHILD = """
import json, os, socket, sys, time
from faasguard_runtime import events
events.set_stdout(False)

mode, port, work, invocations = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
task = os.path.join(work, "task")
if mode != "baseline":
    from faasguard_runtime.shield import Mode, ShieldPolicy, install
    if mode == "installed-allow":
        install(ShieldPolicy.allow_all())
    elif mode == "default":
        install(ShieldPolicy(code_roots=(task,)))
    else:
        install(ShieldPolicy(
            subprocess=Mode.BLOCK, egress=Mode.BLOCK, file_write=Mode.BLOCK,
            code_read=Mode.BLOCK, dynamic_code=Mode.BLOCK, ctypes=Mode.BLOCK,
            allowed_hosts=("127.0.0.1",), allow_loopback=False, code_roots=(task,),
        ))

scratch = os.path.join(work, "scratch.json")
config = os.path.join(task, "config.json")

def handler(event):
    with open(scratch, "w") as out:
        json.dump(event, out)
    with open(scratch) as back:
        saved = json.load(back)
    with open(config) as cfg:
        table = json.load(cfg)["table"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
        answer = conn.recv(64)
    return {"statusCode": 200, "body": json.dumps([saved["id"], table, len(answer)])}

event = {"id": "ORD-1", "items": [{"sku": "A", "qty": 1}] * 5}
for _ in range(200):
    handler(event)
start, cpu = time.perf_counter(), time.process_time()
for _ in range(invocations):
    handler(event)
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"wall": wall / invocations * 1e6, "cpu": cpu / invocations * 1e6}))
"""

MODES = ("baseline", "installed-allow", "default", "strict")


def serve(server: socket.socket, stop: threading.Event) -> None:
    """Answer every connection with a short HTTP response."""
    while not stop.is_set():
        ready, _, _ = select.select([server], [], [], 0.1)
        if not ready:
            continue
        conn, _ = server.accept()
        with conn:
            try:
                conn.recv(64)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
            except OSError:
                pass


def hook_microbench() -> str:
    """Cost of the hook on an event it ignores and on one it inspects (in a child)."""
    code = textwrap.dedent(
        """
        import os, time, json
        from faasguard_runtime import events
        events.set_stdout(False)
        path = os.path.join(os.environ["BENCH_DIR"], "f")
        open(path, "w").close()
        def read():
            with open(path):
                pass
        def ignored():
            id(read)  # raises the audit event builtins.id, which no policy watches
        def best_ns(f, n=100_000):
            best = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(n):
                    f()
                best = min(best, time.perf_counter() - start)
            return best / n * 1e9
        before = [best_ns(ignored), best_ns(read)]
        from faasguard_runtime.shield import install, ShieldPolicy
        install(ShieldPolicy(code_roots=(os.environ["BENCH_DIR"],)))
        after = [best_ns(ignored), best_ns(read)]
        print(json.dumps([before, after]))
        """
    )
    with tempfile.TemporaryDirectory() as work:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "BENCH_DIR": work},
        )
    (id_before, open_before), (id_after, open_after) = json.loads(done.stdout)
    return (
        f"id() (audited, ignored):   {id_before:7.0f} ns -> {id_after:7.0f} ns\n"
        f"open() for reading:        {open_before:7.0f} ns -> {open_after:7.0f} ns"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--invocations", type=int, default=2000)
    options = parser.parse_args()

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(server, stop), daemon=True)
    thread.start()
    best: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(dir="/tmp") as work:
        task = Path(work, "task")
        task.mkdir()
        (task / "config.json").write_text('{"table": "orders"}')
        for _ in range(options.rounds):
            for mode in MODES:
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, mode, str(port), work, str(options.invocations)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures = json.loads(done.stdout)
                for clock in ("wall", "cpu"):
                    key = (mode, clock)
                    best[key] = min(best.get(key, figures[clock]), figures[clock])
    stop.set()
    thread.join(timeout=5)
    server.close()

    print(f"faasguard_runtime.shield overhead (best of {options.rounds} rounds,")
    print(f"{options.invocations} invocations each; 3 file opens + 1 TCP round trip per call)")
    print(
        f"{'configuration':18} {'wall/call':>10} {'slowdown':>9} {'cpu/call':>10} {'slowdown':>9}"
    )
    for mode in MODES:
        cells = []
        for clock in ("wall", "cpu"):
            value, base = best[(mode, clock)], best[("baseline", clock)]
            cells.append(f"{value:8.1f}us {(value / base - 1) * 100:8.1f}%")
        print(f"{mode:18} {cells[0]} {cells[1]}")
    print("goal: < 5% slowdown. Wall time includes the server's answer and scheduling noise")
    print("(a few %); CPU time is the function's own work, where the shield's cost lands.")
    print(hook_microbench())


if __name__ == "__main__":
    main()
