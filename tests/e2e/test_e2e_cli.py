"""The command line end to end: exit codes, options, configuration, baselines, suppressions.

Most runs call ``faasguard.cli.main.main`` in this process (fast, output captured); each exit
code is also checked once through a real ``python -m faasguard`` process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from faasguard import _version
from faasguard.cli import scan_cmd
from faasguard.cli.main import main
from faasguard.rules.registry import all_rules
from tests.e2e.support import (
    EXAMPLES,
    REPO,
    SCAN_DEFAULTS,
    TODAY,
    by_rule,
    clean_env,
    where,
    write_tree,
)

SHOP = EXAMPLES / "shop-serverless"

#: A project with no finding at all.
CLEAN = {
    "README.md": "# clean\n",
    "serverless.yml": textwrap.dedent(
        """\
        service: clean
        provider:
          name: aws
          runtime: python3.12
          tracing:
            lambda: true
          logRetentionInDays: 30
        functions:
          nightly:
            handler: handler.main
            description: Nightly clean-up job.
            destinations:
              onFailure: arn:aws:sqs:eu-west-1:123456789012:nightly-dlq
            events:
              - schedule: rate(1 day)
        """
    ),
}
#: The same project without a dead-letter destination: exactly one medium finding.
MEDIUM_ONLY = {
    **CLEAN,
    "serverless.yml": CLEAN["serverless.yml"].replace(
        "    destinations:\n      onFailure: arn:aws:sqs:eu-west-1:123456789012:nightly-dlq\n", ""
    ),
}
#: One function with a public function URL: exactly one high finding (FG6001 at line 13).
WEBHOOK = {
    "README.md": "# webhooks\n",
    "serverless.yml": textwrap.dedent(
        """\
        service: webhooks
        provider:
          name: aws
          runtime: python3.12
          tracing:
            lambda: true
          logRetentionInDays: 30
        functions:
          stripeWebhook:
            handler: handler.main
            description: Receives Stripe events.
            reservedConcurrency: 5
            url: true
        """
    ),
}
WEBHOOK_FINDING = ("FG6001", "serverless.yml", 13, "stripeWebhook")
NIGHTLY_FINDING = ("FG7004", "serverless.yml", 9, "nightly")
INTERNAL_ERROR = (
    "faasguard: internal error: RuntimeError: boom\n"
    "faasguard: this is a bug; set FAASGUARD_DEBUG=1 for the traceback and please report it\n"
)


# --- exit code 0 -------------------------------------------------------------------------------


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"faasguard {_version.__version__}\n"
    assert _version.__version__ == "0.1.0"


def test_clean_project_exits_0_with_no_findings(tmp_path, scan):
    run = scan(write_tree(tmp_path / "clean", CLEAN))
    assert (run.code, run.err) == (0, "")
    report = run.json()
    assert report["findings"] == []
    assert report["summary"]["templates"] == ["serverless.yml"]
    assert [fn["name"] for fn in report["applications"][0]["functions"]] == ["nightly"]


def test_findings_below_fail_on_exit_0_and_at_it_exit_1(tmp_path, scan):
    project = write_tree(tmp_path / "medium", MEDIUM_ONLY)
    default = scan(project)
    assert default.code == 0
    assert [where(f) for f in default.json()["findings"]] == [NIGHTLY_FINDING]
    assert default.json()["findings"][0]["severity"] == "medium"
    assert scan(project, "--fail-on", "medium").code == 1
    assert scan(project, "--fail-on", "low").code == 1
    assert scan(project, "--fail-on", "high").code == 0


def test_fail_on_from_config_and_cli_precedence(tmp_path, scan):
    project = write_tree(
        tmp_path / "medium", {**MEDIUM_ONLY, "faasguard.toml": 'fail-on = "medium"\n'}
    )
    assert scan(project).code == 1
    assert scan(project, "--fail-on", "high").code == 0  # the command line wins


def test_fail_on_never_exits_0_on_an_insecure_app(scan):
    run = scan(SHOP, "--fail-on", "never")
    assert run.code == 0
    # there was something to fail on: the Stripe key, the Slack webhook and three code flaws
    assert sorted(
        (f["rule_id"], f["file"], f["line"])
        for f in run.json()["findings"]
        if f["severity"] == "critical"
    ) == [
        ("FG2001", "src/notify.js", 11),
        ("FG2001", "src/receipts.py", 8),
        ("FG2008", "src/orders.py", 22),
        ("FG4001", "serverless.yml", 27),
        ("FG4021", "src/notify.js", 5),
    ]


# --- exit code 1 -------------------------------------------------------------------------------


def test_findings_at_default_fail_on_exit_1(scan):
    run = scan(SHOP)
    assert (run.code, run.err) == (1, "")
    assert by_rule(run.json(), "FG6001") == [("FG6001", "serverless.yml", 76, "adminExport")]


def test_fail_on_critical_counts_only_critical(scan):
    assert scan(SHOP, "--fail-on", "critical").code == 1
    # Without the critical rules (the secrets and the code family), only high findings are left.
    without = ("--disable", "FG4001", "--disable", "FG4021", "--disable", "code")
    assert scan(SHOP, "--fail-on", "critical", *without).code == 0
    assert scan(SHOP, "--fail-on", "high", *without).code == 1


# --- exit code 2 -------------------------------------------------------------------------------


def _bad_project(tmp_path: Path, config: str) -> Path:
    return write_tree(tmp_path / "proj", {**CLEAN, "faasguard.toml": config})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--param", "Stage"], "--param 'Stage': expected NAME=VALUE"),
        (["--param", "=prod"], "--param '=prod': expected NAME=VALUE"),
        (["--today", "2026-13-01"], "--today '2026-13-01': expected a date as YYYY-MM-DD"),
        (["--today", "tomorrow"], "--today 'tomorrow': expected a date as YYYY-MM-DD"),
    ],
)
def test_bad_option_value_exits_2(tmp_path, cli, extra, message):
    project = write_tree(tmp_path / "clean", CLEAN)
    run = cli("scan", str(project), "--no-deps", *extra)
    assert (run.code, run.out, run.err) == (2, "", f"faasguard: error: {message}\n")


def test_missing_path_exits_2_naming_it(tmp_path, scan):
    missing = tmp_path / "no-such-project"
    run = scan(missing)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"faasguard: error: {missing}: no such file or folder\n"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("fail-on = \n", "invalid TOML: Invalid value (at line 1, column 11)"),
        (
            'fail_on = "high"\n',
            "unknown configuration key(s): fail_on (allowed: exclude, fail-on, max-file-bytes, "
            "on-unsupported, parameters, region, rules, stage, suppress)",
        ),
        (
            '[rules]\ndisabled = ["FG8001"]\n',
            "unknown configuration key(s): rules.disabled (allowed: "
            "rules.deprecation-warning-days, rules.disable, rules.enable, rules.naming-pattern, "
            "rules.options)",
        ),
        (
            '[[suppress]]\nrule = "FG6001"\n',
            "suppress[0] needs a non-empty 'reason': say why the finding is accepted",
        ),
        (
            'fail-on = "severe"\n',
            "fail-on must be one of critical, high, medium, low, info, not 'severe'",
        ),
    ],
    ids=[
        "invalid-toml",
        "unknown-key",
        "unknown-rules-key",
        "suppression-without-reason",
        "bad-severity",
    ],
)
def test_invalid_config_exits_2_naming_the_file(tmp_path, scan, config, message):
    project = _bad_project(tmp_path, config)
    run = scan(project)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"faasguard: error: {project / 'faasguard.toml'}: {message}\n"


def test_missing_explicit_config_exits_2(tmp_path, scan):
    missing = tmp_path / "nope.toml"
    run = scan(SHOP, "--config", str(missing))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"faasguard: error: {missing}: configuration file not found\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read baseline: No such file or directory"),
        ("<dir>", "cannot read baseline: Is a directory"),
        (
            "{not json",
            "baseline is not valid JSON: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
        ),
        (
            "[1, 2]",
            "not a baseline: expected a JSON report (with 'findings') or an object with "
            "'fingerprints'",
        ),
        ('{"fingerprints": [1]}', "baseline fingerprints must be strings"),
    ],
    ids=["missing", "directory", "not-json", "not-a-baseline", "not-strings"],
)
def test_bad_baseline_exits_2(tmp_path, scan, content, message):
    baseline = tmp_path / "baseline.json"
    if content == "<dir>":
        baseline.mkdir()
    elif content is not None:
        baseline.write_text(content)
    run = scan(SHOP, "--baseline", str(baseline))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"faasguard: error: {baseline}: {message}\n"


@pytest.mark.parametrize(
    "argv",
    [["scan", ".", "--fail-on", "severe"], ["scan", ".", "--format", "xml"], ["frobnicate"]],
)
def test_argparse_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(cli):
    run = cli()
    assert run.code == 2
    assert run.out.startswith("usage: faasguard [-h] [--version] COMMAND ...\n")


# --- exit code 3 -------------------------------------------------------------------------------


def _boom(*args, **kwargs):
    raise RuntimeError("boom")


def test_internal_error_exits_3_without_traceback(monkeypatch, scan):
    monkeypatch.setattr(scan_cmd, "scan", _boom)
    run = scan(SHOP)
    assert (run.code, run.out, run.err) == (3, "", INTERNAL_ERROR)


def test_internal_error_traceback_with_faasguard_debug(monkeypatch, scan):
    monkeypatch.setattr(scan_cmd, "scan", _boom)
    monkeypatch.setenv("FAASGUARD_DEBUG", "1")
    run = scan(SHOP)
    assert run.code == 3
    assert run.err.startswith("faasguard: internal error: RuntimeError: boom\nTraceback ")
    assert 'in _boom\n    raise RuntimeError("boom")\nRuntimeError: boom\n' in run.err
    assert run.err.endswith(INTERNAL_ERROR.splitlines(keepends=True)[1])


# --- real processes, one per exit code -----------------------------------------------------------

#: Runs faasguard as ``python -m faasguard`` does, with the engine's scan replaced by a crash.
CRASHING_MAIN = (
    "import runpy, faasguard.cli.scan_cmd as s\n"
    "def boom(*a, **k):\n"
    "    raise RuntimeError('boom')\n"
    "s.scan = boom\n"
    "runpy.run_module('faasguard', run_name='__main__', alter_sys=True)\n"
)


def test_process_version(subproc):
    run = subproc("--version")
    assert (run.code, run.out, run.err) == (0, f"faasguard {_version.__version__}\n", "")


def test_process_exit_0_clean(tmp_path, subproc):
    project = write_tree(tmp_path / "clean", CLEAN)
    run = subproc("scan", str(project), "--format", "json", *SCAN_DEFAULTS)
    assert (run.code, run.err) == (0, "")
    assert json.loads(run.out)["findings"] == []


def test_process_exit_1_findings(subproc):
    run = subproc("scan", "examples/shop-serverless", "--format", "json", *SCAN_DEFAULTS)
    assert (run.code, run.err) == (1, "")
    assert json.loads(run.out)["root"] == "examples/shop-serverless"


def test_process_exit_2_missing_path(subproc):
    run = subproc("scan", "does/not/exist", *SCAN_DEFAULTS)
    assert (run.code, run.out) == (2, "")
    assert run.err == "faasguard: error: does/not/exist: no such file or folder\n"


@pytest.mark.parametrize("debug", [False, True])
def test_process_exit_3_internal_error(subproc, debug):
    env = {"FAASGUARD_DEBUG": "1"} if debug else {}
    run = subproc(
        "scan",
        "examples/shop-serverless",
        *SCAN_DEFAULTS,
        python_args=("-c", CRASHING_MAIN),
        env=env,
    )
    assert (run.code, run.out) == (3, "")
    if debug:
        assert "Traceback (most recent call last)" in run.err
        assert run.err.endswith("RuntimeError: boom\n" + INTERNAL_ERROR.splitlines(True)[1])
    else:
        assert run.err == INTERNAL_ERROR


def test_process_closed_stdout_is_not_an_internal_error(config_home):
    proc = subprocess.Popen(
        [sys.executable, "-m", "faasguard", "rules"],
        cwd=REPO,
        env=clean_env(config_home=config_home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader goes away before faasguard writes, like `| head -0`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "internal error" not in err
    assert proc.returncode != 3


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_unwritable_output_is_a_usage_error(tmp_path, scan, option):
    target = tmp_path / "missing-folder" / "out.json"
    run = scan(SHOP, option, str(target))
    assert run.code == 2
    assert run.err.startswith(f"faasguard: error: {target}")


# --- faasguard rules ---------------------------------------------------------------------------


def test_rules_lists_every_rule_in_registry_order(cli):
    run = cli("rules")
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert lines[:3] == [
        "FG0001  parse-error                        tool.parse-error                     high     "
        "File could not be parsed",
        "FG0002  reference-outside-root             tool.reference-outside-root          high     "
        "File reference outside the scan root",
        "FG0003  rule-crashed                       tool.rule-crashed                    medium   "
        "Rule crashed",
    ]
    rules = all_rules()
    assert [line.split()[:2] for line in lines] == [[r.id, r.name] for r in rules]
    assert "FG6001  function-url-without-auth          surface.public-function-url" in run.out


def test_rules_json_matches_the_registry(cli):
    run = cli("rules", "--format", "json")
    assert run.code == 0
    listed = json.loads(run.out)
    assert [(r["id"], r["name"], r["severity"]) for r in listed] == [
        (r.id, r.name, r.severity.value) for r in all_rules()
    ]


SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## References",
)


@pytest.mark.parametrize("key", ["FG6001", "fg6001", "function-url-without-auth"])
def test_rules_explain(cli, key):
    run = cli("rules", "--explain", key)
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith(
        "FG6001 function-url-without-auth\n"
        "category: surface.public-function-url   severity: high   confidence: high   CWE-306\n"
        "\n"
        "Function URL without authentication\n"
        "\n"
        "A function URL anyone on the internet can call (AuthType NONE).\n"
        "\n"
        "## What it does\n"
        "Reports a function whose function URL has `AuthType: NONE`."
    )
    positions = [run.out.index(f"\n{section}\n") for section in SECTIONS]
    assert positions == sorted(positions)
    assert "\n    ## " not in run.out  # the docstring is dedented
    assert run.out.endswith("- CWE-306: Missing Authentication for Critical Function\n")


def test_rules_explain_unknown_rule_exits_2(cli):
    run = cli("rules", "--explain", "FG9999")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "faasguard: error: no rule with id or name 'FG9999' (see `faasguard rules`)\n"
    )


# --- output file, rule selection ---------------------------------------------------------------


def test_output_file_holds_the_report_and_stdout_stays_empty(tmp_path, scan):
    target = tmp_path / "report.json"
    written = scan(SHOP, "-o", str(target))
    assert (written.code, written.out, written.err) == (1, "", "")
    assert target.read_text(encoding="utf-8") == scan(SHOP).out


def test_disable_deprecated_runtime(scan):
    full = scan(SHOP).json()["findings"]
    deprecated = [where(f) for f in full if f["rule_id"] == "FG8001"]
    assert deprecated == [
        ("FG8001", "serverless.yml", 46, "getOrder"),
        ("FG8001", "serverless.yml", 55, "createOrder"),
        ("FG8001", "serverless.yml", 66, "resizeReceipt"),
        ("FG8001", "serverless.yml", 74, "adminExport"),
        ("FG8001", "serverless.yml", 78, "legacyCleanup"),
    ]
    expected = [where(f) for f in full if f["rule_id"] != "FG8001"]
    for key in ("FG8001", "deprecated-runtime"):
        run = scan(SHOP, "--disable", key)
        assert run.code == 1
        assert [where(f) for f in run.json()["findings"]] == expected


# --- baselines -------------------------------------------------------------------------------

NEW_FUNCTION = "  reportsPublic:\n    handler: src/admin.reports\n    url: true\n\nresources:"


def test_write_baseline_then_baseline_hides_exactly_those(tmp_path, scan):
    baseline = tmp_path / "baseline.json"
    first = scan(SHOP, "--write-baseline", str(baseline))
    prints = sorted(f["fingerprint"] for f in first.json()["findings"])
    assert json.loads(baseline.read_text()) == {"fingerprints": prints}
    assert len(set(prints)) == len(first.json()["findings"])

    again = scan(SHOP, "--baseline", str(baseline))
    assert again.code == 0
    report = again.json()
    assert report["findings"] == []
    assert sorted(report["baselined"]) == prints
    assert report["summary"]["baselined"] == len(prints)


def test_baseline_shows_only_new_findings(tmp_path, scan):
    project = tmp_path / "shop"
    write_tree(project, {p.name: p.read_text() for p in SHOP.iterdir() if p.is_file()})
    write_tree(project, {f"src/{p.name}": p.read_text() for p in (SHOP / "src").iterdir()})
    baseline = tmp_path / "previous.json"
    before = scan(project, "-o", str(baseline)).code  # a whole JSON report as the baseline
    assert before == 1
    old = {f["fingerprint"]: f for f in json.loads(baseline.read_text())["findings"]}

    template = project / "serverless.yml"
    template.write_text(template.read_text().replace("\nresources:", NEW_FUNCTION, 1))
    run = scan(project, "--baseline", str(baseline))
    report = run.json()
    assert run.code == 1
    assert [where(f) for f in report["findings"]] == [
        # the shared-role evidence names its functions, so one more function is a new finding
        ("FG1006", "serverless.yml", 30, None),
        ("FG8001", "serverless.yml", 91, "reportsPublic"),
        ("FG6001", "serverless.yml", 93, "reportsPublic"),
        # so is the TLS finding on admin.py, now shared by two functions' code
        ("FG5001", "src/admin.py", 8, None),
        ("FG1040", "serverless.yml", 31, "reportsPublic"),
        ("FG1040", "serverless.yml", 35, "reportsPublic"),
        ("FG1040", "serverless.yml", 40, "reportsPublic"),
        ("FG7001", "serverless.yml", 91, "reportsPublic"),
        ("FG7010", "serverless.yml", 91, "reportsPublic"),
        ("FG8002", "serverless.yml", 91, "reportsPublic"),
        ("FG8003", "serverless.yml", 91, "reportsPublic"),
    ]
    renamed = [
        fp
        for fp, f in old.items()
        if f["rule_id"] == "FG1006" or (f["rule_id"], f["file"]) == ("FG5001", "src/admin.py")
    ]
    assert sorted(report["baselined"]) == sorted(set(old) - set(renamed))


def test_report_of_a_baselined_scan_is_itself_a_complete_baseline(tmp_path, scan):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    scan(SHOP, "-o", str(first))
    assert scan(SHOP, "--baseline", str(first), "-o", str(second)).code == 0
    third = scan(SHOP, "--baseline", str(second))
    assert third.json()["findings"] == []


def test_refreshing_a_baseline_keeps_accepted_findings(tmp_path, scan):
    baseline = tmp_path / "baseline.json"
    scan(SHOP, "--write-baseline", str(baseline))
    accepted = json.loads(baseline.read_text())["fingerprints"]
    scan(SHOP, "--baseline", str(baseline), "--write-baseline", str(baseline))
    assert json.loads(baseline.read_text())["fingerprints"] == accepted


# --- suppressions ------------------------------------------------------------------------------

REASON = "Stripe webhook: the signature is verified in the handler"
SUPPRESS = (
    f'[[suppress]]\nrule = "function-url-without-auth"\nfunction = "stripeWebhook"\n'
    f'reason = "{REASON}"\n'
)


def test_webhook_without_suppression_fails(tmp_path, scan):
    run = scan(write_tree(tmp_path / "webhooks", WEBHOOK))
    assert run.code == 1
    assert [where(f) for f in run.json()["findings"]] == [WEBHOOK_FINDING]


def test_suppressed_finding_is_reported_with_its_reason_and_does_not_fail(tmp_path, scan):
    project = write_tree(tmp_path / "webhooks", {**WEBHOOK, "faasguard.toml": SUPPRESS})
    run = scan(project)
    assert (run.code, run.err) == (0, "")
    report = run.json()
    assert report["findings"] == []
    assert report["summary"]["suppressed"] == 1
    [entry] = report["suppressed"]
    assert where(entry["finding"]) == WEBHOOK_FINDING
    assert entry["reason"] == REASON
    assert entry["source"] == str(project / "faasguard.toml")


def test_suppressed_finding_in_sarif_has_the_justification(tmp_path, scan, sarif_validator):
    project = write_tree(tmp_path / "webhooks", {**WEBHOOK, "faasguard.toml": SUPPRESS})
    run = scan(project, fmt="sarif")
    assert run.code == 0
    sarif = run.json()
    sarif_validator.validate(sarif)
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "FG6001"
    assert result["suppressions"] == [{"kind": "external", "justification": REASON}]


def test_suppressed_finding_in_text_report(tmp_path, scan):
    project = write_tree(tmp_path / "webhooks", {**WEBHOOK, "faasguard.toml": SUPPRESS})
    run = scan(project, "--color", "never", fmt="text")
    assert run.code == 0
    assert run.out.endswith(
        "\n0 finding(s): no findings (1 suppressed)\n"
        f"suppressed FG6001 serverless.yml:13: {REASON}\n"
    )


# --- ${env:...} resolution -----------------------------------------------------------------------

SECRET = "s3cr3t-from-the-ci-runner-0b7f9c"
ENV_PROJECT = {
    "README.md": "# env\n",
    "serverless.yml": textwrap.dedent(
        """\
        service: env-app
        provider:
          name: aws
          runtime: python3.12
        functions:
          hello:
            handler: handler.main
            environment:
              API_KEY: ${env:FG_E2E_SECRET}
        """
    ),
}


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_env_is_not_resolved_by_default(tmp_path, monkeypatch, scan, fmt):
    monkeypatch.setenv("FG_E2E_SECRET", SECRET)
    run = scan(write_tree(tmp_path / "env", ENV_PROJECT), fmt=fmt)
    assert run.code == 0
    assert SECRET not in run.out
    if fmt == "json":
        [variable] = run.json()["applications"][0]["functions"][0]["environment"]
        assert variable["value"] == {
            "unknown": "${env:FG_E2E_SECRET}",
            "reason": "env not resolved; pass --resolve-env",
        }


def test_env_is_resolved_with_resolve_env(tmp_path, monkeypatch, scan):
    monkeypatch.setenv("FG_E2E_SECRET", SECRET)
    run = scan(write_tree(tmp_path / "env", ENV_PROJECT), "--resolve-env")
    assert run.code == 0
    [variable] = run.json()["applications"][0]["functions"][0]["environment"]
    # Resolved (a literal, so redacted) rather than Unknown; the value itself never reaches the
    # report, so the runner's secret cannot leak through a CI artifact.
    assert (variable["name"], variable["raw"], variable["value"]) == (
        "API_KEY",
        "${env:FG_E2E_SECRET}",
        "<redacted>",
    )
    assert SECRET not in run.out


# --- start-up cost -----------------------------------------------------------------------------

#: Packages ``faasguard --version`` must not pay for (each with its submodules).
HEAVY = (
    "rich",
    "yaml",
    "samtranslator",
    "cyclonedx",
    "tree_sitter",
    "faasguard.rules",
    "faasguard.loaders",
    "faasguard.engine",
    "faasguard.deps",
    "faasguard.report",
)


def test_cli_entry_point_imports_no_heavy_module(subproc):
    code = (
        "import sys\n"
        "import faasguard.cli.main\n"
        f"heavy = {HEAVY!r}\n"
        "print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') "
        "for h in heavy)))\n"
    )
    run = subproc(python_args=("-c", code))
    assert (run.code, run.out, run.err) == (0, "[]\n", "")


def test_today_is_honoured(scan):
    """Sanity check of the fixed date every other test relies on."""
    early = scan(SHOP, "--today", "2024-01-01")  # the later --today wins in argparse
    assert ("FG8001", "serverless.yml", 46, "getOrder") not in by_rule(early.json(), "FG8001")
    assert ("FG8001", "serverless.yml", 46, "getOrder") in by_rule(scan(SHOP).json(), "FG8001")
    assert TODAY == "2026-11-28"
