"""Serverless v4 ``${file:path#key}`` resolves like ``${file(path):key}`` (issue 11, section 2)."""

from __future__ import annotations

from pathlib import Path

from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, LoadOptions
from faasguard.loaders.serverless.loader import ServerlessLoader
from faasguard.model import EnvVar, Location, Unknown

SERVICE = """service: v4
provider:
  name: aws
  runtime: python3.12
  environment:
    DB_HOST: ${file:./conf/settings.yml#db.host}
    OLD_STYLE: ${file(./conf/settings.yml):db.host}
    PORT: ${file:./conf/settings.yml#db.port, '5432'}
    MISSING: ${file:./conf/absent.yml#db.host}
functions:
  api:
    handler: handler.main
"""


def test_v4_file_syntax_reads_the_key(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "settings.yml").write_text("db:\n  host: db.internal\n")
    (tmp_path / "serverless.yml").write_text(SERVICE)
    result = ServerlessLoader().load("serverless.yml", ScanFS(tmp_path), LoadOptions())
    (app,) = result.applications
    (fn,) = app.functions

    def var(name: str, value: str | Unknown, line: int, raw: str) -> EnvVar:
        return EnvVar(name, value, Location("serverless.yml", line), "provider", raw=raw)

    assert fn.environment == (
        var("DB_HOST", "db.internal", 6, "${file:./conf/settings.yml#db.host}"),
        var("OLD_STYLE", "db.internal", 7, "${file(./conf/settings.yml):db.host}"),
        var("PORT", "5432", 8, "${file:./conf/settings.yml#db.port, '5432'}"),
        var(
            "MISSING",
            Unknown("${file:./conf/absent.yml#db.host}", "variable has no value and no fallback"),
            9,
            "${file:./conf/absent.yml#db.host}",
        ),
    )
    # a missing file is what Serverless itself refuses; "has no file path" is never said
    assert result.issues == (
        LoadIssue(
            IssueKind.UNRESOLVED,
            "${file:./conf/absent.yml#db.host} has no value and no fallback; Serverless would "
            "refuse to deploy",
            Location("serverless.yml", 9),
            "v4",
        ),
    )
