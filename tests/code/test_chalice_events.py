"""A Chalice project (loaded by the Chalice loader): routes and Chalice's own event objects.

Fixture: tests/fixtures/code/python/chalice_events. Chalice hands event handlers S3Event
(`event.key`), SQSEvent (iterated, `record.body`) and so on instead of the raw event; the HTTP
routes run behind the one `api_handler` function. A schedule's event is not attacker data.
"""

from __future__ import annotations

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions
from tests.code.support import FIXTURES, row


def test_chalice_routes_and_event_handlers() -> None:
    result = scan(
        FIXTURES / "chalice_events",
        Config(),
        load_options=LoadOptions(),
        analyzers=[CodeAnalyzer()],
    )
    code = [row(f) for f in result.findings if f.rule_id.startswith("FG2")]
    assert sorted(code) == [
        (
            "FG2001",
            "code.command-injection",
            "app.py",
            17,
            "on_upload",
            "high",
            (
                "app.py:17 event field `key` read: S3 object key (s3)",
                "app.py:17 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
        (
            "FG2001",
            "code.command-injection",
            "app.py",
            23,
            "on_job",
            "high",
            (
                "app.py:23 event field `[*].body` read: SQS message body (sqs)",
                "app.py:23 reaches `os.system()`: command run through a shell",
            ),
        ),
        (
            "FG2006",
            "code.path-traversal",
            "app.py",
            11,
            "api_handler",
            "high",
            (
                "app.py:10 route parameter `name` of `read_file()` (/files/{name})",
                "app.py:11 reaches `open()`: file opened at a path from input",
            ),
        ),
    ]
