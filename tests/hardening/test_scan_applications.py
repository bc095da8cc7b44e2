"""engine.scan_applications: rules on applications built elsewhere (a live account)."""

from __future__ import annotations

from faasguard.config import Config
from faasguard.engine import scan_applications
from tests.rules.builders import TODAY, application, function, url


def test_rules_run_on_prebuilt_applications_as_on_templates() -> None:
    fn = function("open", url=url("NONE"), runtime="python3.12", description="d")
    result = scan_applications(
        [application([fn])], Config(), root="aws://eu-west-1", today=TODAY, notices=("n",)
    )
    assert result.root == "aws://eu-west-1"
    assert result.notices == ("n",)
    assert ("FG6001", "open") in {(f.rule_id, f.function) for f in result.findings}
    assert result.rules and "FG6001" in result.rules


def test_the_baseline_applies() -> None:
    fn = function("open", url=url("NONE"), runtime="python3.12")
    first = scan_applications([application([fn])], Config(), root="r", today=TODAY)
    known = frozenset(f.fingerprint for f in first.findings)
    again = scan_applications([application([fn])], Config(), root="r", today=TODAY, baseline=known)
    assert again.findings == ()
    assert {f.fingerprint for f in again.baselined} == known
