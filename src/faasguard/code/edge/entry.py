"""What of a handler file runs for one entry point.

Several functions often share one handler file (``app.handler`` and ``app.list_reports``): a
call written in ``list_reports`` says nothing about where ``handler`` sends requests. This keeps,
in the handler file, the calls and assignments of module level, of the entry function and of
the file's functions it calls (transitively, by name); other files of the closure are kept
whole, since which of their functions run is not followed here.
"""

from __future__ import annotations

from dataclasses import replace

from faasguard.code.edge.values import FileFacts

__all__ = ["entry_facts"]


def _reachable(facts: FileFacts, start: str) -> set[str | None]:
    names = {h.name: h.scope or h.name for h in facts.handlers.values()}
    short = {key.rsplit(".", 1)[-1]: scope for key, scope in names.items()}
    reached: set[str | None] = {None, start}
    frontier = [start]
    while frontier:
        scope = frontier.pop()
        for call in facts.calls:
            if call.scope != scope:
                continue
            # ``helper()`` or ``self.helper()`` / ``this.helper()`` / ``Class.helper()``.
            target = names.get(call.callee) or short.get(call.callee.rsplit(".", 1)[-1])
            if call.callee.count(".") > 1 or target is None or target in reached:
                continue
            reached.add(target)
            frontier.append(target)
    return reached


def entry_facts(facts_list: list[FileFacts], entry: str | None) -> list[FileFacts]:
    """The facts with the handler file narrowed to what its entry point runs.

    Unchanged when the entry is unknown or not found (nothing is dropped on a guess).
    """
    if not facts_list or entry is None:
        return facts_list
    handler = facts_list[0]
    found = handler.handlers.get(entry)
    if found is None:
        return facts_list
    reached = _reachable(handler, found.scope or found.name)
    narrowed = replace(
        handler,
        calls=tuple(c for c in handler.calls if c.scope in reached),
        assigns=tuple(a for a in handler.assigns if a.scope in reached),
    )
    return [narrowed, *facts_list[1:]]
