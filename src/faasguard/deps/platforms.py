"""Advisories that apply only on another operating system than Lambda's Linux.

Some advisories describe a flaw that exists only on Windows: werkzeug's ``safe_join`` letting
Windows device names through, a search path Windows resolves differently. A Lambda function
runs on Amazon Linux, so such an advisory does not apply there; reporting it at its full
severity ranks it above flaws that do. OSV records carry no structured operating-system field,
so the record's own words decide, conservatively: the summary must say Windows in a way that
scopes the flaw to it, and no part of the record may name another system as affected too.
A wrong "Windows-only" would lower a real finding, so anything less clear is left as it is.
"""

from __future__ import annotations

import re

__all__ = ["windows_only"]

#: Phrases in a summary that scope a flaw to Windows.
_WINDOWS_SCOPE = re.compile(
    r"\bon windows\b"
    r"|\bwindows[- ](?:only|specific|hosts?|systems?|os|platforms?|machines?|servers?)\b"
    r"|\bwindows (?:special )?device names?\b"
    r"|\bwindows (?:path ?names?|paths?|drive names?|installer)\b"
    r"|\bnot safe on windows\b",
    re.IGNORECASE,
)
#: Words that name another system as affected too (then the advisory is not Windows-only).
_OTHER_SYSTEMS = re.compile(
    r"\b(?:linux|unix|posix|mac ?os|os ?x|macos|darwin|bsd|all platforms|cross[- ]platform"
    r"|non[- ]windows|every platform|any platform)\b",
    re.IGNORECASE,
)


def windows_only(summary: str | None, details: str | None) -> bool:
    """Return True when an advisory's own text scopes it to Windows alone.

    Args:
        summary: the record's summary (its title).
        details: the record's details, read only to find other systems named as affected.
    """
    if not summary or not _WINDOWS_SCOPE.search(summary):
        return False
    return not _OTHER_SYSTEMS.search(f"{summary}\n{details or ''}")
