"""The reporter seam: an output format enum and one ``render`` entry point.

Reporters know findings and the model, nothing of rules' internals or of files: they return a
string and the CLI decides where it goes.
"""

from __future__ import annotations

from enum import Enum

from faasguard.engine import ScanResult

__all__ = ["Format", "render"]


class Format(str, Enum):
    """Output formats of ``faasguard scan --format``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    CYCLONEDX = "cyclonedx"
    HTML = "html"


def render(result: ScanResult, fmt: Format, *, color: bool = False, width: int = 120) -> str:
    """Render ``result`` in ``fmt``; each format module is imported only when used."""
    if fmt is Format.TEXT:
        from faasguard.report.text import render_text

        return render_text(result, color=color, width=width)
    if fmt is Format.JSON:
        from faasguard.report.json_report import render_json

        return render_json(result)
    if fmt is Format.SARIF:
        from faasguard.report.sarif import render_sarif

        return render_sarif(result)
    if fmt is Format.CYCLONEDX:
        from faasguard.report.cyclonedx import render_cyclonedx

        return render_cyclonedx(result)
    if fmt is Format.HTML:
        from faasguard.report.html import render_html

        return render_html(result)
    raise AssertionError(f"unhandled format {fmt}")  # pragma: no cover - exhaustive enum
