"""Generators for the hostile input shapes whose cost faasguard must keep bounded.

Each shape is a small project that used to cost minutes or gigabytes (issue "Hardening", section
1). ``bench/bench_budgets.py`` scans each one and records time and peak memory; the budget tests
in ``tests/hardening/`` use the same generators at sizes just past each budget.

Every generator takes the folder to write into and a ``scale`` (1.0 = the size named in the
issue) and returns the path to scan.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["SHAPES"]


def _sam_header() -> list[str]:
    return [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
    ]


def many_functions_big_folder(folder: Path, scale: float = 1.0) -> Path:
    """2,000 SAM functions whose code root is one folder of 20,000 files."""
    functions = max(2, int(2000 * scale))
    files = max(2, int(20_000 * scale))
    src = folder / "src"
    src.mkdir(parents=True, exist_ok=True)
    for index in range(files):
        (src / f"mod_{index}.py").write_text("x = 1\n")
    (src / "requirements.txt").write_text("requests==2.31.0\n")
    lines = _sam_header()
    for index in range(functions):
        lines += [
            f"  Fn{index}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            f"      Handler: mod_{index % files}.handler",
            "      CodeUri: src/",
        ]
    (folder / "template.yaml").write_text("\n".join(lines) + "\n")
    return folder


def codeuri_dot_empty_dirs(folder: Path, scale: float = 1.0) -> Path:
    """20 functions with ``CodeUri: .`` over 100,000 empty folders (1,000 x 100)."""
    outer = max(1, int(1000 * scale))
    for index in range(outer):
        for inner in range(100):
            (folder / f"d{index}" / f"e{inner}").mkdir(parents=True, exist_ok=True)
    lines = _sam_header()
    for index in range(20):
        lines += [
            f"  Fn{index}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      Runtime: python3.12",
            "      Handler: app.handler",
            "      CodeUri: .",
        ]
    (folder / "template.yaml").write_text("\n".join(lines) + "\n")
    (folder / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return folder


def requirements_mesh(folder: Path, scale: float = 1.0) -> Path:
    """200 ``requirements*.txt`` files that each include every other one (about 1.6 MB)."""
    count = max(2, int(200 * scale))
    names = [f"requirements-{index}.txt" for index in range(count)]
    for index, name in enumerate(names):
        body = [f"-r {other}" for other in names if other != name]
        body += [f"pkg{index}-{n}==1.0.{n}" for n in range(40)]
        (folder / name).write_text("\n".join(body) + "\n")
    lines = [*_sam_header()]
    lines += [
        "  Fn:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Runtime: python3.12",
        "      Handler: app.handler",
        "      CodeUri: .",
    ]
    (folder / "template.yaml").write_text("\n".join(lines) + "\n")
    (folder / "app.py").write_text("def handler(event, context):\n    return 1\n")
    return folder


def archive_entries(folder: Path, scale: float = 1.0) -> Path:
    """Four Serverless deployment zips of about 1,000 one-MiB entries each."""
    entries = max(2, int(1000 * scale))
    (folder / ".serverless").mkdir(parents=True, exist_ok=True)
    payload = b"a" * (1024 * 1024)
    names = []
    for index in range(4):
        name = f"fn{index}"
        names.append(name)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for entry in range(entries):
                zf.writestr(f"pkg/file{entry}.py", payload)
        (folder / ".serverless" / f"{name}.zip").write_bytes(buffer.getvalue())
    lines = ["service: zips", "provider:", "  name: aws", "  runtime: python3.12", "functions:"]
    for name in names:
        lines += [f"  {name}:", f"    handler: {name}.handler"]
    (folder / "serverless.yml").write_text("\n".join(lines) + "\n")
    return folder


def duplicate_keys(folder: Path, scale: float = 1.0) -> Path:
    """A template of about 5 MB holding 990,000 duplicate keys."""
    count = max(2, int(990_000 * scale))
    lines = [*_sam_header(), "  Fn:", "    Type: AWS::Serverless::Function", "    Properties:"]
    lines += ["      Runtime: python3.12", "      Handler: app.handler", "      Tags:"]
    lines += ["        k: v"] * count
    (folder / "template.yaml").write_text("\n".join(lines) + "\n")
    return folder


def nested_sub(folder: Path, scale: float = 1.0) -> Path:
    """A template of about 1.6 KB: nested ``Fn::Sub`` variable maps doubling a string per level.

    Thirty levels (under CloudFormation's own nesting of 32 intrinsics) would build a string of
    2^33 characters if nothing stopped it.
    """
    depth = max(2, int(30 * scale))
    value: object = "abcdefgh"
    for _ in range(depth):
        value = {"Fn::Sub": ["${A}${A}", {"A": value}]}
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "Environment": {"Variables": {"V": value}},
                },
            }
        },
    }
    (folder / "template.json").write_text(json.dumps(template))
    return folder


def finding_flood(folder: Path, scale: float = 1.0) -> Path:
    """One template producing about 110,000 identical findings (one statement repeated)."""
    count = max(2, int(110_000 * scale))
    statement = "        - {Effect: Allow, Action: '*', Resource: '*'}"
    lines = [*_sam_header(), "  Fn:", "    Type: AWS::Serverless::Function", "    Properties:"]
    lines += ["      Runtime: python3.12", "      Handler: app.handler", "      Policies:"]
    lines += ["        - Statement:"]
    lines += ["  " + statement] * count
    (folder / "template.yaml").write_text("\n".join(lines) + "\n")
    return folder


def serverless_50k(folder: Path, scale: float = 1.0) -> Path:
    """A ``serverless.yml`` of 50,000 functions, each with a few findings."""
    count = max(2, int(50_000 * scale))
    lines = ["service: huge", "provider:", "  name: aws", "  runtime: python3.8", "functions:"]
    for index in range(count):
        lines += [f"  f{index}:", "    handler: app.handler", "    url: true"]
    (folder / "serverless.yml").write_text("\n".join(lines) + "\n")
    return folder


def file_fanout(folder: Path, scale: float = 1.0) -> Path:
    """A ``serverless.yml`` whose functions each include the same 4 MB file 50 times."""
    entries = max(2, int(200_000 * scale))
    (folder / "big.yml").write_text("".join(f"k{i}: value-{i}\n" for i in range(entries)))
    lines = ["service: fanout", "provider:", "  name: aws", "  runtime: python3.12", "custom:"]
    lines += [f"  c{i}: ${{file(./big.yml)}}" for i in range(50)]
    lines += ["functions:"]
    for index in range(3):
        lines += [
            f"  f{index}:",
            "    handler: app.handler",
            "    environment:",
            f"      ALL: ${{self:custom.c{index}}}",
            f"      ONE: ${{self:custom.c{index + 10}.k1}}",
        ]
    (folder / "serverless.yml").write_text("\n".join(lines) + "\n")
    return folder


SHAPES: dict[str, Callable[[Path, float], Path]] = {
    "many-functions-big-folder": many_functions_big_folder,
    "codeuri-dot-empty-dirs": codeuri_dot_empty_dirs,
    "requirements-mesh": requirements_mesh,
    "archive-entries": archive_entries,
    "duplicate-keys": duplicate_keys,
    "nested-sub": nested_sub,
    "finding-flood": finding_flood,
    "serverless-50k": serverless_50k,
    "file-fanout": file_fanout,
}
