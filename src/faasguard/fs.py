"""Read-only, root-confined access to the scanned project.

The scanned repository is hostile: a template may reference ``${file(../../../etc/passwd)}`` or
a symlink that points at the runner's home directory. Every read goes through :class:`ScanFS`,
which resolves symlinks and refuses anything whose real path is outside the scan root, refuses
files over a size cap, and decodes UTF-8 strictly with an error naming the file.
"""

from __future__ import annotations

import codecs
import errno
import os
import posixpath
import stat
from collections.abc import Callable, Hashable
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from faasguard.errors import FileTooLargeError, LoadError, OutsideRootError, ParseError

T = TypeVar("T")

__all__ = ["DEFAULT_MAX_FILE_BYTES", "ScanFS"]

#: Templates and manifests larger than this are reported, not read (5 MiB).
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
#: Errors that ``pathlib`` treats as "does not exist" in ``is_file()``/``is_dir()``.
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})
_MISSING_WINERRORS = frozenset({21, 123, 1921})  # not ready, invalid name, link loop


class ScanFS:
    """The scan root as a read-only, confined file system.

    Paths in and out are POSIX strings relative to the root, which is what findings report.
    """

    def __init__(self, root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.root = root
        self.real_root = Path(os.path.realpath(root))
        self.max_file_bytes = max_file_bytes
        # Real paths of relative paths already resolved. The tree does not change during a
        # scan, and loaders ask about the same folders again and again (a code root per
        # function, its handler, its manifests): one lstat per new path instead of one per
        # path component.
        self._real: dict[str, Path] = {}
        # File type (``st_mode``) of paths already asked about with exists()/is_dir(), None
        # when missing or refused; same premise as ``_real``. The functions of a template share
        # their code root and handler file: on the SAM benchmark (4,000 questions about 2,000
        # paths) this saves a stat per repeated question, about 8 ms.
        self._modes: dict[str, int | None] = {}
        # Results derived from the tree by pure functions of it (a code root's manifests),
        # shared by every stage of the scan: the loaders and the analyzers ask the same
        # question, and walking a folder of 100,000 entries twice is what this avoids.
        self._derived: dict[Hashable, Any] = {}

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """Return ``compute()`` once per scan for ``key`` (the tree does not change meanwhile).

        Args:
            key: what is computed, with its arguments (``("manifests", "src")``).
            compute: a function of the tree alone.
        """
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value

    def relpath(self, path: Path) -> str:
        """Return ``path`` (absolute or relative to cwd) as a POSIX path relative to the root."""
        # abspath, not resolve(): a symlink must keep its own name here; reads check it later.
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))  # noqa: PTH100
        return PurePosixPath(Path(rel)).as_posix()

    def join(self, base_dir: str, ref: str, *, referrer: str, line: int | None) -> str:
        """Resolve ``ref`` written in ``referrer`` relative to ``base_dir``, confined to the root.

        Args:
            base_dir: POSIX directory, relative to the root, that ``ref`` is relative to.
            ref: the reference as written (``./config.yml``, ``../shared/env.yml``).
            referrer: the file the reference is written in, for the error message.
            line: the line of the reference, for the error message.

        Raises:
            OutsideRootError: for absolute paths, ``~`` and anything resolving outside the root.
        """
        if ref.startswith(("/", "~", "\\")) or (len(ref) > 1 and ref[1] == ":"):
            raise OutsideRootError(
                referrer,
                line,
                f"file reference {ref!r} is absolute; only paths inside the scan root are read",
            )
        joined = posixpath.normpath(posixpath.join(base_dir or ".", ref.replace("\\", "/")))
        if joined == ".." or joined.startswith("../"):
            raise OutsideRootError(
                referrer,
                line,
                f"file reference {ref!r} points outside the scan root; it was not read",
            )
        self._check_real(joined, referrer=referrer, line=line, ref=ref)
        return joined

    def _resolve(self, rel: str) -> Path:
        """Real path of a normalised relative path, resolving symlinks, cached per folder."""
        cached = self._real.get(rel)
        if cached is not None:
            return cached
        parent, _, name = rel.rpartition("/")
        base = self._resolve(parent) if parent else self.real_root
        candidate = base / name
        try:
            is_link = stat.S_ISLNK(os.lstat(candidate).st_mode)
        except OSError:
            is_link = False  # missing: nothing to follow
        real = Path(os.path.realpath(candidate, strict=False)) if is_link else candidate
        self._real[rel] = real
        return real

    def _check_real(self, rel: str, *, referrer: str, line: int | None, ref: str) -> Path:
        """Return the real path of ``rel`` after checking symlinks keep it inside the root."""
        norm = posixpath.normpath(rel.replace("\\", "/"))
        try:
            if norm in (".", ""):
                real = self.real_root
            elif norm == ".." or norm.startswith(("../", "/")):
                real = Path(os.path.realpath(self.root / norm, strict=False))
            else:
                real = self._resolve(norm)
        except (OSError, RuntimeError) as exc:  # symlink loops
            raise ParseError(referrer, line, f"cannot resolve {ref!r}: {exc}") from exc
        if real != self.real_root and not _is_within(real, self.real_root):
            raise OutsideRootError(
                referrer,
                line,
                f"file reference {ref!r} resolves outside "
                "the scan root (through a symlink); it was not read",
            )
        return real

    def refusal(self, rel: str) -> LoadError | None:
        """Return the error reading ``rel`` would raise for its location (None when allowed).

        Lets callers report a refused path (a symlink out of the root) without reading it.
        """
        try:
            self._check_real(rel, referrer=rel, line=None, ref=rel)
        except (OutsideRootError, ParseError) as exc:
            return exc
        return None

    def exists(self, rel: str) -> bool:
        """Return True when ``rel`` is a regular file inside the root."""
        mode = self._mode(rel)
        return mode is not None and stat.S_ISREG(mode)

    def is_dir(self, rel: str) -> bool:
        """Return True when ``rel`` is a directory inside the root."""
        mode = self._mode(rel)
        return mode is not None and stat.S_ISDIR(mode)

    def _mode(self, rel: str) -> int | None:
        """``st_mode`` of ``rel`` (symlinks followed) inside the root; None if missing or refused.

        Errors are those of ``Path.is_file()``: a missing path, a file used as a folder or a
        symlink loop means "no"; any other error (permission denied) is raised, and not cached.
        """
        if rel in self._modes:
            return self._modes[rel]
        try:
            real = self._check_real(rel, referrer=rel, line=None, ref=rel)
            mode: int | None = real.stat().st_mode
        except (OutsideRootError, ParseError, ValueError):
            mode = None
        except OSError as exc:
            if exc.errno not in _MISSING_ERRNOS and (
                getattr(exc, "winerror", None) not in _MISSING_WINERRORS
            ):
                raise
            mode = None
        self._modes[rel] = mode
        return mode

    def size(self, rel: str) -> int:
        """Size in bytes of the regular file ``rel`` inside the root (0 when it is not one)."""
        if not self.exists(rel):
            return 0
        try:
            return self._check_real(rel, referrer=rel, line=None, ref=rel).stat().st_size
        except (OutsideRootError, ParseError, OSError):
            return 0

    def read_bytes(self, rel: str) -> bytes:
        """Read a file inside the root, refusing escapes, loops and files over the size cap."""
        real = self._check_real(rel, referrer=rel, line=None, ref=rel)
        try:
            info = real.stat()
        except OSError as exc:
            raise ParseError(rel, None, f"cannot read file: {exc.strerror or exc}") from exc
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device named serverless.yml would block the scan forever on open().
            raise ParseError(
                rel, None, "not a regular file (a FIFO, socket or device); it was not read"
            )
        size = info.st_size
        if size > self.max_file_bytes:
            raise FileTooLargeError(
                rel,
                None,
                f"file is {size} bytes, over the {self.max_file_bytes}-byte limit; it was not read",
            )
        try:
            with real.open("rb") as handle:
                data = handle.read(self.max_file_bytes + 1)
        except OSError as exc:
            raise ParseError(rel, None, f"cannot read file: {exc.strerror or exc}") from exc
        if len(data) > self.max_file_bytes:  # grew between stat and read
            raise FileTooLargeError(rel, None, "file is over the size limit; it was not read")
        return data

    def read_text(self, rel: str) -> str:
        """Read a UTF-8 text file (a BOM is accepted; UTF-16 with a BOM too) inside the root."""
        data = self.read_bytes(rel)
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Windows editors save templates as UTF-16 with a byte order mark; CloudFormation
            # and Serverless read them, so a scan must too rather than pass over them.
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise ParseError(rel, None, f"not valid UTF-16: {exc.reason}") from exc
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ParseError(
                rel, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from exc
        return text


def _is_within(path: Path, root: Path) -> bool:
    """True when ``path`` is ``root`` or below it (string test: no file-system calls)."""
    prefix = str(root).rstrip(os.sep) + os.sep
    return str(path).startswith(prefix)
