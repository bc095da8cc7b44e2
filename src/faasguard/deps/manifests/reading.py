"""A file reader confined to the scan root, for callers of :func:`parse_manifest`.

Manifests are hostile input: an include may name ``../../etc/passwd``, a symlink may point out
of the project, a FIFO may block forever, a file may be gigabytes. This reader refuses all of
those with ``ValueError`` (or ``OSError`` from the file system), which the readers turn into
warnings.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from faasguard.deps.manifests._load import MAX_MANIFEST_CHARS
from faasguard.deps.manifests.interface import ReadFn


def root_reader(root: Path, *, max_bytes: int = MAX_MANIFEST_CHARS) -> ReadFn:
    """Make a ``read(rel_path)`` function that only reads regular files inside ``root``.

    Args:
        root: The scan root.
        max_bytes: Largest file it will read.

    Returns:
        A function returning the UTF-8 text (a byte-order mark dropped) of a root-relative
        POSIX path.
    """
    base = root.resolve()

    def read(rel_path: str) -> str:
        relative = PurePosixPath(rel_path)
        if relative.is_absolute() or "\\" in rel_path or ".." in relative.parts or not rel_path:
            raise ValueError(f"{rel_path!r} is not a path inside the scan root")
        target = (base / relative).resolve()
        if not target.is_relative_to(base):
            raise ValueError(f"{rel_path!r} resolves outside the scan root")
        if not target.is_file():
            raise FileNotFoundError(f"{rel_path!r} is not a regular file")
        with target.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ValueError(f"{rel_path!r} is larger than {max_bytes} bytes")
        return data.decode("utf-8-sig")

    return read
