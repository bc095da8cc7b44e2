"""Functions that invoke functions (issue 7, section 9): the caller's data is the callee's event.

Fixture: tests/fixtures/code/python/invoke. `Forwarder` (SQS) sends a field of the message to
`Worker` with `lambda.invoke`; the flow continues into Worker's shell call, with the whole trace
and high confidence. `Pinger` (a schedule) sends a constant to `QuietWorker`, whose identical
code is then clean. The call graph is code-edge's (CallGraphEnricher), as in a real scan.
"""

from __future__ import annotations

from faasguard.code.analyzer import CodeAnalyzer
from faasguard.code.edge.calls import CallGraphEnricher
from faasguard.config import Config
from faasguard.engine import scan
from faasguard.loaders.interface import LoadOptions
from tests.code.support import FIXTURES, row


def test_a_callers_data_flows_into_the_function_it_invokes() -> None:
    result = scan(
        FIXTURES / "invoke",
        Config(),
        load_options=LoadOptions(),
        analyzers=[CodeAnalyzer()],
        enrichers=[CallGraphEnricher()],
    )
    code = [f for f in result.findings if f.rule_id.startswith("FG2")]
    assert [row(f) for f in code] == [
        (
            "FG2001",
            "code.command-injection",
            "src/worker.py",
            5,
            "Worker",
            "high",
            (
                "src/caller.py:11 event field `Records[*].body` read: SQS message body (sqs)",
                "src/caller.py:14 serialised as JSON",
                "src/caller.py:12 sent to function `Worker` (lambda invoke)",
                "src/worker.py:5 reaches `os.system()`: command run through a shell",
            ),
        )
    ]
    (finding,) = code
    assert finding.message == (
        "SQS message body sent by function `Forwarder` (event field `path`, sqs trigger) "
        "reaches command run through a shell (`os.system`) in `handler()`."
    )
