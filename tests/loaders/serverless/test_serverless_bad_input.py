"""Bad and hostile input: always issues, never a traceback, never a hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions, LoadResult
from faasguard.loaders.serverless import ServerlessLoader
from faasguard.loaders.serverless.naming import lambda_logical_id, normalized_function_name
from faasguard.model import AppFormat, Application, Location, Unknown

F = "serverless.yml"


def _load(root: Path, text: str, name: str = F) -> LoadResult:
    (root / name).write_text(text)
    return ServerlessLoader().load(name, ScanFS(root), LoadOptions())


def test_non_aws_provider_is_skipped_with_one_issue(sls_load):
    result = sls_load("non_aws")
    assert result.issues == (
        LoadIssue(
            IssueKind.UNSUPPORTED,
            "provider google is not scanned with AWS rules; skipped",
            Location(F, 3),
            "gcp-service",
        ),
    )
    assert result.applications == (
        Application(
            name="gcp-service",
            format=AppFormat.SERVERLESS,
            file=F,
            root=".",
            provider="google",
            stage="dev",
            region=None,
        ),
    )


@pytest.mark.parametrize("name", ["serverless.ts", "serverless.js"])
def test_script_templates_are_unsupported_and_never_run(sls_load, tmp_path, name):
    if name == "serverless.ts":
        result = sls_load("typescript", name)
    else:
        result = _load(tmp_path, "require('fs').writeFileSync('pwned', '')\n", name)
        assert not (tmp_path / "pwned").exists()
    assert result == LoadResult(
        issues=(
            LoadIssue(
                IssueKind.UNSUPPORTED,
                f"{name} is not supported statically, run `serverless print > serverless.yml` "
                "and scan the output (faasguard never runs the project's code)",
                Location(name),
            ),
        )
    )


def test_list_as_template_is_a_parse_error(sls_load):
    assert sls_load("list_template") == LoadResult(
        issues=(
            LoadIssue(
                IssueKind.PARSE_ERROR,
                "serverless.yml is not a Serverless service: the document is a list, not a mapping",
                Location(F, 1),
            ),
        )
    )


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("", "the file is empty"),
        ("just a string\n", "the document is a string, not a mapping"),
        ("42\n", "the document is a scalar, not a mapping"),
    ],
)
def test_other_non_mappings_are_parse_errors(tmp_path, text, detail):
    assert _load(tmp_path, text).issues == (
        LoadIssue(
            IssueKind.PARSE_ERROR,
            f"serverless.yml is not a Serverless service: {detail}",
            Location(F, 1),
        ),
    )


def test_invalid_yaml_is_a_parse_error(tmp_path):
    result = _load(tmp_path, "service: s\nprovider: [unclosed\n")
    assert result.applications == ()
    (issue,) = result.issues
    assert (issue.kind, issue.location.file) == (IssueKind.PARSE_ERROR, F)


def test_duplicate_keys_are_reported_with_their_line(sls_load):
    result = sls_load("duplicate_keys")
    assert result.issues == (
        LoadIssue(
            IssueKind.DUPLICATE_KEY,
            "duplicate key 'hello' (first at line 5): the earlier value is silently discarded "
            "by YAML loaders",
            Location(F, 7),
            "dupes",
        ),
    )
    (fn,) = result.applications[0].functions
    assert (fn.handler, fn.location) == ("handler.second", Location(F, 7))


def test_json_template(sls_app):
    app = sls_app("json_template", "serverless.json")
    assert (app.name, app.file, app.stage) == ("json-service", "serverless.json", "staging")
    (fn,) = app.functions
    assert (fn.location, fn.triggers[0].location) == (
        Location("serverless.json", 9),
        Location("serverless.json", 12),
    )


def test_unreadable_parts_become_issues_not_crashes(tmp_path):
    result = _load(
        tmp_path,
        "service: s\n"
        "provider:\n"
        "  name: aws\n"
        "  environment: ${ssm:/shared/env}\n"
        "functions:\n"
        "  a:\n"
        "    handler: h.a\n"
        "    events: ${ssm:/events}\n"
        "  b: ${ssm:/function}\n"
        "  c:\n"
        "    handler: h.c\n"
        "    events:\n"
        "      - ${ssm:/event}\n"
        "      - just-a-string\n"
        "resources: ${cf:other-stack.resources}\n",
    )
    app = result.applications[0]
    assert [fn.name for fn in app.functions] == ["a", "b", "c"]
    assert app.function("b").handler == Unknown(
        "${ssm:/function}", "SSM parameter, resolved at deploy time"
    )
    ssm = "SSM parameter, resolved at deploy time"
    assert [(i.kind, i.location.line, i.message) for i in result.issues] == [
        (
            IssueKind.UNRESOLVED,
            15,
            "resources '${cf:other-stack.resources}' cannot be resolved statically "
            "(CloudFormation stack output, resolved at deploy time); the resources it adds "
            "are not scanned",
        ),
        (
            IssueKind.UNRESOLVED,
            8,
            f"events of function 'a' cannot be read ({ssm}); its triggers are unknown",
        ),
        (
            IssueKind.UNRESOLVED,
            4,
            f"provider environment cannot be resolved statically ({ssm}); its variables are "
            "not known",
        ),
        (
            IssueKind.UNRESOLVED,
            9,
            f"function 'b' cannot be resolved statically ({ssm}); only provider settings are known",
        ),
        (
            IssueKind.UNRESOLVED,
            13,
            f"event 0 of function 'c' cannot be read ({ssm}); it is not scanned",
        ),
        (
            IssueKind.UNRESOLVED,
            14,
            "event 1 of function 'c' cannot be read (not a mapping); it is not scanned",
        ),
    ]


def test_naming_follows_serverless():
    assert normalized_function_name("hello-world") == "HelloDashworld"
    assert normalized_function_name("my_func") == "MyUnderscorefunc"
    assert lambda_logical_id("hello-world") == "HelloDashworldLambdaFunction"
    assert lambda_logical_id("createUser") == "CreateUserLambdaFunction"


def _timed(root: Path, text: str) -> tuple[LoadResult, float]:
    start = time.perf_counter()
    result = _load(root, text)
    return result, time.perf_counter() - start


def test_reference_bomb_is_cut_off(tmp_path):
    lines = ["service: bomb", "provider:", "  name: aws", "custom:", "  l0: [x, x]"]
    lines += [
        f"  l{i}: ['${{self:custom.l{i - 1}}}', '${{self:custom.l{i - 1}}}']" for i in range(1, 40)
    ]
    result, elapsed = _timed(tmp_path, "\n".join(lines) + "\n")
    assert elapsed < 5
    assert [issue.kind for issue in result.issues] == [IssueKind.PARSE_ERROR]
    assert "to more than 2000000 values" in result.issues[0].message


def test_string_doubling_bomb_is_cut_off(tmp_path):
    lines = ["service: bomb", "provider:", "  name: aws", "custom:", "  s0: xxxxxxxxxx"]
    lines += [f"  s{i}: '${{self:custom.s{i - 1}}}${{self:custom.s{i - 1}}}'" for i in range(1, 60)]
    result, elapsed = _timed(tmp_path, "\n".join(lines) + "\n")
    assert elapsed < 5
    assert "to more than 1000000 characters" in result.issues[0].message


def test_long_reference_chains_and_deep_nesting_are_bounded(tmp_path):
    lines = [
        "service: chain",
        "provider:",
        "  name: aws",
        "functions:",
        "  f:",
        "    handler: h.h",
        "    environment:",
        "      X: ${self:custom.c2999}",
        "custom:",
    ]
    lines += [f"  c{i}: ${{self:custom.c{i - 1}}}" for i in range(2999, 0, -1)]
    lines.append("  c0: end")
    result, elapsed = _timed(tmp_path, "\n".join(lines) + "\n")
    assert elapsed < 5
    assert result.applications[0].functions[0].environment[0].value == Unknown(
        "${self:custom.c2999}", "variables nest too deeply"
    )
    assert [issue.kind for issue in result.issues] == [IssueKind.PARSE_ERROR]
    nested = "${self:" * 400 + "a" + "}" * 400
    result, elapsed = _timed(
        tmp_path, f"service: n\nprovider:\n  name: aws\ncustom:\n  x: '{nested}'\n"
    )
    assert elapsed < 5
    assert [issue.kind for issue in result.issues] == [IssueKind.PARSE_ERROR]


def test_thousand_functions_load_each_with_its_resolved_settings(tmp_path):
    # Speed is measured by bench/bench_scan.py --functions N, not asserted here.
    lines = [
        "service: big",
        "provider:",
        "  name: aws",
        "  runtime: python3.12",
        "  environment:",
        "    TABLE: ${self:custom.table}",
        "  iam:",
        "    role:",
        "      statements:",
        "        - {Effect: Allow, Action: 'dynamodb:*', Resource: !GetAtt Table.Arn}",
        "custom:",
        "  table: ${self:service}-${sls:stage}",
        "functions:",
    ]
    for i in range(1000):
        lines += [
            f"  fn-{i}:",
            f"    handler: src/h{i}.main",
            "    environment:",
            f"      NAME: fn-{i}-${{sls:stage}}",
            "    events:",
            f"      - http: GET /items/{i}",
            "      - sqs: !GetAtt Queue.Arn",
        ]
    lines += [
        "resources:",
        "  Resources:",
        "    Table: {Type: AWS::DynamoDB::Table}",
        "    Queue: {Type: AWS::SQS::Queue}",
    ]
    text = "\n".join(lines) + "\n"
    result = _load(tmp_path, text)
    assert result.issues == ()
    app = result.applications[0]
    assert len(app.functions) == 1000
    assert app.roles[0].functions == tuple(f"fn-{i}" for i in range(1000))
    assert app.functions[999].env("NAME").value == "fn-999-dev"
