"""The shield's decisions: which audit events matter under a policy, and what each one means.

The engine is built once per :func:`install` from a :class:`ShieldPolicy` and is then read-only. It
has no global state and never raises or emits by itself: :meth:`Engine.check` turns one audit event
into a :class:`Finding` or None, and the hook decides what to do with it. That keeps the decisions
testable by calling ``check`` directly, without installing a process-wide hook.

Only events of policies that are not ``allow`` are in :attr:`Engine.watched`, so the hook's first
step, a frozenset lookup, discards everything else; Python raises audit events for things as
frequent as ``id()`` and ``sys._getframe``.
"""

from __future__ import annotations

import _socket
import os
import re
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import CodeType, FrameType
from typing import Any

from faasguard_runtime.shield.matching import HostMatcher, fs_path, is_under, root_prefixes
from faasguard_runtime.shield.policy import POLICY_NAMES, Mode, ShieldPolicy

__all__ = ["Engine", "Finding"]

Check = Callable[[str, "tuple[Any, ...]"], "Finding | None"]

_SPAWN_EVENTS = (
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
    "os.spawn",
    "os.startfile",
    "pty.spawn",
    # Raised by the shield's own wrapper of _posixsubprocess.fork_exec (hook.py), which CPython
    # does not audit: spawn-based multiprocessing and direct calls start programs through it.
    "faasguard.fork_exec",
)
_EGRESS_EVENTS = (
    "socket.connect",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    # Reverse lookups send the address to whoever runs its reverse zone: an address built from
    # data is a DNS exfiltration channel like any name.
    "socket.gethostbyaddr",
    "socket.getnameinfo",
)
# Audit event -> positions of the arguments that name a path being modified.
_WRITE_EVENTS: dict[str, tuple[int, ...]] = {
    "os.remove": (0,),
    "os.rename": (0, 1),
    "os.rmdir": (0,),
    "os.mkdir": (0,),
    "os.chmod": (0,),
    "os.chown": (0,),
    "os.truncate": (0,),
    "os.utime": (0,),
    "os.setxattr": (0,),
    "os.removexattr": (0,),
    "shutil.rmtree": (0,),
    # sqlite creates (and writes) the database file it is given.
    "sqlite3.connect": (0,),
    # Raised by the shield's wrappers of os.mkfifo and os.mknod (hook.py): CPython does not audit
    # them.
    "faasguard.mkfifo": (0,),
    "faasguard.mknod": (0,),
}
# Creating a link is where a later read or write through it would be redirected; it is checked
# there, once, so that every open can be judged on its path alone.
_LINK_EVENTS = ("os.symlink", "os.link")
_CODE_EVENTS = ("compile", "code.__new__", "marshal.loads", "marshal.load")
# The "import" event carries a file name only when a native extension is loaded
# (_imp.create_dynamic).
_NATIVE_IMPORT = "import"
_CTYPES_EVENTS = (
    "ctypes.dlopen",
    "ctypes.dlsym",
    "ctypes.dlsym/handle",
    "ctypes.cdata",
    "ctypes.PyObj_FromPtr",
)

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
# Writing to these is how programs discard or print output, not how they persist anything.
_WRITABLE_DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
_INET_FAMILIES = frozenset({int(socket.AF_INET), int(socket.AF_INET6)})
_RAW_FAMILY = _socket.socket.family
_ENVIRON_FILE = re.compile(r"/proc/(?:self|thread-self|\d+)(?:/task/\d+)?/environ")
_CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyw")
# What the import system opens to load code: sources, bytecode, and archives on sys.path.
_IMPORTABLE_SUFFIXES = (*_CODE_SUFFIXES, ".zip", ".egg", ".whl", ".pyz")
# Paths that are links the kernel follows even where the text does not look like one: every alias
# of /proc (/dev/fd, /dev/stdin, /proc/self/cwd, /proc/self/root) and relative components.
_KERNEL_ALIASES = ("/proc/", "/dev/")
# Bytecode the import system caches: NAME.TAG[.opt-N].pyc, or its temporary NAME.pyc.<id> file.
_BYTECODE_NAME = re.compile(r"[A-Za-z0-9_.-]+\.pyc(?:\.[0-9]+)?")
# sqlite URIs that open nothing on disk, or open it read-only.
_SQLITE_READ_ONLY = re.compile(r"[?&](?:mode=ro|immutable=1)(?:&|$)")
# Where the standard library lives: its frames are never "the calling module" of an event.
_STDLIB_PREFIX = os.path.dirname(os.__file__) + "/"  # noqa: PTH120 - a str prefix, computed once
_PACKAGE_DIRS = ("/site-packages/", "/dist-packages/")

