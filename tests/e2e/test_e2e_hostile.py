"""Hostile input end to end: the scanned repository is untrusted.

One asset folder per failure mode under tests/assets/hostile/ (small text files); symlinks, FIFOs,
deep folder trees and big files are made in tmp_path at test time. Every case is scanned through
the CLI with ``--format json --no-deps`` and must end with exit 0 or 1 (never 3; 4 with its one
notice when only unsupported formats are there), nothing else on stderr, a report valid against
the published schema, and exactly the expected tool findings.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.support import HOSTILE, SCAN_DEFAULTS, Run, tool_findings, write_tree

NOT_READ = "; it was not read"


def _scan_ok(scan: Callable[..., Run], target: Path | str, validator, *extra: str) -> dict:
    run = scan(target, *extra)
    # Exit 4 (only applications in unsupported formats, docs/cli.md) says so on stderr; anything
    # else there would be a traceback or an internal error.
    unsupported = run.code == 4 and run.err.startswith(
        "faasguard: no application faasguard can analyse was found"
    )
    assert run.err == "" or unsupported  # no traceback, no internal error
    assert run.code in (0, 1) or unsupported
    report = run.json()
    validator.validate(report)
    return report


# --- asset folders ------------------------------------------------------------------------------

CASES = {
    # The budget runs out while expanding the nine "lol" scalars of list `a`, on line 5.
    "alias-bomb": [
        (
            "FG0001",
            "serverless.yml",
            5,
            "document expands to more than 2000000 nodes (a YAML alias bomb?); it was not read",
        )
    ],
    "deep-flow-nesting": [
        (
            "FG0001",
            "serverless.yml",
            5,
            "flow collections nest deeper than 1000 levels; the file was not read",
        )
    ],
    "deep-block-nesting": [
        (
            "FG0001",
            "serverless.yml",
            7,
            "nesting deeper than 200 levels (or a recursive alias); it was not read",
        )
    ],
    "bad-utf8": [("FG0001", "serverless.yml", 6, "not valid UTF-8 (byte 0xe9 at offset 126)")],
    "empty-serverless": [
        (
            "FG0001",
            "serverless.yml",
            1,
            "serverless.yml is not a Serverless service: the file is empty",
        )
    ],
    "not-a-mapping-list": [
        (
            "FG0001",
            "serverless.yml",
            1,
            "serverless.yml is not a Serverless service: the document is a list, not a mapping",
        ),
        # template.yaml has the words but no template structure: not a template, not reported
        # (named on the command line it is a parse error, see the empty-template tests)
    ],
    "not-a-mapping-string": [
        (
            "FG0001",
            "serverless.yml",
            1,
            "serverless.yml is not a Serverless service: the document is a string, not a mapping",
        ),
    ],
    "duplicate-function-key": [
        (
            "FG0004",
            "serverless.yml",
            13,
            "duplicate key 'publicApi' (first at line 8): the earlier value is silently discarded "
            "by YAML loaders",
        )
    ],
    "serverless-ts": [
        (
            "FG0005",
            "serverless.ts",
            None,
            "serverless.ts is not supported statically, run `serverless print > serverless.yml` "
            "and scan the output (faasguard never runs the project's code)",
        )
    ],
    "non-aws-provider": [
        ("FG0005", "serverless.yml", 4, "provider google is not scanned with AWS rules; skipped")
    ],
    "cfn-ref-cycle": [
        (
            "FG0006",
            "template.yaml",
            4,
            "parameter 'A' refers to itself through its Default (a circular reference); it is "
            "treated as unknown",
        ),
        (
            "FG0006",
            "template.yaml",
            11,
            "condition 'IsProd' refers to itself (a circular condition); it is treated as unknown",
        ),
    ],
    "variable-bomb": [
        (
            "FG0001",
            "serverless.yml",
            23,
            "variables expand '${self:custom.v14}${self:custom.v14}' to more than 1000000 "
            "characters; it is treated as unknown",
        )
    ],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_asset(scan, report_validator, case):
    report = _scan_ok(scan, HOSTILE / case, report_validator)
    assert tool_findings(report) == CASES[case]


def test_every_asset_folder_is_tested():
    tested = {
        *CASES,
        "python-tag",
        "file-outside-root",
        "empty-template",
        "rich-markup",
        "terminal-escape",
    }
    assert {p.name for p in HOSTILE.iterdir() if p.is_dir()} == tested


def test_parse_errors_leave_no_application(scan, report_validator):
    report = _scan_ok(scan, HOSTILE / "bad-utf8", report_validator)
    assert (report["applications"], report["summary"]["templates"]) == ([], ["serverless.yml"])


def test_duplicate_function_keeps_the_deployed_definition(scan, report_validator):
    report = _scan_ok(scan, HOSTILE / "duplicate-function-key", report_validator)
    functions = {f["name"]: f for f in report["applications"][0]["functions"]}
    assert list(functions) == ["publicApi", "internalJob"]
    # The second definition wins, as on deploy: handler api.v2, no function URL.
    assert functions["publicApi"]["handler"] == "api.v2"
    assert functions["publicApi"]["location"] == {"file": "serverless.yml", "line": 13}
    assert functions["publicApi"]["url"] is None


def test_non_aws_provider_is_not_scanned_with_aws_rules(scan, report_validator):
    report = _scan_ok(scan, HOSTILE / "non-aws-provider", report_validator)
    assert [f["rule_id"] for f in report["findings"]] == ["FG0005"]
    [app] = report["applications"]
    assert (app["provider"], app["functions"]) == ("google", [])


def test_empty_template_in_a_folder_is_not_a_template(scan, report_validator):
    """Discovery names CloudFormation files by content; an empty file has none."""
    report = _scan_ok(scan, HOSTILE / "empty-template", report_validator)
    assert (report["findings"], report["summary"]["templates"]) == ([], [])


def test_empty_template_named_explicitly_is_a_parse_error(scan, report_validator):
    report = _scan_ok(scan, HOSTILE / "empty-template" / "template.yaml", report_validator)
    assert tool_findings(report) == [
        (
            "FG0001",
            "template.yaml",
            1,
            "not a CloudFormation template: the document is not a mapping",
        )
    ]


def test_python_tags_are_refused_and_never_run(scan, report_validator, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the payloads would `touch` a marker in the current folder
    report = _scan_ok(scan, HOSTILE / "python-tag", report_validator)
    assert tool_findings(report) == [
        (
            "FG0001",
            "serverless.yml",
            7,
            "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed (only "
            "plain YAML and CloudFormation short tags are read)",
        ),
        (
            "FG0001",
            "template.yaml",
            7,
            "YAML tag 'tag:yaml.org,2002:python/object/new:subprocess.Popen' is not allowed "
            "(only plain YAML and CloudFormation short tags are read)",
        ),
    ]
    assert list(tmp_path.iterdir()) == [tmp_path / "xdg-config"]
    assert not (HOSTILE / "python-tag" / "faasguard-pwned-serverless").exists()


# --- references out of the scan root -------------------------------------------------------------


def _passwd_lines() -> list[str]:
    try:
        return [line for line in Path("/etc/passwd").read_text().splitlines() if line][:3]
    except OSError:
        return []


def test_file_references_outside_the_root_are_refused(scan, report_validator):
    report = _scan_ok(scan, HOSTILE / "file-outside-root", report_validator)
    assert tool_findings(report) == [
        (
            "FG0002",
            "serverless.yml",
            7,
            "file reference '../../../../../../../../etc/passwd' points outside the scan root"
            + NOT_READ,
        ),
        (
            "FG0002",
            "serverless.yml",
            8,
            "file reference '/etc/passwd' is absolute; only paths inside the scan root are read",
        ),
        (
            "FG0002",
            "serverless.yml",
            9,
            "file reference '~/.aws/credentials' is absolute; only paths inside the scan root "
            "are read",
        ),
    ]
    text = json.dumps(report)
    assert "root:x:0:0" not in text
    for line in _passwd_lines():
        assert line not in text
    [fn] = report["applications"][0]["functions"]
    [users] = fn["environment"]
    assert users["value"]["unknown"] == "${self:custom.users}"


def test_file_reference_through_a_symlink_out_of_the_root(tmp_path, scan, report_validator):
    outside = write_tree(tmp_path / "outside", {"secrets.yml": "token: OUTSIDE-SECRET-7f3a\n"})
    template = "service: s\nprovider:\n  name: aws\ncustom:\n  x: ${file(./link.yml)}\n"
    template += "  y: ${file(./passwd.yml)}\n"
    project = write_tree(tmp_path / "project", {"serverless.yml": template})
    (project / "link.yml").symlink_to(outside / "secrets.yml")
    (project / "passwd.yml").symlink_to("/etc/passwd")
    report = _scan_ok(scan, project, report_validator)
    assert tool_findings(report) == [
        (
            "FG0002",
            "serverless.yml",
            5,
            "file reference './link.yml' resolves outside the scan root (through a symlink)"
            + NOT_READ,
        ),
        (
            "FG0002",
            "serverless.yml",
            6,
            "file reference './passwd.yml' resolves outside the scan root (through a symlink)"
            + NOT_READ,
        ),
    ]
    assert "OUTSIDE-SECRET-7f3a" not in json.dumps(report)
    assert "root:x:0:0" not in json.dumps(report)


@pytest.fixture
def outside_templates(tmp_path: Path) -> Path:
    """A project whose serverless.yml and template.yaml are symlinks to files outside it."""
    outside = write_tree(
        tmp_path / "outside",
        {
            "serverless.yml": "service: s\nprovider:\n  name: aws\n  environment:\n"
            "    TOKEN: OUTSIDE-SECRET-7f3a\n",
            "template.yaml": 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Q:\n'
            "    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: OUTSIDE-SECRET-7f3a\n",
        },
    )
    project = tmp_path / "project"
    project.mkdir()
    for name in ("serverless.yml", "template.yaml"):
        (project / name).symlink_to(outside / name)
    return project


def _symlink_refused(name: str) -> tuple:
    return (
        "FG0002",
        name,
        None,
        f"file reference '{name}' resolves outside the scan root (through a symlink)" + NOT_READ,
    )


def test_symlinked_serverless_yml_outside_root_is_refused(
    outside_templates, scan, report_validator
):
    report = _scan_ok(scan, outside_templates, report_validator)
    assert _symlink_refused("serverless.yml") in tool_findings(report)
    assert report["applications"] == []
    assert "OUTSIDE-SECRET-7f3a" not in json.dumps(report)


@pytest.mark.parametrize("name", ["serverless.yml", "template.yaml"])
def test_symlinked_template_named_explicitly_is_refused(
    outside_templates, scan, report_validator, name
):
    report = _scan_ok(scan, outside_templates / name, report_validator)
    assert tool_findings(report) == [_symlink_refused(name)]
    assert "OUTSIDE-SECRET-7f3a" not in json.dumps(report)


def test_symlinked_template_yaml_outside_root_is_reported_in_folder_scan(
    outside_templates, scan, report_validator
):
    report = _scan_ok(scan, outside_templates, report_validator)
    assert _symlink_refused("template.yaml") in tool_findings(report)


# --- size cap -----------------------------------------------------------------------------------


def test_file_over_the_size_cap_is_reported_not_read(tmp_path, scan, report_validator):
    body = "".join(f"  key{i}: OVERSIZE-VALUE-{i}\n" for i in range(100))
    text = "service: big\nprovider:\n  name: aws\ncustom:\n" + body
    project = write_tree(
        tmp_path / "big", {"serverless.yml": text, "faasguard.toml": "max-file-bytes = 1024\n"}
    )
    size = (project / "serverless.yml").stat().st_size
    assert size > 1024
    report = _scan_ok(scan, project, report_validator)
    assert tool_findings(report) == [
        (
            "FG0001",
            "serverless.yml",
            None,
            f"file is {size} bytes, over the 1024-byte limit" + NOT_READ,
        )
    ]
    assert "OVERSIZE-VALUE" not in json.dumps(report)


# --- symlink loops, FIFOs, deep trees (made at test time) -----------------------------------------

LOOP_TEMPLATE = """\
service: loopy
provider:
  name: aws
  runtime: python3.12
