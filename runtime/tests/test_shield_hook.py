"""The shield's audit hook end to end: real processes, sockets, files and dynamic code.

Audit hooks cannot be removed, so every scenario runs in a fresh interpreter (``python -c``): the
test process itself never carries a hook, and a scenario cannot leak its policy into another test.
Each probe installs a policy, runs a scenario, and prints one JSON line with the scenario's result,
the ShieldViolation it raised (if any) and the security events emitted while the policy was on.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.shield_probe import block_all, blocked, detail, passed, probe

# -- child processes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "event", "target"),
    [
        ('subprocess.run(["/bin/true"])', "subprocess.Popen", "/bin/true"),
        ('subprocess.run("true", shell=True)', "subprocess.Popen", "/bin/sh"),
        ('os.system("id > /tmp/pwned")', "os.system", "/bin/sh"),
        ('os.posix_spawn("/bin/true", ["true"], {})', "os.posix_spawn", "/bin/true"),
        ('os.execv("/bin/sh", ["sh", "-c", "true"])', "os.exec", "/bin/sh"),
        ('pty.spawn("/bin/sh")', "pty.spawn", "/bin/sh"),
    ],
)
def test_child_process_is_blocked(body: str, event: str, target: str) -> None:
    outcome = probe(
        "import os, pty, subprocess\n" + body, policy="ShieldPolicy(subprocess=Mode.BLOCK)"
    )
    assert outcome == blocked("subprocess", event, target, "spawn")


def test_spawn_family_is_blocked_in_the_forked_child() -> None:
    # os.spawnv forks and then execs: the exec is refused in the child, which exits 127.
    outcome = probe(
        'import os\nreturn os.spawnv(os.P_WAIT, "/bin/true", ["true"])',
        policy="ShieldPolicy(subprocess=Mode.BLOCK)",
    )
    assert outcome == passed(127)


def test_child_process_runs_and_is_reported_in_alert_mode() -> None:
    outcome = probe(
        'import subprocess\nreturn subprocess.run(["/bin/echo", "hi"], capture_output=True,'
        " text=True).stdout",
        policy="ShieldPolicy(subprocess=Mode.ALERT)",
    )
    assert outcome == passed(
        "hi\n",
        [
            "shield.subprocess",
            "spawn",
            "alert",
            detail("subprocess.Popen", "/bin/echo"),
        ],
    )


def test_allowed_program_runs_and_others_stay_blocked() -> None:
    policy = 'ShieldPolicy(subprocess=Mode.BLOCK, allowed_programs=("/bin/true",))'
    assert probe(
        'import subprocess\nreturn subprocess.run(["/bin/true"]).returncode', policy=policy
    ) == (passed(0))
    assert probe('import subprocess\nsubprocess.run(["/bin/false"])', policy=policy) == blocked(
        "subprocess", "subprocess.Popen", "/bin/false", "spawn"
    )


def test_block_applies_in_every_thread() -> None:
    body = """
        import subprocess, threading
        errors = []
        def work():
            try:
                subprocess.run(["/bin/true"])
            except Exception as exc:
                errors.append(type(exc).__name__)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return errors
    """
    outcome = probe(body, policy="ShieldPolicy(subprocess=Mode.BLOCK)")
    assert outcome["result"] == ["ShieldViolation"]


# -- outbound connections ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def echo_port() -> Iterator[int]:
    """A TCP server on 127.0.0.1 answering b"pong" to anything."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([server], [], [], 0.2)
            if not ready:
                continue
            conn, _ = server.accept()
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(16)
                    conn.sendall(b"pong")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    stop.set()
    thread.join(timeout=5)
    server.close()


PING = """
    import socket
    with socket.create_connection(("{host}", {port}), timeout=5) as conn:
        conn.sendall(b"ping")
        return conn.recv(16).decode()
"""
RAW_PING = """
    import socket
    with socket.socket() as conn:
        conn.settimeout(5)
        conn.connect(("127.0.0.1", {port}))
        conn.sendall(b"ping")
        return conn.recv(16).decode()
"""
NO_LOOPBACK = "ShieldPolicy(egress=Mode.BLOCK, allow_loopback=False{extra})"