# Module names (as seen in frame globals) of the import system; 3.9/3.10 report the dotted names,
# 3.11+ the frozen aliases.
_IMPORT_SYSTEM = frozenset(
    {
        "importlib._bootstrap",
        "importlib._bootstrap_external",
        "_frozen_importlib",
        "_frozen_importlib_external",
        "zipimport",
    }
)
# Readers of source files that are not exfiltration: imports, and tracebacks (linecache).
_EXEMPT_READERS = _IMPORT_SYSTEM | {"linecache"}
# Code generators whose generated source is built from identifiers, not from request data.
# fastjsonschema is here because faasguard_runtime.validate compiles schemas with it.
# typing is not here: typing.ForwardRef compiles whatever string it is given, so at request time it
# is an eval. Its import-time use (string annotations of modules being imported) is recognised by
# _import_time_codegen instead, like every other library's import-time code generation.
_TRUSTED_CODEGEN = _IMPORT_SYSTEM | {
    "ast",
    "collections",
    "dataclasses",
    "fastjsonschema",
}
_OWN_PACKAGE = "faasguard_runtime.shield"
# How many callers to look through for an exempt reader (tokenize.open <- linecache, a few more
# for the import system's own helpers).
_READER_DEPTH = 8
_MAX_TARGET = 200


# Not slots=True: faasguard-runtime supports Python 3.9, where dataclass() has no slots argument.
@dataclass(frozen=True)
class Finding:
    """One audited action that a policy does not allow.

    Attributes:
        policy: the policy's name (one of :data:`POLICY_NAMES`).
        action: a short verb for the event log (``spawn``, ``connect``, ``resolve``, ``write``,
            ``read``, ``link``, ``compile``, ``load``; ``error`` when the shield itself failed).
        event: the audit event.
        target: what the action was aimed at; never a command line, payload or source text.
    """

    policy: str
    action: str
    event: str
    target: str


def _text(value: object) -> str:
    """Render a target for events and messages: printable, bounded, never raising."""
    path = fs_path(value)
    text = path if path is not None else repr(value)
    if not text.isprintable():
        text = repr(text)[1:-1]  # a NUL or newline must not split or forge a log line
    return text if len(text) <= _MAX_TARGET else text[: _MAX_TARGET - 3] + "..."


def _family(sock: object) -> object:
    """Return a socket's address family as a plain int.

    Read through the C-level descriptor: ``socket.socket.family`` converts to an IntEnum on each
    access, which costs several times more than the rest of the connect check.
    """
    try:
        return _RAW_FAMILY.__get__(sock)
    except TypeError:  # not a socket object (a stand-in in tests, or a wrapper)
        return getattr(sock, "family", None)


def _normalise(path: str) -> str:
    """Make ``path`` absolute and normal, lexically (no syscalls: this runs on every open).

    os.path rather than pathlib here and below: Path objects cost several times more than string
    functions, and the hook runs inside every audited call in the process. Only for paths that
    :func:`_needs_kernel_view` says are safe to read as text.
    """
    if path.startswith("/") and "/." not in path and "//" not in path:
        return path.rstrip("/") or "/"  # already normal: skip normpath's split and join
    return os.path.abspath(path)  # noqa: PTH100 - lexical on purpose, and hot


