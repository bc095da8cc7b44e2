"""Cost of the code-edge analyses on a project folder, apart from loading and parsing.

Loads every application (no analyzers), has the shared code layer parse every function's own
code (timed as "parse"), then times, on those parsed trees: the call graph (the engine's
enricher) and the code-edge analyzer (facts walk, egress, TLS, plain HTTP, secrets, input
validation). The facts walk happens inside the first of the two, so each is reported alone and
together. Lines are the non-blank lines of the distinct own-code files the analyses read
(vendored files the closure reaches, such as a layer's ``python/`` folder, are skipped).

Usage: python bench/bench_code_edge.py FOLDER [--repeat N] [--clock cpu|wall]
(for the corpora: unpack ../shared/corpora/serverless-patterns-*.tar.xz into a temporary folder).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

#: CPU time of this process: on a shared, loaded machine wall time says more about the
#: neighbours than about the code (both are printed).
_CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


def _once(folder: Path, clock: Callable[[], float]) -> dict[str, float]:
    from faasguard.code.codebase import codebase_for
    from faasguard.code.edge.analyzer import CodeEdgeAnalyzer
    from faasguard.code.edge.calls import function_calls
    from faasguard.code.edge.secrets import is_vendored
    from faasguard.config import Config
    from faasguard.engine import gc_paused, scan
    from faasguard.fs import ScanFS
    from faasguard.loaders.interface import LoadOptions

    result = scan(folder, Config(), load_options=LoadOptions())
    fs = ScanFS(folder)
    codebase = codebase_for(fs)
    start = clock()
    files: dict[str, int] = {}
    for app in result.applications:
        for fn in app.functions:
            code = codebase.function_code(app, fn)
            for index, source in enumerate(code.files):
                if index and is_vendored(source.path, code.layer_roots):
                    continue  # not analysed by code-edge (a layer's python/ folder...)
                files[source.path] = sum(1 for line in source.text.splitlines() if line.strip())
    parsed = clock()
    with gc_paused():  # as during a scan (engine.scan pauses the collector)
        for app in result.applications:
            function_calls(app, fs)
        called = clock()
        analyzer = CodeEdgeAnalyzer()
        items = sum(1 for app in result.applications for _ in analyzer.analyze(app, fs))
    done = clock()
    return {
        "parse": parsed - start,
        "calls": called - parsed,
        "analyzer": done - called,
        "lines": float(sum(files.values())),
        "files": float(len(files)),
        "items": float(items),
    }


def main() -> None:
    """Run the benchmark and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clock", choices=sorted(_CLOCKS), default="cpu")
    args = parser.parse_args()
    runs = [_once(args.folder, _CLOCKS[args.clock]) for _ in range(args.repeat)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    edge = median["calls"] + median["analyzer"]
    print(
        f"{int(median['files'])} own-code files, {int(median['lines'])} non-blank lines; "
        f"parse (code layer) {median['parse'] * 1000:.0f} ms; call graph "
        f"{median['calls'] * 1000:.0f} ms; analyzer {median['analyzer'] * 1000:.0f} ms; "
        f"edge total {edge * 1000:.0f} ms = {median['lines'] / edge:,.0f} lines/s "
        f"({args.clock} time, median of {args.repeat})"
    )


if __name__ == "__main__":
    main()
