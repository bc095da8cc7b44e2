"""Discovery on both corpora, and the OpenAPI body reader on a large generated body.

Usage: ``python bench/bench_formats.py [--corpora DIR] [--repeat N]``.

* Discovery: each ``*.tar.xz`` in the corpora folder (``$FAASGUARD_SHARED_DATA/../corpora`` by
  default) is unpacked into a temporary folder, then :func:`discover` runs ``--repeat`` times
  (best run reported) with the number of templates found and of unsupported-application notices.
* OpenAPI: one body with 2,000 operations (each with an integration, a security requirement and
  a ``$ref`` to a schema) is read by :func:`parse_spec`, then every operation's auth is decided.

Figures go to bench/README.md ("Formats").
"""

from __future__ import annotations

import argparse
import os
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from faasguard.fs import ScanFS
from faasguard.loaders.discovery import discover
from faasguard.loaders.openapi.spec import parse_spec


def _best(repeat: int, run: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _body(operations: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index in range(operations):
        paths[f"/items/{index}"] = {
            "post": {
                "security": [{"cognito": []}] if index % 2 else [],
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Item"}}
                    }
                },
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "uri": {"Fn::Sub": "arn:${AWS::Partition}:apigateway:${Fn.Arn}/invocations"},
                },
            }
        }
    return {
        "openapi": "3.0.1",
        "components": {
            "securitySchemes": {
                "cognito": {"type": "apiKey", "x-amazon-apigateway-authtype": "cognito_user_pools"}
            },
            "schemas": {"Item": {"type": "object"}},
        },
        "paths": paths,
    }


def main() -> None:
    """Run both measurements and print one line per figure."""
    shared = Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpora", type=Path, default=shared.parent / "corpora")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for tarball in sorted(args.corpora.glob("*.tar.xz")):
        with tempfile.TemporaryDirectory() as folder:
            with tarfile.open(tarball) as archive:
                archive.extractall(folder, filter="data")
            fs = ScanFS(Path(folder))
            seconds, found = _best(args.repeat, lambda fs=fs: discover(fs))
            print(
                f"discover {tarball.name}: {seconds:.3f} s, {len(found.templates)} templates, "
                f"{len(found.issues)} notices"
            )
    body = _body(2000)

    def read() -> int:
        spec, _ = parse_spec(body, file="api.yaml")
        return sum(1 for op in spec.operations if spec.auth(op).value == "none")

    seconds, open_routes = _best(args.repeat, read)
    print(f"openapi 2000 operations: {seconds * 1000:.1f} ms ({open_routes} open routes)")


if __name__ == "__main__":
    main()