def _needs_kernel_view(path: str, lexical: str) -> bool:
    """Say whether ``path`` must be resolved the way the kernel will, links first.

    ``..`` after a link climbs from the link's *target*, not from the link: ``/dev/fd/../environ``
    is ``/proc/<pid>/environ``, and ``/tmp/a/b/up/../x`` is outside ``/tmp`` when ``up`` points at
    ``/tmp``. Text normalisation gets both wrong, so any ``..`` (a superset test: cheap), and any
    path into /proc or /dev (whose entries are links into the file system), is resolved.
    """
    return ".." in path or lexical.startswith(_KERNEL_ALIASES)


def _is_bytecode_cache(path: str) -> bool:
    """Say whether ``path`` is a file (or the directory) where the import system caches bytecode."""
    parent, _, name = path.rpartition("/")
    if name == "__pycache__":
        return True  # creating the cache directory itself
    return parent.endswith("/__pycache__") and _BYTECODE_NAME.fullmatch(name) is not None


def _fd_path(fd: int) -> str | None:
    """Return the file an open descriptor refers to, or None for pipes, sockets and the unknown.

    ``fchmod``/``fchown``/``ftruncate``/``futimes`` are audited with the descriptor only; reading
    its /proc link is the one way to know which file they change.
    """
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")  # noqa: PTH115 - str in, str out; no Path
    except OSError:
        return None
    return target if target.startswith("/") else None


def _sqlite_path(database: object) -> str | None:
    """Return the file a ``sqlite3.connect`` argument writes, or None when it writes no file.

    In-memory databases, and URIs opened read-only (``mode=ro``, ``immutable=1``), write nothing.
    The URI form is judged whether or not ``uri=True`` was passed: the audit event does not say,
    and a file literally named ``file:...`` is not worth a bypass.
    """
    path = fs_path(database)
    if path is None or path in ("", ":memory:"):
        return None
    if not path.startswith("file:"):
        return path
    location, _, query = path[len("file:") :].partition("?")
    if (
        location in ("", ":memory:")
        or "mode=memory" in query
        or _SQLITE_READ_ONLY.search("?" + query)
    ):
        return None
    if location.startswith("//"):  # file://host/path; sqlite accepts only "" or localhost
        location = "/" + location[2:].partition("/")[2]
    from urllib.parse import unquote  # rare event: keep the hook module's imports small

    return unquote(location)


def _frames() -> Iterator[FrameType]:
    """Yield the caller frames outside the shield package, innermost first."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if not str(frame.f_globals.get("__name__", "")).startswith(_OWN_PACKAGE):
            yield frame
        frame = frame.f_back


def _caller() -> FrameType | None:
    return next(_frames(), None)


def _module(frame: FrameType | None) -> str:
    return str(frame.f_globals.get("__name__", "")) if frame is not None else ""


def _stack_has(modules: frozenset[str], depth: int, function: str | None = None) -> bool:
    for seen, frame in enumerate(_frames()):
        if seen >= depth:
            return False
        if _module(frame) in modules and (function is None or frame.f_code.co_name == function):
            return True
    return False


def _is_library_file(filename: str) -> bool:
    """Say whether a frame's file is the standard library (not an installed package)."""
    if filename.startswith("<frozen "):
        return True
    return filename.startswith(_STDLIB_PREFIX) and not any(d in filename for d in _PACKAGE_DIRS)


def origin() -> tuple[str, str]:
    """Return ``(module, file)`` of the code that caused the audited action.

    The first caller outside the standard library (the package or function code that asked for the
    action, not ``socket`` or ``subprocess`` doing it), or the innermost caller when every frame is
    the standard library's. Computed only for findings, so the stack walk is not on the hot path.
    """
    innermost: FrameType | None = None
    for frame in _frames():
        if innermost is None:
            innermost = frame
        if not _is_library_file(frame.f_code.co_filename):
            return _module(frame), frame.f_code.co_filename
    if innermost is None:
        return "", ""
    return _module(innermost), innermost.f_code.co_filename


def _is_constant(source: object, code: CodeType) -> bool:
    """Return True when ``source`` is a string literal of the calling code.

    A literal was written by the function's author; request data never is. The compile event
    carries the source as bytes even when the caller passed a str literal, so both are compared
    (type by type: ``bytes == str`` would warn under ``python -b``).
    """
    if isinstance(source, bytes):
        try:
            text: str | None = source.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        for const in code.co_consts:
            if (type(const) is bytes and const == source) or (type(const) is str and const == text):
                return True
        return False
    if isinstance(source, str):
        return any(type(const) is str and const == source for const in code.co_consts)
    return False


