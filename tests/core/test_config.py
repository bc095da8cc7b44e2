from pathlib import Path

import pytest

from faasguard.config import Config, Suppression, load_config
from faasguard.errors import ConfigError
from faasguard.findings import Confidence, Finding, Severity


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults_without_files(tmp_path):
    assert load_config(tmp_path, user_home=tmp_path / "home") == Config()


def test_project_file_is_read_and_validated(tmp_path):
    _write(
        tmp_path / "faasguard.toml",
        """
fail-on = "medium"
exclude = ["legacy/*"]
[rules]
disable = ["FG8002"]
naming-pattern = "^[a-z][a-zA-Z0-9]+$"
[[suppress]]
rule = "public-function-url"
function = "webhook"
reason = "Stripe webhook, signature checked in code"
""",
    )
    config = load_config(tmp_path, user_home=tmp_path / "home")
    assert config.fail_on is Severity.MEDIUM
    assert config.exclude == ("legacy/*",)
    assert config.disable == ("FG8002",)
    assert config.naming_pattern == "^[a-z][a-zA-Z0-9]+$"
    assert config.suppressions == (
        Suppression(
            reason="Stripe webhook, signature checked in code",
            rule="public-function-url",
            function="webhook",
            source=str(tmp_path / "faasguard.toml"),
        ),
    )


def test_pyproject_section_and_user_file_precedence(tmp_path):
    home = tmp_path / "home"
    (home / "faasguard").mkdir(parents=True)
    _write(home / "faasguard" / "config.toml", 'fail-on = "low"\nstage = "prod"\n')
    _write(tmp_path / "pyproject.toml", '[tool.faasguard]\nfail-on = "critical"\n')
    config = load_config(tmp_path, user_home=home)
    assert config.fail_on is Severity.CRITICAL  # project beats user
    assert config.stage == "prod"  # user value kept where the project says nothing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'fail-on = "urgent"\n',
            "fail-on must be one of critical, high, medium, low, info, not 'urgent'",
        ),
        ('fial-on = "high"\n', "unknown configuration key(s): fial-on"),
        ('[rules]\ndisabel = ["x"]\n', "unknown configuration key(s): rules.disabel"),
        ('[[suppress]]\nrule = "FG6001"\n', "suppress[0] needs a non-empty 'reason'"),
        ('[[suppress]]\nreason = "ok"\n', "suppress[0] must name at least one of rule"),
        (
            '[rules]\nnaming-pattern = "(("\n',
            "rules.naming-pattern is not a valid regular expression",
        ),
        ("fail-on = \n", "invalid TOML"),
    ],
)
def test_bad_config_is_a_clear_error_naming_the_file(tmp_path, text, message):
    path = _write(tmp_path / "faasguard.toml", text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, user_home=tmp_path / "home")
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_suppression_matching():
    finding = Finding.create(
        rule_id="FG6001",
        rule_name="public-function-url",
        category="surface.public-function-url",
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        title="t",
        message="m",
        file="svc/serverless.yml",
        line=3,
        function="webhook",
        application="svc",
        resource=None,
        evidence="e",
        remediation="r",
        cwe=None,
    )
    assert Suppression(reason="x", rule="FG6001").matches(finding)
    assert Suppression(reason="x", rule="surface.public-function-url").matches(finding)
    assert Suppression(reason="x", file="svc/*", function="webhook").matches(finding)
    assert not Suppression(reason="x", rule="FG6001", function="other").matches(finding)
    assert not Suppression(reason="x", file="other/*").matches(finding)
