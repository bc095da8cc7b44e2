"""Plan, show and write the least-privilege fix of one application's template.

:func:`plan_fix` reads the template through the scan's confined file system, rewrites it
round-trip for its family and returns the old and new text; :func:`unified_diff` is what
``--dry-run`` prints; :func:`write_fix` writes the new text, refusing a symlink or a path outside
the scan root (a hostile repository must not make ``--fix`` write anywhere else), through a
temporary file renamed over the template so a crash never leaves half a template.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from faasguard.errors import LoadError
from faasguard.fix.roundtrip import FixError, dump, load
from faasguard.fs import ScanFS
from faasguard.iam.needed.compare import FunctionPermissions
from faasguard.model import AppFormat, Application

__all__ = ["FixError", "FixPlan", "plan_fix", "unified_diff", "write_fix"]


@dataclass(frozen=True, slots=True)
class FixPlan:
    """The rewrite of one template.

    Attributes:
        file: the template, relative to the scan root.
        original: its text now.
        patched: its text after the fix (equal when nothing changes).
        changed: functions given their own least-privilege role.
        kept: functions left as they are, each with why.
    """

    file: str
    original: str
    patched: str
    changed: tuple[str, ...]
    kept: tuple[str, ...]


def plan_fix(app: Application, perms: list[FunctionPermissions], fs: ScanFS) -> FixPlan:
    """Rewrite ``app``'s template so each function it can judge gets its own role.

    A format the fix does not write (Terraform, CDK output, ``serverless.json``) gives a plan
    that changes nothing and says why in ``kept``. A CloudFormation or SAM template in JSON is
    rewritten as JSON (see :mod:`faasguard.fix.json_template`).

    Raises:
        FixError: the template cannot be read or cannot be parsed round-trip.
    """
    if app.format not in (AppFormat.SERVERLESS, AppFormat.SAM, AppFormat.CLOUDFORMATION):
        why = f"--fix does not rewrite {app.format.value} applications; apply the printed policy"
        return FixPlan(app.file, "", "", (), (f"every function: {why}",))
    try:
        text = fs.read_text(app.file)
    except LoadError as exc:
        raise FixError(f"{app.file}: cannot read: {exc.detail}") from None
    is_json = app.file.endswith(".json") or text.lstrip().startswith("{")
    if is_json and app.format is AppFormat.SERVERLESS:
        why = "serverless.json is not rewritten; apply the printed policy"
        return FixPlan(app.file, text, text, (), (f"every function: {why}",))
    if is_json:
        from faasguard.fix.json_template import load_json

        yaml, data = None, load_json(text, file=app.file)
    else:
        yaml, data = load(text, file=app.file)
    # By identity: two applications may share a name (two templates in one folder).
    mine = {id(fn) for fn in app.functions}
    ours = [p for p in perms if id(p.function) in mine]
    if app.format is AppFormat.SERVERLESS:
        from faasguard.fix.serverless import fix_serverless

        changed, kept = fix_serverless(data, ours)
    else:
        from faasguard.fix.cloudformation import fix_cloudformation

        changed, kept = fix_cloudformation(data, ours)
    if not (changed or kept):
        patched = text
    elif yaml is None:
        from faasguard.fix.json_template import dump_json

        patched = dump_json(data, text)
    else:
        patched = dump(yaml, data)
    return FixPlan(app.file, text, patched, tuple(changed), tuple(kept))


def unified_diff(plan: FixPlan) -> str:
    """The change as a unified diff (``a/<file>`` -> ``b/<file>``), empty when none."""
    return "".join(
        difflib.unified_diff(
            plan.original.splitlines(keepends=True),
            plan.patched.splitlines(keepends=True),
            fromfile=f"a/{plan.file}",
            tofile=f"b/{plan.file}",
        )
    )


def write_fix(plan: FixPlan, fs: ScanFS) -> None:
    """Write the patched template in place.

    Raises:
        FixError: the template is a symlink, or is (or resolves) outside the scan root.
    """
    if plan.patched == plan.original:
        return
    refusal = fs.refusal(plan.file)
    if refusal is not None:
        raise FixError(f"{plan.file}: refusing to write: {refusal.detail}")
    target = fs.root / plan.file
    # Each component, not only the file: a symlinked folder leads outside just as well.
    current = fs.root
    for part in Path(plan.file).parts:
        current = current / part
        if current.is_symlink():
            raise FixError(f"{plan.file}: refusing to write through the symlink {current}")
    real = Path(os.path.realpath(target))
    if not real.is_relative_to(fs.real_root):
        raise FixError(f"{plan.file}: refusing to write outside the scan root")
    mode = real.stat().st_mode & 0o777
    handle, temp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".faasguard")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(plan.patched)
        Path(temp).chmod(mode)
        Path(temp).replace(real)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise FixError(f"{plan.file}: cannot write: {exc.strerror or exc}") from None
