"""``package``: the globs of each function's package, in the order Serverless evaluates them.

Excludes first (negated; service, layer paths, then function), includes after (service
``include`` and ``patterns``, then function); function settings only when packaged individually.
"""

from __future__ import annotations

from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.loaders.serverless import ServerlessLoader
from faasguard.model import Location

F = "serverless.yml"


def _load(root: Path, text: str) -> LoadResult:
    (root / F).write_text(text)
    return ServerlessLoader().load(F, ScanFS(root), LoadOptions())


def _patterns(app):
    return {fn.name: fn.package_patterns for fn in app.functions}


def test_v1_excludes_come_before_includes_whatever_the_key_order(sls_app):
    app = sls_app("packaging_v1")
    assert _patterns(app) == {
        # `exclude: ['**']` then `include: ['src/**']`: src/ is packaged, not everything
        # excluded. An exclude written `!x` re-includes x. The function's `include` is ignored:
        # the service is packaged once.
        "api": ("!**", "node_modules/node-fetch/**", "src/**"),
        # Packaged on its own: its exclude joins the service's, before every include, so
        # `src/**` brings src/api.js back.
        "worker": ("!**", "node_modules/node-fetch/**", "!src/api.js", "src/**", "worker/**"),
    }


def test_v3_patterns_follow_the_service_patterns_without_repeats(sls_app):
    app = sls_app("packaging_v3")
    assert _patterns(app) == {
        # The layer path is excluded first; the function's repeat of `!**/__pycache__/**` is
        # dropped (lodash union keeps the first), so src/invoice/__pycache__ is packaged.
        "invoice": (
            "!layers/deps/**",
            "!**",
            "src/common/**",
            "!**/__pycache__/**",
            "src/invoice/**",
        ),
        "report": ("!layers/deps/**", "!**", "src/common/**", "!**/__pycache__/**"),
    }


def test_function_patterns_count_only_when_packaged_individually(sls_app):
    app = sls_app("packaging_individually_off")
    assert _patterns(app) == {
        "shared": ("!tests/**",),  # Serverless warns and ignores `!shared/big/**`
        "alone": ("!tests/**", "!docs/**"),  # its own `package.individually: true`
    }


def test_service_individually_with_v1_keys_and_no_service_patterns(tmp_path):
    result = _load(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "package:\n  individually: true\n"
        "functions:\n"
        "  a:\n    handler: a.handler\n"
        "    package:\n      exclude: [docs/**, docs/**]\n      include: [docs/api.md]\n"
        "  b:\n    handler: b.handler\n",
    )
    assert result.issues == ()
    assert _patterns(result.applications[0]) == {"a": ("!docs/**", "docs/api.md"), "b": ()}


def test_patterns_that_cannot_be_resolved_are_reported_and_not_applied(tmp_path):
    result = _load(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
        "package:\n"
        "  individually: ${ssm:/individually}\n"
        "  patterns:\n"
        "    - '!tests/**'\n"
        "    - ${ssm:/pattern}\n"
        "  exclude: ${ssm:/exclude}\n"
        "functions:\n"
        "  a:\n    handler: a.handler\n"
        "    package:\n      patterns: ['!docs/**']\n"
        "  b:\n    handler: b.handler\n"
        "    package: ${ssm:/package}\n",
    )
    ssm = "SSM parameter, resolved at deploy time"
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            f"package.individually of the service cannot be resolved statically ({ssm}); it is "
            "read as false",
            Location(F, 6),
            "s",
        ),
        LoadIssue(
            IssueKind.UNRESOLVED,
            f"package.exclude '${{ssm:/exclude}}' cannot be read ({ssm}); its patterns are not "
            "applied",
            Location(F, 10),
            "s",
        ),
        LoadIssue(
            IssueKind.UNRESOLVED,
            f"package.patterns pattern '${{ssm:/pattern}}' cannot be read ({ssm}); it is not "
            "applied",
            Location(F, 9),
            "s",
        ),
        LoadIssue(
            IssueKind.UNRESOLVED,
            f"package of function 'b' cannot be read ({ssm}); its patterns are not applied",
            Location(F, 18),
            "s",
        ),
    )
    assert _patterns(result.applications[0]) == {"a": ("!tests/**",), "b": ("!tests/**",)}


def test_python_requirements_file_name_is_a_dependency_manifest(sls_app):
    app = sls_app("python_requirements")
    assert {fn.name: fn.dependency_manifests for fn in app.functions} == {
        # custom.pythonRequirements.fileName, relative to the service folder...
        "api": ("package.json", "requirements/prod.txt"),
        # ...or to the function's module folder.
        "worker": ("worker/requirements/prod.txt",),
        "nofile": (),  # nofile/requirements/prod.txt does not exist
        "web": ("package.json",),  # the plugin only handles Python functions
    }


def test_python_requirements_file_name_needs_the_plugin_and_stays_in_the_root(tmp_path):
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs" / "prod.txt").write_text("rsa==4.0\n")
    template = (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "{plugins}"
        "custom:\n  pythonRequirements:\n    fileName: {name}\n"
        "functions:\n  a:\n    handler: a.handler\n"
    )
    without_plugin = _load(tmp_path, template.format(plugins="", name="reqs/prod.txt"))
    assert without_plugin.applications[0].functions[0].dependency_manifests == ()
    plugins = "plugins:\n  - serverless-python-requirements\n"
    with_plugin = _load(tmp_path, template.format(plugins=plugins, name="reqs/prod.txt"))
    assert with_plugin.applications[0].functions[0].dependency_manifests == ("reqs/prod.txt",)
    escape = _load(tmp_path, template.format(plugins=plugins, name="../../etc/passwd"))
    assert escape.issues == (
        LoadIssue(
            IssueKind.OUTSIDE_ROOT,
            "file reference '../../etc/passwd' points outside the scan root; it was not read",
            Location(F, 9),
            "s",
        ),
    )
    assert escape.applications[0].functions[0].dependency_manifests == ()