class Engine:
    """The compiled form of a :class:`ShieldPolicy`.

    Attributes:
        policy: the policy it was built from.
        watched: the audit events worth inspecting under this policy.
        hosts: the egress allowlist.
        records_resolutions: whether name resolutions should be recorded for connect checks.
    """

    def __init__(self, policy: ShieldPolicy, *, environ: Mapping[str, str]) -> None:
        self.policy = policy
        self._modes: dict[str, Mode] = {name: getattr(policy, name) for name in POLICY_NAMES}
        self.hosts = HostMatcher(policy.allowed_hosts, allow_loopback=policy.allow_loopback)
        self._programs = frozenset(policy.allowed_programs)
        self._write_prefixes = root_prefixes(policy.write_roots)
        code_roots = policy.code_roots
        if code_roots is None:
            task_root = environ.get("LAMBDA_TASK_ROOT")
            code_roots = (task_root,) if task_root else ()
        self._code_prefixes = root_prefixes(code_roots)
        self.code_roots: tuple[str, ...] = tuple(code_roots)
        try:
            # A reverse lookup of the machine's own name (socket.getfqdn()) is not egress.
            self._own_names = frozenset({socket.gethostname()})
        except OSError:
            self._own_names = frozenset()
        # The program a subprocess.Popen event judged, per thread, until the fork_exec or
        # posix_spawn that starts it: that one spawn is not judged (or reported) twice. A spawn
        # reached without the Popen event (a private Popen method, _posixsubprocess directly,
        # multiprocessing's spawn) finds no token and is judged on its own.
        self._popen_token = threading.local()

        checks: dict[str, Check] = {}
        owners: dict[str, str] = {}
        wiring: tuple[tuple[str, tuple[str, ...], Check], ...] = (
            ("subprocess", _SPAWN_EVENTS, self._check_spawn),
            ("egress", _EGRESS_EVENTS, self._check_egress),
            ("file_write", ("open", *_LINK_EVENTS, *_WRITE_EVENTS), self._check_modify),
            ("code_read", ("open", *_LINK_EVENTS), self._check_open),
            ("dynamic_code", (*_CODE_EVENTS, "open", _NATIVE_IMPORT), self._check_code),
            ("ctypes", _CTYPES_EVENTS, self._check_ctypes),
        )
        for policy_name, events, check in wiring:
            if self.active(policy_name):
                for event in events:
                    owners.setdefault(event, policy_name)
                    checks[event] = check
        if "open" in checks:
            # One open event serves the file policies and dynamic code (modules loaded from a
            # write root); the open check tells reads from writes.
            checks["open"] = self._check_open
        for event in _LINK_EVENTS:
            if event in checks:
                checks[event] = self._check_link
        self._checks = checks
        self._owners = owners
        self._file_write_on = self.active("file_write")
        self._code_read_on = self.active("code_read")
        self._dynamic_code_on = self.active("dynamic_code")
        checks.pop(_NATIVE_IMPORT, None)
        if self._dynamic_code_on:
            checks[_NATIVE_IMPORT] = self._check_native_import
        self.watched = frozenset(checks)
        self.records_resolutions = self.active("egress")

    def active(self, policy: str) -> bool:
        """Return True when ``policy`` is in ``block`` or ``alert`` mode."""
        return self._modes[policy] is not Mode.ALLOW

    def mode(self, policy: str) -> Mode:
        """Return the mode of ``policy``."""
        return self._modes[policy]

    def policy_of(self, event: str) -> str | None:
        """Return the policy that watches ``event`` (the write policy first for ``open``)."""
        return self._owners.get(event)

    def check(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        """Judge one audit event.

        Args:
            event: the audit event's name; must be in :attr:`watched`.
            args: the audit event's arguments.

        Returns:
            A finding when a policy does not allow the action, else None.
        """
        return self._checks[event](event, args)

    # -- subprocess ---------------------------------------------------------------------------

    def _check_spawn(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        if event == "os.system":
            program = "/bin/sh"  # os.system always runs the command through the shell
        elif event == "os.spawn":
            program = _text(args[1]) if len(args) > 1 else "?"
        elif event == "pty.spawn":
            argv = args[0] if args else None
            first = argv if isinstance(argv, (str, bytes)) else (argv or [None])[0]
            program = _text(first)
        elif event == "faasguard.fork_exec":
            program = self._fork_exec_program(args)
        else:
            program = _text(args[0]) if args else "?"
        token = getattr(self._popen_token, "program", None)
        self._popen_token.program = None
        if event in ("os.posix_spawn", "faasguard.fork_exec") and token is not None:
            executables = (
                [_text(p) for p in args[1]]
                if event == "faasguard.fork_exec"
                and len(args) > 1
                and isinstance(args[1], (list, tuple))
                else [program]
            )
            if any(p == token or p.endswith("/" + token) for p in executables):
                return None  # the spawn of the Popen just judged (and allowed or reported)
        finding = (
            None if program in self._programs else Finding("subprocess", "spawn", event, program)
        )
        if event == "subprocess.Popen" and (
            finding is None or self.mode("subprocess") is not Mode.BLOCK
        ):
            self._popen_token.program = program
        return finding

    @staticmethod
    def _fork_exec_program(args: tuple[Any, ...]) -> str:
        """Name the program of a fork_exec(argv, executable_list, ...) call."""
        executables = args[1] if len(args) > 1 else None
        if isinstance(executables, (list, tuple)) and executables:
            return _text(executables[0])
        argv = args[0] if args else None
        if isinstance(argv, (list, tuple)) and argv:
            return _text(argv[0])
        return "?"

    # -- egress -------------------------------------------------------------------------------

    def _check_egress(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        if event in ("socket.gethostbyaddr", "socket.getnameinfo"):
            address = args[0] if args else None
            if event == "socket.getnameinfo":
                address = address[0] if isinstance(address, tuple) and address else None
            if address in self._own_names or self.hosts.allows(address):
                return None
            return Finding("egress", "resolve", event, _text(address))
        if event.startswith("socket.geth") or event == "socket.getaddrinfo":
            host = args[0] if args else None
            if self.hosts.allows(host):
                return None
            port = f":{args[1]}" if event == "socket.getaddrinfo" and len(args) > 1 else ""
            return Finding("egress", "resolve", event, _text(host) + port)
        sock, address = (args[0], args[1]) if len(args) > 1 else (None, None)
        if _family(sock) not in _INET_FAMILIES:
            return None  # Unix sockets and netlink are local IPC, not egress
        if not isinstance(address, tuple) or len(address) < 2:
            return None  # connected-socket sendmsg (None), or an address connect() will reject
        if self.hosts.allows(address[0]):
            return None
        return Finding("egress", "connect", event, f"{_text(address[0])}:{address[1]}")

    # -- files --------------------------------------------------------------------------------

    def _check_open(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        # The hottest check (every open in the process): str fast path, cached policy flags.
        raw = args[0] if args else None
        path = raw if type(raw) is str else fs_path(raw)
        if path is None:
            return None
        flags = args[2] if len(args) > 2 else None
        if isinstance(flags, int):  # every open event carries the OS flags it will use
            writing = bool(flags & _WRITE_FLAGS)
        else:
            mode = args[1] if len(args) > 1 else None
            writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if writing:
            return self._write_finding(event, path) if self._file_write_on else None
        if self._dynamic_code_on and path.endswith(_IMPORTABLE_SUFFIXES):
            finding = self._code_load_finding(event, path)
            if finding is not None:
                return finding
        return self._read_finding(event, path) if self._code_read_on else None

    def _check_modify(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        if event == "sqlite3.connect":
            database = _sqlite_path(args[0]) if args else None
            return self._write_finding(event, database) if database is not None else None
        for position in _WRITE_EVENTS[event]:
            value = args[position] if len(args) > position else None
            if isinstance(value, int) and not isinstance(value, bool):
                path = _fd_path(value)  # fchmod, fchown, ftruncate, futimes, fsetxattr
            else:
                path = fs_path(value)
            if path is not None:
                finding = self._write_finding(event, path)
                if finding is not None:
                    return finding
        return None

    def _write_finding(self, event: str, path: str) -> Finding | None:
        lexical = _normalise(path)
        kernel_view = ".." in path or lexical.startswith(_KERNEL_ALIASES)  # _needs_kernel_view
        if not kernel_view and (
            is_under(lexical, self._write_prefixes) or lexical in _WRITABLE_DEVICES
        ):
            return None
        if kernel_view and ".." not in path and lexical in _WRITABLE_DEVICES:
            return None
        # Only a path that would be refused by its text pays for resolving links: a link shipped
        # with the function that points into /tmp (a common trick for libraries that write next to
        # their code) is still a write under /tmp.
        resolved = os.path.realpath(path)
        if is_under(resolved, self._write_prefixes) or resolved == "/dev/null":
            return None
        if _is_bytecode_cache(resolved) and _stack_has(_IMPORT_SYSTEM, _READER_DEPTH, "get_code"):
            # The import system caching the bytecode it just compiled from the source next to it
            # (get_code on the stack, not set_data called directly with any bytes): it copes with
            # a refusal, and Lambda's read-only /var/task refuses it anyway.
            return None
        return Finding("file_write", "write", event, _text(resolved if ".." in path else lexical))

    def _read_finding(self, event: str, path: str) -> Finding | None:
        lexical = _normalise(path)
        # Inlined _needs_kernel_view: this runs on every read in the process.
        if ".." in path or lexical.startswith(_KERNEL_ALIASES):
            candidate = os.path.realpath(path)
            shown = candidate if ".." in path else lexical
        elif not self._code_prefixes:
            return None
        else:
            candidate = shown = lexical
        if candidate.startswith("/proc/") and _ENVIRON_FILE.fullmatch(candidate):
            return Finding("code_read", "read", event, _text(shown))
        if not self._code_prefixes or not is_under(candidate, self._code_prefixes):
            return None
        name = candidate.rpartition("/")[2]
        if not (name.endswith(_CODE_SUFFIXES) or name == ".env" or name.startswith(".env.")):
            return None
        if _stack_has(_EXEMPT_READERS, _READER_DEPTH):
            return None
        return Finding("code_read", "read", event, _text(shown))

    def _code_load_finding(self, event: str, path: str) -> Finding | None:
        """Refuse the import system reading code from a write root (a module dropped in /tmp).

        Files there were all written after the cold start, so code in them is dynamic code, exactly
        like a string given to ``exec``; that includes cached bytecode, which is never compiled
        and so never raises a compile event.
        """
        lexical = _normalise(path)
        resolved = os.path.realpath(path) if _needs_kernel_view(path, lexical) else lexical
        if not is_under(resolved, self._write_prefixes):
            return None
        if not _stack_has(_IMPORT_SYSTEM, _READER_DEPTH):
            return None  # reading a .py file as data is not running it
        return Finding("dynamic_code", "load", event, _text(resolved))

    def _check_native_import(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        filename = fs_path(args[1]) if len(args) > 1 else None
        if filename is None:
            return None  # an ordinary import (the event without a file): nothing native yet
        resolved = os.path.realpath(filename)
        if is_under(resolved, self._write_prefixes):
            # A shared object written after the cold start runs native code past every check.
            return Finding("dynamic_code", "load", event, _text(resolved))
        return None

    def _check_link(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        # os.symlink(target, link) and os.link(existing, link): both name the new link second.
        source = fs_path(args[0]) if args else None
        link = fs_path(args[1]) if len(args) > 1 else None
        if source is None or link is None:
            return None
        link_path = _normalise(link)
        if ".." in link:  # the link lands in the directory the kernel resolves its parent to
            parent, _, name = link.rpartition("/")
            link_path = os.path.realpath(parent or ".").rstrip("/") + "/" + name
        if event == "os.symlink":  # a relative target is relative to the link's directory
            source = str(PurePosixPath(link_path).parent / source)
        target = os.path.realpath(source)
        shown = _text(f"{link_path} -> {target}")
        if self.active("file_write"):
            finding = self._write_finding(event, link)
            if finding is not None:
                return finding
            if not is_under(target, self._write_prefixes) and target not in _WRITABLE_DEVICES:
                # A write through this link would land outside the write roots.
                return Finding("file_write", "link", event, shown)
            if is_under(link_path, (target.rstrip("/") + "/",)):
                # A link to its own ancestor: "link/.." then climbs from the ancestor, so
                # link/../../x is outside the root while its text is inside.
                return Finding("file_write", "link", event, shown)
        if self.active("code_read") and self._exposes_code(target):
            return Finding("code_read", "link", event, shown)
        return None

    def _exposes_code(self, target: str) -> bool:
        """Say whether a link to ``target`` would let reads reach code or /proc."""
        if is_under(target, ("/proc/",)) or is_under(target, self._code_prefixes):
            return True
        # A link to an ancestor ("/", "/var") reaches the code root below it.
        ancestor = target.rstrip("/") + "/"
        return "/proc/".startswith(ancestor) or any(
            prefix.startswith(ancestor) for prefix in self._code_prefixes
        )

    # -- dynamic code -------------------------------------------------------------------------

    def _check_code(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        caller = _caller()
        if event in ("compile", "code.__new__") and len(args) > 1:
            filename = fs_path(args[1])
            if filename is not None and filename.startswith("/"):
                resolved = os.path.realpath(filename)
                if is_under(resolved, self._write_prefixes):
                    # Source from a write root: written after the cold start, whoever compiles it.
                    return Finding("dynamic_code", "compile", event, _text(resolved))
        if caller is None or _module(caller) in _TRUSTED_CODEGEN:
            return None  # no Python caller (the interpreter itself), or a trusted generator
        if self._import_time_codegen(caller):
            return None
        if event == "compile":
            source = args[0] if args else None
            if _is_constant(source, caller.f_code):
                return None
            filename = _text(args[1]) if len(args) > 1 else "?"
            size = len(source) if isinstance(source, (str, bytes)) else 0
            return Finding("dynamic_code", "compile", event, f"{filename} ({size} bytes)")
        if event == "code.__new__":
            name = args[2] if len(args) > 2 and isinstance(args[2], str) else "?"
            return Finding("dynamic_code", "compile", event, _text(name))
        size = len(args[0]) if args and isinstance(args[0], (bytes, bytearray)) else 0
        return Finding("dynamic_code", "load", event, f"{size} bytes")

    def _import_time_codegen(self, caller: FrameType) -> bool:
        """Say whether ``caller`` is library or function code generating code while being imported.

        Modules of the standard library and of installed packages generate code as they are
        imported (asyncio, multiprocessing, typing's string annotations, pydantic's helpers). Such
        code comes from the package's own text: request data does not exist yet at import time,
        and an import runs a module's code, never a string. So the generator is trusted when an
        import is in progress and the generating code is a real file outside the write roots.
        Code compiled from a string (``<string>``) is never trusted this way.
        """
        filename = caller.f_code.co_filename
        if not filename.startswith("/") or is_under(filename, self._write_prefixes):
            return False
        frame: FrameType | None = caller
        while frame is not None:
            if _module(frame) in _IMPORT_SYSTEM:
                return True
            frame = frame.f_back
        return False

    # -- ctypes -------------------------------------------------------------------------------

    def _check_ctypes(self, event: str, args: tuple[Any, ...]) -> Finding | None:
        if event == "ctypes.dlopen":
            target = "<process>" if not args or args[0] is None else _text(args[0])
        elif event.startswith("ctypes.dlsym"):
            target = _text(args[1]) if len(args) > 1 else "?"
        elif event == "ctypes.cdata":
            target = hex(args[0]) if args and isinstance(args[0], int) else "?"
        else:
            target = "object pointer"
        return Finding("ctypes", "load", event, target)