custom:
  looped: ${file(./a.yml)}
functions:
  hello:
    handler: handler.main
    description: Says hello.
"""


@pytest.fixture
def symlink_loops(tmp_path: Path) -> Path:
    """File loop a.yml -> b.yml -> a.yml, directory loops, and a template linking to itself."""
    project = write_tree(tmp_path / "loops", {"serverless.yml": LOOP_TEMPLATE})
    (project / "a.yml").symlink_to("b.yml")
    (project / "b.yml").symlink_to("a.yml")
    (project / "sub").mkdir()
    (project / "sub" / "again").symlink_to("../sub", target_is_directory=True)
    (project / "self").symlink_to(".", target_is_directory=True)
    (project / "looped").mkdir()
    (project / "looped" / "serverless.yml").symlink_to("serverless.yml")
    return project


def test_symlink_loops_do_not_hang_or_crash(symlink_loops, subproc, report_validator):
    run = subproc("scan", str(symlink_loops), "--format", "json", *SCAN_DEFAULTS, timeout=30)
    assert (run.code, run.err) == (1, "")
    report = json.loads(run.out)
    report_validator.validate(report)
    findings = tool_findings(report)
    assert findings[0] == ("FG0001", "looped/serverless.yml", None, findings[0][3])
    assert findings[0][3].startswith("cannot read file: ")  # ELOOP, worded by the C library
    # The include through the loop is reported where it is written, naming the loop (ELOOP).
    assert [(rule, file, line) for rule, file, line, _ in findings[1:]] == [
        ("FG0001", "serverless.yml", 6)
    ]
    assert findings[1][3].startswith("file(a.yml) cannot be read: cannot read file: ")
    assert report["summary"]["templates"] == ["looped/serverless.yml", "serverless.yml"]


def test_file_reference_through_a_loop_names_the_loop(symlink_loops, scan):
    report = scan(symlink_loops).json()
    messages = [m for rule, file, line, m in tool_findings(report) if line == 6]
    assert any("symbolic link" in m or "loop" in m for m in messages), messages


def _unblock(fifos: list[Path]) -> None:
    """Open each FIFO for writing and close it, so a reader blocked on it sees end of file."""
    for fifo in fifos:
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading it right now
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def _scan_with_deadline(scan, target: Path, fifos: list[Path]) -> tuple[bool, Run]:
    """Scan in a thread; return (hung, run). A hung scan is released by unblocking the FIFOs."""
    done: dict[str, Run] = {}
    thread = threading.Thread(target=lambda: done.setdefault("run", scan(target)), daemon=True)
    thread.start()
    thread.join(3)
    hung = thread.is_alive()
    for _ in range(200):
        if not thread.is_alive():
            break
        _unblock(fifos)
        thread.join(0.05)
    assert not thread.is_alive(), "the scan stayed blocked even after the FIFOs were released"
    return hung, done["run"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
@pytest.mark.parametrize("name", ["serverless.yml", "config.yaml"])
def test_fifo_does_not_block_the_scan(tmp_path, scan, name):
    project = write_tree(tmp_path / "fifo", {"README.md": "# fifo\n"})
    if name != "serverless.yml":
        write_tree(project, {"serverless.yml": "service: s\nprovider:\n  name: aws\n"})
    os.mkfifo(project / name)
    hung, run = _scan_with_deadline(scan, project, [project / name])
    assert not hung
    assert run.code in (0, 1)


DEPTH = 1100  # above the default recursion limit of 1000


@contextlib.contextmanager
def _deep_tree(top: Path, depth: int) -> Iterator[Path]:
    """Folders ``top/d/d/.../d`` made and removed without recursion (rmtree recurses)."""
    path = top
    for _ in range(depth):
        path = path / "d"
        path.mkdir()
    try:
        yield top
    finally:
        while path != top:
            path.rmdir()
            path = path.parent


def test_deep_folder_tree_does_not_crash(tmp_path, scan, report_validator):
    project = write_tree(
        tmp_path / "deep", {"serverless.yml": "service: s\nprovider:\n  name: aws\n"}
    )
    with _deep_tree(project, DEPTH):
        report = _scan_ok(scan, project, report_validator)
    assert report["summary"]["templates"] == ["serverless.yml"]
