"""Speed of the JavaScript/TypeScript front-end: parsing, lowering and the taint analysis.

Usage: ``python bench/bench_code_js.py [CORPUS.tar.xz ...] [--repeat N]``

Each corpus (default: the two of ``../shared/corpora/``) is unpacked into a temporary folder.
The script then times, over every ``.js .mjs .cjs .ts .tsx`` file of the projects' own code
(``node_modules``, ``cdk.out`` and other build folders skipped, as a scan skips them):

* tree-sitter parsing, as the code base does it once per scan;
* lowering into the program model (:func:`faasguard.code.javascript.lower.lower_module`);
* the code analysis of a whole scan (``CodeAnalyzer`` over every application whose functions
  run on Node.js), which includes reading, parsing and lowering each file once.

Figures are lines per second, best of ``--repeat`` runs (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import tarfile
import tempfile
import time
from pathlib import Path

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.interface import SourceFile
from faasguard.code.javascript.lower import lower_module
from faasguard.code.parse import language_of, parse_script, skip_reason
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.handlers import BUILD_DIRS
from faasguard.loaders.interface import LoadOptions

_SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", "../shared/data")).parent / "corpora"


def _own_js_files(root: Path) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in BUILD_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            language = language_of(name)
            if language is None or language.value == "python":
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if skip_reason(name, text) is None:
                found.append((path, text))
    return found


def _best(runs: int, work: object) -> float:
    assert callable(work)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def bench(corpus: Path, repeat: int) -> None:
    """Unpack ``corpus`` and print the three figures for it."""
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(corpus) as archive:
            archive.extractall(tmp, filter="data")
        root = Path(tmp)
        files = _own_js_files(root)
        lines = sum(text.count("\n") + 1 for _, text in files)
        parsed: list[SourceFile] = []

        def parse_all() -> None:
            parsed.clear()
            for path, text in files:
                language = language_of(path.name)
                assert language is not None
                tree, _issue = parse_script(str(path), text)
                parsed.append(SourceFile(str(path), language, text, tree))

        def lower_all() -> None:
            for source in parsed:
                lower_module(source)

        def analyse() -> None:
            scan(root, Config(), load_options=LoadOptions(), analyzers=[CodeAnalyzer()])

        t_parse = _best(repeat, parse_all)
        t_lower = _best(repeat, lower_all)
        t_scan = _best(repeat, analyse)
        print(f"{corpus.name}: {len(files)} own JS/TS files, {lines} lines")
        print(f"  parse (tree-sitter)   {t_parse:7.3f} s  {lines / t_parse:10,.0f} lines/s")
        print(f"  lower (program model) {t_lower:7.3f} s  {lines / t_lower:10,.0f} lines/s")
        print(f"  whole scan + code analysis (all languages, all rules) {t_scan:7.3f} s")


def main() -> None:
    """Parse the arguments and run the benchmark on each corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpora = args.corpora or sorted(_SHARED.glob("*.tar.xz"))
    for corpus in corpora:
        bench(corpus, args.repeat)


if __name__ == "__main__":
    main()
