"""The egress inventory records, apart from the analysis that fills them.

The engine and the reporters carry these through :class:`~faasguard.engine.ScanResult`; keeping
them in a module that imports nothing lets a scan that finds no application skip the analysis
modules entirely (the start-up budget of an empty-folder scan).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EgressHost", "FunctionEgress"]


@dataclass(frozen=True, slots=True)
class EgressHost:
    """One outside host a function's code talks to.

    Attributes:
        host: the host name (with port when written), or ``unknown``.
        scheme: ``https``, ``http`` or None when unknown.
        file: the file of the call.
        line: the call's line.
        via: how the host was found: ``literal``, ``env:NAME`` (an environment variable of the
            function), ``constant:NAME`` or, for ``unknown``, what could not be resolved.
        call: the qualified callee (``requests.get``).
    """

    host: str
    scheme: str | None
    file: str
    line: int
    via: str
    call: str


@dataclass(frozen=True, slots=True)
class FunctionEgress:
    """The egress inventory of one function.

    It travels through the scan result beside the function's dependency inventory.

    Attributes:
        application: the application name.
        function: the function's name.
        hosts: the outside hosts its code talks to, in source order (``unknown`` included).
        code_read: False when the function has no own code faasguard could read (an image,
            code outside the project, a handler that does not parse): its egress is then
            unknown, not empty.
    """

    application: str
    function: str
    hosts: tuple[EgressHost, ...] = ()
    code_read: bool = True

    @property
    def summary(self) -> str:
        """One line for the terminal: ``egress: api.stripe.com (https), unknown (1 call)``."""
        if not self.code_read:
            return "egress: unknown (code not read)"
        if not self.hosts:
            return "egress: none seen"
        counts: dict[str, int] = {}
        for host in self.hosts:
            label = host.host if host.host == "unknown" else f"{host.host} ({host.scheme})"
            counts[label] = counts.get(label, 0) + 1
        parts = [label if n == 1 else f"{label} x{n}" for label, n in counts.items()]
        return "egress: " + ", ".join(parts)
