"""The loaders' manifest names (``loaders/handlers.py``) agree with the manifest readers' registry.

The loaders keep their own copy so that loading a template does not import every reader; this
test is what keeps the copy honest. The one deliberate difference: pip-compile inputs
(``requirements*.in``), which the registry can parse, are not shipped and not manifests for the
loaders (``docs/dependencies.md``). (The test lives with the Serverless loader tests because
that loader is the main user of ``find_manifests``.)
"""

from __future__ import annotations

import fnmatch

import pytest

from faasguard.deps.manifests import MANIFEST_FILENAMES, MANIFEST_PATTERNS, is_manifest
from faasguard.loaders.handlers import MANIFEST_NAMES, is_manifest_name
from faasguard.loaders.handlers import MANIFEST_PATTERNS as LOADER_PATTERNS

NAMES = [
    "requirements.txt",
    "requirements-dev.txt",
    "requirements_prod.txt",
    "Requirements.txt",
    "dev-requirements.txt",
    "test_requirements.txt",
    "requirements.in",
    "requirements-lock.in",
    "requirements.txt.bak",
    "constraints.txt",
    "poetry.lock",
    "Pipfile",
    "Pipfile.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "pylock.toml",
    "pylock.lambda.toml",
    "pylock.toml.orig",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "package.json",
    "Package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "README.md",
]


PIP_COMPILE_INPUTS = "requirements*.in"


def test_the_copy_lists_the_registrys_names_and_patterns():
    assert MANIFEST_NAMES == MANIFEST_FILENAMES
    assert sorted(LOADER_PATTERNS) == sorted(
        pattern for pattern in MANIFEST_PATTERNS if pattern != PIP_COMPILE_INPUTS
    )
    assert PIP_COMPILE_INPUTS in MANIFEST_PATTERNS  # the difference is still a real one


@pytest.mark.parametrize("name", NAMES)
def test_loaders_and_registry_agree_on_each_name(name):
    pip_compile_input = fnmatch.fnmatchcase(name.lower(), PIP_COMPILE_INPUTS)
    assert is_manifest_name(name) is (is_manifest(name) and not pip_compile_input)


def test_names_no_reader_handles_and_pip_compile_inputs_are_not_manifests():
    assert [
        n for n in ("Pipfile", "setup.py", "bun.lockb", "requirements.in") if is_manifest_name(n)
    ] == []
    assert [
        n
        for n in ("dev-requirements.txt", "test_requirements.txt", "pylock.lambda.toml")
        if not is_manifest_name(n)
    ] == []