def test_loopback_is_allowed_by_default(echo_port: int) -> None:
    outcome = probe(PING.format(host="127.0.0.1", port=echo_port), policy=block_all())
    assert outcome == passed("pong")


def test_unlisted_address_is_blocked_at_resolution(echo_port: int) -> None:
    outcome = probe(
        PING.format(host="127.0.0.1", port=echo_port), policy=NO_LOOPBACK.format(extra="")
    )
    assert outcome == blocked("egress", "socket.getaddrinfo", f"127.0.0.1:{echo_port}", "resolve")


def test_unlisted_address_is_blocked_at_connect(echo_port: int) -> None:
    outcome = probe(RAW_PING.format(port=echo_port), policy=NO_LOOPBACK.format(extra=""))
    assert outcome == blocked("egress", "socket.connect", f"127.0.0.1:{echo_port}", "connect")


def test_listed_address_connects(echo_port: int) -> None:
    policy = NO_LOOPBACK.format(extra=', allowed_hosts=("127.0.0.1",)')
    assert probe(RAW_PING.format(port=echo_port), policy=policy) == passed("pong")


def test_listed_name_connects_through_its_resolved_address(echo_port: int) -> None:
    # "localhost" is allowed by name; the connect that follows only sees 127.0.0.1, which the
    # shield recognises because it recorded what the allowed name resolved to.
    policy = NO_LOOPBACK.format(extra=', allowed_hosts=("localhost",)')
    assert probe(PING.format(host="localhost", port=echo_port), policy=policy) == passed("pong")


def test_unlisted_name_is_blocked_before_any_dns_query() -> None:
    body = 'import socket\nsocket.getaddrinfo("exfil.attacker.invalid", 443)'
    assert probe(body, policy=block_all()) == blocked(
        "egress", "socket.getaddrinfo", "exfil.attacker.invalid:443", "resolve"
    )


def test_nul_byte_cannot_smuggle_a_name_past_a_suffix_rule() -> None:
    body = 'import socket\nsocket.getaddrinfo("attacker.invalid\\x00.amazonaws.com", 443)'
    assert probe(body, policy=block_all()) == blocked(
        "egress", "socket.getaddrinfo", "attacker.invalid\\x00.amazonaws.com:443", "resolve"
    )


def test_udp_datagram_to_an_unlisted_address_is_blocked() -> None:
    body = """
        import socket
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"secret", ("127.0.0.1", 9))
    """
    assert probe(body, policy=NO_LOOPBACK.format(extra="")) == blocked(
        "egress", "socket.sendto", "127.0.0.1:9", "connect"
    )


def test_alert_mode_reports_once_and_connects(echo_port: int) -> None:
    policy = "ShieldPolicy(egress=Mode.ALERT, allow_loopback=False)"
    outcome = probe(PING.format(host="127.0.0.1", port=echo_port), policy=policy)
    assert outcome == passed(
        "pong",
        [
            "shield.egress",
            "resolve",
            "alert",
            detail("socket.getaddrinfo", f"127.0.0.1:{echo_port}"),
        ],
    )


def test_getaddrinfo_is_restored_by_uninstall() -> None:
    body = """
        import socket
        patched = hasattr(socket.getaddrinfo, "__wrapped__")
        uninstall()
        return [patched, hasattr(socket.getaddrinfo, "__wrapped__")]
    """
    outcome = probe(body, policy=block_all())
    assert outcome["result"] == [True, False]


# -- file writes -------------------------------------------------------------------------------


@pytest.fixture
def roots(tmp_path: Path) -> dict[str, Path]:
    allowed = tmp_path / "allowed"
    outside = tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (outside / "existing.txt").write_text("keep me")
    (allowed / "mine.txt").write_text("mine")
    return {"allowed": allowed, "outside": outside}


def write_policy(roots: dict[str, Path], mode: str = "BLOCK") -> str:
    return f"ShieldPolicy(file_write=Mode.{mode}, write_roots=({str(roots['allowed'])!r},))"


