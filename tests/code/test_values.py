"""The taint engine's values: trace steps, joins of sanitised taints."""

from __future__ import annotations

from faasguard.code.taint.values import NO_LIT, Origin, Taint, V, join, join_taint
from faasguard.findings import TraceStep

ORIGIN = Origin("sqs", "Records[*].body", "SQS message body")


def test_steps_on_one_line_are_merged_but_the_sink_replaces_the_last() -> None:
    taint = Taint(ORIGIN, ()).add("a.py", 3, "read").add("a.py", 3, "assigned to `x`")
    assert taint.steps == (TraceStep("a.py", 3, "read"),)
    moved = taint.add("a.py", 4, "built into a string").add("a.py", 4, "reaches eval", last=True)
    assert moved.steps == (TraceStep("a.py", 3, "read"), TraceStep("a.py", 4, "reaches eval"))


def test_a_join_is_only_as_safe_as_its_least_safe_side() -> None:
    everything = Taint(ORIGIN, (), frozenset({"*"}))
    html = Taint(ORIGIN, (), frozenset({"code.xss"}))
    raw = Taint(ORIGIN, ())
    assert join_taint(everything, html) is not None
    assert join_taint(everything, html).cleared == frozenset({"code.xss"})  # type: ignore[union-attr]
    assert join_taint(html, raw).cleared == frozenset()  # type: ignore[union-attr]
    assert join_taint(None, raw) is raw
    assert join_taint(raw, None) is raw


def test_joined_values_keep_fields_of_both_and_drop_differing_literals() -> None:
    a = V(fields={"x": V(lit=1)}, lit="same")
    b = V(fields={"y": V(Taint(ORIGIN, ()))}, lit="other")
    merged = join(a, b)
    assert merged.fields is not None and set(merged.fields) == {"x", "y"}
    assert merged.fields["y"].taint is not None
    assert merged.lit is NO_LIT
