"""Every Terraform-defined function of the public serverless-patterns collection is found.

The corpus (``serverless-patterns-*.tar.xz`` in the shared corpora folder) holds 90
``aws_lambda_function`` resources in 71 ``.tf`` files, plus 8 functions from the registry's
``terraform-aws-modules/lambda/aws`` module (a ninth registry use builds a layer) and one from
the same module taken from its GitHub repository (four more GitHub uses build layers). Only its
Terraform files are unpacked.
"""

from __future__ import annotations

import glob
import os
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.discovery import discover
from faasguard.loaders.interface import LoadOptions
from faasguard.loaders.terraform import TerraformLoader

SHARED = Path(os.environ.get("FAASGUARD_SHARED_DATA", "/work/shared/data"))


@pytest.fixture(scope="module")
def patterns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = sorted(glob.glob(str(SHARED.parent / "corpora" / "serverless-patterns-*.tar.xz")))
    if not found:
        pytest.fail(f"serverless-patterns corpus missing under {SHARED.parent / 'corpora'}")
    root = tmp_path_factory.mktemp("patterns")
    with tarfile.open(found[-1]) as tar:
        members = [
            m for m in tar.getmembers() if m.isfile() and m.name.endswith((".tf", ".tfvars"))
        ]
        tar.extractall(root, members=members, filter="data")
    return root


def test_every_function_of_the_corpus_is_found(patterns: Path) -> None:
    fs = ScanFS(patterns)
    refs = [ref for ref in discover(fs).templates if ref.loader == "terraform"]
    functions = []
    bugs = []
    for ref in refs:
        result = TerraformLoader().load(ref.path, fs, LoadOptions())
        functions.extend(fn for app in result.applications for fn in app.functions)
        bugs.extend(i for i in result.issues if "bug in faasguard" in i.message)
    assert bugs == []
    kinds = Counter(_declared_by(patterns, fn.location.file, fn.location.line) for fn in functions)
    assert kinds == {"resource": 90, "registry module": 8, "github module": 1}
    assert len(refs) == 129


def _declared_by(root: Path, file: str, line: int | None) -> str:
    """What declares the function: a ``resource`` block, or the lambda module (and from where)."""
    assert line is not None
    lines = (root / file).read_text().splitlines()
    if not lines[line - 1].lstrip().startswith("module "):
        return "resource"
    source = next(text for text in lines[line:] if text.strip().startswith("source"))
    return "github module" if "github.com" in source else "registry module"