@pytest.mark.parametrize(
    ("body", "event", "name"),
    [
        ('open(OUT + "/new.txt", "w")', "open", "new.txt"),
        ('open(OUT + "/existing.txt", "a")', "open", "existing.txt"),
        ('os.open(OUT + "/new.txt", os.O_WRONLY | os.O_CREAT)', "open", "new.txt"),
        ('os.remove(OUT + "/existing.txt")', "os.remove", "existing.txt"),
        ('os.rename(OK + "/mine.txt", OUT + "/stolen.txt")', "os.rename", "stolen.txt"),
        ("shutil.rmtree(OUT)", "shutil.rmtree", ""),
    ],
)
def test_write_outside_the_write_roots_is_blocked(
    roots: dict[str, Path], body: str, event: str, name: str
) -> None:
    setup = f"import os, shutil\nOK = {str(roots['allowed'])!r}\nOUT = {str(roots['outside'])!r}"
    outcome = probe(body, policy=write_policy(roots), setup=setup)
    target = str(roots["outside"] / name) if name else str(roots["outside"])
    assert outcome == blocked("file_write", event, target, "write")
    assert sorted(p.name for p in roots["outside"].iterdir()) == ["existing.txt"]
    assert (roots["outside"] / "existing.txt").read_text() == "keep me"
    assert (roots["allowed"] / "mine.txt").read_text() == "mine"


def test_link_that_would_let_writes_escape_is_blocked(roots: dict[str, Path]) -> None:
    # The classic escape: a link in /tmp to somewhere else, then a write "inside /tmp" through it.
    # It is refused when the link is made, so every later open can be judged on its path alone.
    link = str(roots["allowed"] / "escape")
    body = f"""
        import os
        os.symlink({str(roots["outside"])!r}, {link!r})
        open({link!r} + "/existing.txt", "w").write("overwritten")
    """
    outcome = probe(body, policy=write_policy(roots))
    assert outcome == blocked("file_write", "os.symlink", f"{link} -> {roots['outside']}", "link")
    assert not os.path.lexists(link)
    assert (roots["outside"] / "existing.txt").read_text() == "keep me"


def test_refusal_is_an_os_error_to_code_that_copes_with_one(roots: dict[str, Path]) -> None:
    target = str(roots["outside"] / "cache.db")
    body = f"""
        try:
            open({target!r}, "w")
        except OSError as exc:  # how a library copes with a read-only file system
            return [type(exc).__name__, exc.errno, str(exc)]
    """
    outcome = probe(body, policy=write_policy(roots))
    assert outcome == passed(
        ["ShieldViolation", 1, f"faasguard shield blocked file_write: open {target}"],
        ["shield.file_write", "write", "block", detail("open", target)],
    )


def test_lazy_import_outside_the_write_roots_still_works(
    roots: dict[str, Path], tmp_path: Path
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "lazy_module.py").write_text("VALUE = 7\n")
    body = f"""
        import sys
        sys.path.insert(0, {str(code)!r})
        import lazy_module
        return lazy_module.VALUE
    """
    assert probe(body, policy=write_policy(roots)) == passed(7)
    # The import system cached the bytecode as it would without the shield.
    cached = [p.name for p in (code / "__pycache__").iterdir()]
    assert cached == [f"lazy_module.{sys.implementation.cache_tag}.pyc"]


def test_import_system_writer_is_not_a_way_around_the_write_policy(
    roots: dict[str, Path],
) -> None:
    evil = str(roots["outside"] / "evil.py")
    body = f"""
        from importlib.machinery import SourceFileLoader
        SourceFileLoader("evil", {evil!r}).set_data({evil!r}, b"print('owned')")
    """
    outcome = probe(body, policy=write_policy(roots))
    assert outcome["violation"] is None  # set_data swallows OSErrors: the write just did not happen
    ((policy, action, mode, detail),) = outcome["events"]
    assert (policy, action, mode, detail["event"]) == (
        "shield.file_write",
        "write",
        "block",
        "open",
    )
    assert detail["target"].startswith(evil + ".")  # set_data's temporary file
    assert sorted(p.name for p in roots["outside"].iterdir()) == ["existing.txt"]


def test_write_inside_the_write_roots_is_allowed(roots: dict[str, Path]) -> None:
    body = f"""
        path = {str(roots["allowed"] / "out.txt")!r}
        with open(path, "w") as out:
            out.write("ok")
        with open("/dev/null", "w") as null:
            null.write("discarded")
        with open({str(roots["outside"] / "existing.txt")!r}) as existing:
            return existing.read()
    """
    assert probe(body, policy=write_policy(roots)) == passed("keep me")
    assert (roots["allowed"] / "out.txt").read_text() == "ok"


