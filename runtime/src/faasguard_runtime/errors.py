"""One exception hierarchy for faasguard-runtime.

Every error the library raises on purpose derives from :class:`FaasguardRuntimeError`, so a
handler can catch the library's refusals in one place without catching its own bugs.
"""

from __future__ import annotations

__all__ = ["FaasguardRuntimeError"]


class FaasguardRuntimeError(Exception):
    """Base class of every error faasguard-runtime raises deliberately."""