def test_write_outside_happens_and_is_reported_in_alert_mode(roots: dict[str, Path]) -> None:
    target = str(roots["outside"] / "new.txt")
    body = f'open({target!r}, "w").close()\nreturn "written"'
    assert probe(body, policy=write_policy(roots, "ALERT")) == passed(
        "written", ["shield.file_write", "write", "alert", detail("open", target)]
    )
    assert (roots["outside"] / "new.txt").exists()


# -- reads of the function's code --------------------------------------------------------------


@pytest.fixture
def task(tmp_path: Path) -> Path:
    root = tmp_path / "task"
    root.mkdir()
    (root / "app_handler.py").write_text(
        'API_KEY = "sk_live_123"\n\ndef fail():\n    raise ValueError("boom")\n'
    )
    (root / "config.json").write_text('{"table": "orders"}')
    (root / ".env").write_text("DB_PASSWORD=hunter2\n")
    return root


def read_policy(task: Path, scratch: Path) -> str:
    return (
        f"ShieldPolicy(code_read=Mode.BLOCK, file_write=Mode.ALLOW, code_roots=({str(task)!r},),"
        f" write_roots=({str(scratch)!r},))"
    )


@pytest.mark.parametrize("name", ["app_handler.py", ".env"])
def test_reading_own_source_or_secrets_file_is_blocked(
    task: Path, tmp_path: Path, name: str
) -> None:
    path = str(task / name)
    outcome = probe(f"return open({path!r}).read()", policy=read_policy(task, tmp_path))
    assert outcome == blocked("code_read", "open", path, "read")


def test_reading_the_process_environment_file_is_blocked(tmp_path: Path) -> None:
    policy = f"ShieldPolicy(code_read=Mode.BLOCK, code_roots=(), write_roots=({str(tmp_path)!r},))"
    outcome = probe('return open("/proc/self/environ", "rb").read()', policy=policy)
    assert outcome == blocked("code_read", "open", "/proc/self/environ", "read")


def test_reading_own_source_through_proc_cwd_is_blocked(task: Path, tmp_path: Path) -> None:
    outcome = probe(
        'return open("/proc/self/cwd/app_handler.py").read()',
        policy=read_policy(task, tmp_path),
        cwd=task,
    )
    assert outcome == blocked("code_read", "open", "/proc/self/cwd/app_handler.py", "read")


def test_link_exposing_own_source_is_blocked(task: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    link = str(scratch / "notes.txt")
    body = f"""
        import os
        os.symlink({str(task / "app_handler.py")!r}, {link!r})
        return open({link!r}).read()
    """
    outcome = probe(body, policy=read_policy(task, scratch))
    target = f"{link} -> {task / 'app_handler.py'}"
    assert outcome == blocked("code_read", "os.symlink", target, "link")


def test_imports_tracebacks_and_data_files_are_allowed(task: Path, tmp_path: Path) -> None:
    body = f"""
        import json, sys, traceback
        sys.path.insert(0, {str(task)!r})
        import app_handler
        try:
            app_handler.fail()
        except ValueError:
            trace = traceback.format_exc()
        with open({str(task / "config.json")!r}) as config:
            table = json.load(config)["table"]
        return [app_handler.API_KEY, 'raise ValueError("boom")' in trace, table]
    """
    outcome = probe(body, policy=read_policy(task, tmp_path / "scratch"))
    assert outcome == passed(["sk_live_123", True, "orders"])


def test_lambda_task_root_is_protected_by_default(task: Path, tmp_path: Path) -> None:
    path = str(task / "app_handler.py")
    outcome = probe(
        f"return open({path!r}).read()",
        policy="ShieldPolicy(code_read=Mode.BLOCK)",
        env={"LAMBDA_TASK_ROOT": str(task)},
    )
    assert outcome == blocked("code_read", "open", path, "read")


# -- dynamic code ------------------------------------------------------------------------------

# The write root is moved away from pytest's tmp_path (under /tmp), so that modules the tests import
# from tmp_path are not "code dropped in a write root".
DYNAMIC = "ShieldPolicy(dynamic_code=Mode.BLOCK, write_roots=('/nonexistent-scratch',))"


@pytest.mark.parametrize(
    ("body", "target"),
    [
        (
            'import json\nexec(json.loads(\'{"code": "import os; os.getpid()"}\')["code"])',
            "<string> (22 bytes)",
        ),
        ('return eval(str(6) + " * 7")', "<string> (5 bytes)"),
        ('compile(str(6) + " * 7", "<payload>", "eval")', "<payload> (5 bytes)"),
    ],
)
def test_compiling_built_strings_is_blocked(body: str, target: str) -> None:
    assert probe(body, policy=DYNAMIC) == blocked("dynamic_code", "compile", target, "compile")


def test_unmarshalling_code_is_blocked() -> None:
    body = "import marshal\nmarshal.loads(marshal.dumps((lambda: 1).__code__))"
    outcome = probe(body, policy=DYNAMIC)
    assert outcome["violation"][:2] == ["dynamic_code", "marshal.loads"]


def test_building_a_code_object_is_blocked() -> None:
    body = 'return (lambda: 1).__code__.replace(co_name="payload")'
    assert probe(body, policy=DYNAMIC) == blocked(
        "dynamic_code", "code.__new__", "payload", "compile"
    )


def test_literals_imports_and_code_generators_are_allowed(tmp_path: Path) -> None:
    (tmp_path / "fresh_module.py").write_text("VALUE = 41 + 1\n")
    body = f"""
        import collections, dataclasses, sys, typing
        exec("literal = 6 * 7")
        total = eval("6 * 7")
        sys.path.insert(0, {str(tmp_path)!r})
        import fresh_module
        Point = collections.namedtuple("Point", "x y")
        Pair = dataclasses.make_dataclass("Pair", ["a", "b"])
        Named = typing.NamedTuple("Named", [("n", int)])
        from faasguard_runtime.validate import validate
        validate(event_schema={{"type": "object", "properties": {{"a": {{"type": "string"}}}}}})
        return [total, fresh_module.VALUE, Point(1, 2).y, Pair(1, 2).b, Named(3).n]
    """
    assert probe(body, policy=DYNAMIC) == passed([42, 42, 2, 2, 3])


def test_dynamic_code_runs_and_is_reported_in_alert_mode() -> None:
    outcome = probe('return eval(str(6) + " * 7")', policy="ShieldPolicy(dynamic_code=Mode.ALERT)")
    assert outcome == passed(
        42,
        [
            "shield.dynamic_code",
            "compile",
            "alert",
            detail("compile", "<string> (5 bytes)"),
        ],
    )


# -- ctypes ------------------------------------------------------------------------------------


def test_loading_a_library_is_blocked() -> None:
    outcome = probe(
        "ctypes.CDLL(None)", policy="ShieldPolicy(ctypes=Mode.BLOCK)", setup="import ctypes"
    )
    assert outcome == blocked("ctypes", "ctypes.dlopen", "<process>", "load")


def test_symbol_lookup_through_a_library_loaded_earlier_is_blocked() -> None:
    outcome = probe(
        "return libc.system",
        policy="ShieldPolicy(ctypes=Mode.BLOCK)",
        setup="import ctypes\nlibc = ctypes.CDLL(None)",
    )
    assert outcome == blocked("ctypes", "ctypes.dlsym", "system", "load")


def test_raw_memory_access_is_blocked() -> None:
    outcome = probe(
        "return ctypes.c_char.from_address(ADDRESS).value",
        policy="ShieldPolicy(ctypes=Mode.BLOCK)",
        setup="import ctypes\nbuf = ctypes.create_string_buffer(b'x')\n"
        "ADDRESS = ctypes.addressof(buf)",
    )
    assert outcome["violation"][:2] == ["ctypes", "ctypes.cdata"]


# -- lifecycle and robustness ------------------------------------------------------------------


def test_uninstall_turns_every_policy_off() -> None:
    body = """
        import subprocess
        uninstall()
        return [subprocess.run(["/bin/true"]).returncode, eval(str(6) + "*7")]
    """
    outcome = probe(body, policy=block_all())
    assert outcome == passed([0, 42], ["shield", "uninstall", "alert", {}])


def test_install_replaces_the_policy() -> None:
    body = """
        import subprocess
        install(ShieldPolicy(subprocess=Mode.ALLOW))
        return subprocess.run(["/bin/true"]).returncode
    """
    outcome = probe(body, policy="ShieldPolicy(subprocess=Mode.BLOCK)")
    assert outcome["result"] == 0
    assert [e[:3] for e in outcome["events"]] == [["shield", "install", "info"]]


def test_install_reads_the_environment_without_a_policy() -> None:
    body = """
        import subprocess
        from faasguard_runtime.shield import active_policy
        subprocess.run(["/bin/true"])
        return active_policy().describe()
    """
    outcome = probe(
        body,
        policy="",
        env={
            "FAASGUARD_SHIELD_SUBPROCESS": "alert",
            "FAASGUARD_SHIELD_ALLOWED_HOSTS": "api.example.com",
            "LAMBDA_TASK_ROOT": "/var/task",
        },
    )
    assert outcome["result"]["subprocess"] == "alert"
    assert outcome["result"]["allowed_hosts"][-1] == "api.example.com"
    assert outcome["result"]["code_roots"] == ["/var/task"]
    assert outcome["events"] == [
        [
            "shield.subprocess",
            "spawn",
            "alert",
            detail("subprocess.Popen", "/bin/true"),
        ]
    ]


def test_install_event_describes_the_policy() -> None:
    script = textwrap.dedent(
        """
        import json, sys
        from faasguard_runtime import events, shield
        events.set_stdout(False)
        seen = []
        events.add_sink(lambda e: seen.append([e.policy, e.action, e.mode, dict(e.detail)]))
        shield.install(shield.ShieldPolicy(code_roots=("/var/task",)))
        sys.__stdout__.write(json.dumps(seen))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == [
        [
            "shield",
            "install",
            "info",
            {
                "subprocess": "block",
                "egress": "alert",
                "file_write": "block",
                "code_read": "alert",
                "dynamic_code": "alert",
                "ctypes": "block",
                "allowed_hosts": ["*.amazonaws.com", "*.amazonaws.com.cn", "*.api.aws"],
                "allow_loopback": True,
                "allowed_programs": [],
                "write_roots": ["/tmp"],
                "code_roots": ["/var/task"],
            },
        ]
    ]


def test_event_sinks_cannot_trigger_the_shield(roots: dict[str, Path]) -> None:
    # A sink that writes outside the write roots and starts a program: the shield must neither
    # recurse into itself nor block its own reporting.
    log = str(roots["outside"] / "sink.log")
    setup = f"""
        import subprocess
        def noisy_sink(event):
            with open({log!r}, "a") as out:
                out.write(event.policy + "\\n")
            subprocess.run(["/bin/true"])
        events.add_sink(noisy_sink)
    """
    policy = (
        "ShieldPolicy(subprocess=Mode.BLOCK, file_write=Mode.BLOCK,"
        f" write_roots=({str(roots['allowed'])!r},))"
    )
    outcome = probe('import os\nos.system("true")', policy=policy, setup=setup)
    assert outcome == blocked("subprocess", "os.system", "/bin/sh", "spawn")
    assert (roots["outside"] / "sink.log").read_text() == "shield\nshield.subprocess\n"


def test_a_shield_error_fails_closed_in_block_mode_and_open_in_alert_mode() -> None:
    body = """
        import subprocess
        from faasguard_runtime.shield import hook
        def broken(event, args):
            raise RuntimeError("bug")
        hook._STATE.engine._checks["subprocess.Popen"] = broken
        return subprocess.run(["/bin/true"]).returncode
    """
    assert probe(body, policy="ShieldPolicy(subprocess=Mode.BLOCK)") == blocked(
        "subprocess", "subprocess.Popen", "shield error", "error"
    )
    assert probe(body, policy="ShieldPolicy(subprocess=Mode.ALERT)") == passed(
        0,
        [
            "shield.subprocess",
            "error",
            "alert",
            detail("subprocess.Popen", "shield error"),
        ],
        # The Popen was never judged, so the fork_exec that starts the program is judged itself.
        ["shield.subprocess", "spawn", "alert", detail("faasguard.fork_exec", "/bin/true")],
    )
