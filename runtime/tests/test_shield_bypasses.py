"""Ways around the shield found in review (issue 10), each reproduced with the real attack.

Every scenario here succeeded silently before the fix: a read of the credentials through a path the
text normalisation got wrong, a child interpreter started by multiprocessing, a reverse lookup
carrying data, code loaded from /tmp, writes through calls the file policy did not watch. Each now
fails (or is reported) with the event naming what really happened.
"""

from __future__ import annotations

import glob
import os
import py_compile
import re
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from support.shield_probe import block_all, blocked, detail, passed, probe

# -- paths resolved the way the kernel resolves them --------------------------------------------


def test_environment_through_dev_fd_dotdot_is_blocked(tmp_path: Path) -> None:
    # /dev/fd -> /proc/self/fd, so /dev/fd/.. is /proc/self: this reads the AWS credentials.
    policy = f"ShieldPolicy(code_read=Mode.BLOCK, code_roots=(), write_roots=({str(tmp_path)!r},))"
    outcome = probe('return open("/dev/fd/../environ", "rb").read()', policy=policy)
    policy_name, event, target = outcome["violation"]
    assert (policy_name, event) == ("code_read", "open")
    assert re.fullmatch(r"/proc/[0-9]+/environ", target), target
    assert outcome == blocked("code_read", "open", target, "read")


def test_own_code_through_dev_fd_dotdot_cwd_is_blocked(tmp_path: Path) -> None:
    task = tmp_path / "task"
    task.mkdir()
    (task / "app_handler.py").write_text('API_KEY = "sk_live_123"\n')
    policy = (
        f"ShieldPolicy(code_read=Mode.BLOCK, code_roots=({str(task)!r},),"
        f" write_roots=({str(tmp_path / 'scratch')!r},))"
    )
    outcome = probe('return open("/dev/fd/../cwd/app_handler.py").read()', policy=policy, cwd=task)
    assert outcome == blocked("code_read", "open", str(task / "app_handler.py"), "read")


@pytest.fixture
def roots(tmp_path: Path) -> dict[str, Path]:
    allowed = tmp_path / "allowed"
    outside = tmp_path / "outside"
    (allowed / "x" / "y").mkdir(parents=True)
    outside.mkdir()
    (outside / "existing.txt").write_text("keep me")
    return {"allowed": allowed, "outside": outside}


def write_policy(roots: dict[str, Path]) -> str:
    return f"ShieldPolicy(file_write=Mode.BLOCK, write_roots=({str(roots['allowed'])!r},))"


def test_link_to_its_own_ancestor_is_an_escape(roots: dict[str, Path]) -> None:
    # allowed/x/y/up -> allowed; then allowed/x/y/up/../outside is outside, while its text is not.
    link = roots["allowed"] / "x" / "y" / "up"
    body = f"os.symlink({str(roots['allowed'])!r}, {str(link)!r})"
    outcome = probe(body, policy=write_policy(roots), setup="import os")
    assert outcome == blocked("file_write", "os.symlink", f"{link} -> {roots['allowed']}", "link")
    assert not os.path.lexists(link)


def test_write_through_an_ancestor_link_and_dotdot_is_blocked(roots: dict[str, Path]) -> None:
    # The link was there before install() (as a link made by native code would be); the write is
    # judged where the kernel would put it.
    link = roots["allowed"] / "x" / "y" / "up"
    escape = f"{link}/../outside/new.txt"
    setup = f"import os\nos.symlink({str(roots['allowed'])!r}, {str(link)!r})"
    outcome = probe(
        f'open({escape!r}, "w").write("owned")', policy=write_policy(roots), setup=setup
    )
    assert outcome == blocked("file_write", "open", str(roots["outside"] / "new.txt"), "write")
    assert sorted(p.name for p in roots["outside"].iterdir()) == ["existing.txt"]


# -- child processes --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_spawn_based_multiprocessing_is_blocked(method: str) -> None:
    # spawn and forkserver start a fresh, unshielded interpreter through _posixsubprocess.
    body = f"""
        import multiprocessing, os
        process = multiprocessing.get_context({method!r}).Process(target=os.getpid)
        process.start()
        process.join()
        return process.exitcode
    """
    outcome = probe(body, policy="ShieldPolicy()")
    assert outcome == blocked("subprocess", "faasguard.fork_exec", sys.executable, "spawn")


def test_fork_based_multiprocessing_still_works() -> None:
    body = """
        import multiprocessing, os
        process = multiprocessing.get_context("fork").Process(target=os.getpid)
        process.start()
        process.join()
        return process.exitcode
    """
    assert probe(body, policy="ShieldPolicy()") == passed(0)


def test_private_popen_posix_spawn_is_judged() -> None:
    # Popen._posix_spawn called directly skips the subprocess.Popen event; the exemption that
    # avoided judging the same spawn twice must not let it through.
    body = """
        import inspect, subprocess
        popen = object.__new__(subprocess.Popen)
        names = list(inspect.signature(popen._posix_spawn).parameters)
        values = {"args": ["/bin/true"], "executable": "/bin/true", "env": None,
                  "restore_signals": False}
        popen._posix_spawn(*[values.get(name, -1) for name in names])
    """
    outcome = probe(body, policy="ShieldPolicy()")
    assert outcome["violation"] == ["subprocess", "os.posix_spawn", "/bin/true"]
    ((policy, action, mode, found),) = outcome["events"]
    assert (policy, action, mode, found["event"], found["target"]) == (
        "shield.subprocess",
        "spawn",
        "block",
        "os.posix_spawn",
        "/bin/true",
    )


def test_allowed_popen_is_judged_once() -> None:
    body = 'import subprocess\nreturn subprocess.run(["/bin/true"]).returncode'
    policy = 'ShieldPolicy(allowed_programs=("/bin/true",))'
    assert probe(body, policy=policy) == passed(0)
    alert = probe(body, policy="ShieldPolicy(subprocess=Mode.ALERT)")
    assert alert == passed(
        0, ["shield.subprocess", "spawn", "alert", detail("subprocess.Popen", "/bin/true")]
    )


# -- reverse DNS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "event", "target"),
    [
        ('socket.gethostbyaddr("192.0.2.77")', "socket.gethostbyaddr", "192.0.2.77"),
        ('socket.getnameinfo(("192.0.2.78", 80), 0)', "socket.getnameinfo", "192.0.2.78"),
    ],
)
def test_reverse_lookup_of_an_unlisted_address_is_blocked(
    body: str, event: str, target: str
) -> None:
    outcome = probe(body, policy=block_all(), setup="import socket")
    assert outcome == blocked("egress", event, target, "resolve")


def test_reverse_lookup_of_loopback_and_own_name_is_allowed() -> None:
    body = """
        import socket
        socket.getnameinfo(("127.0.0.1", 80), 0)
        try:
            socket.gethostbyaddr(socket.gethostname())
        except OSError:
            pass  # no reverse entry: still not refused by the shield
        return "ok"
    """
    assert probe(body, policy=block_all()) == passed("ok")


# -- code loaded after install() -----------------------------------------------------------------


def scratch_policy(scratch: Path) -> str:
    return block_all(f"write_roots=({str(scratch)!r},)")


def test_python_module_dropped_in_a_write_root_is_not_imported(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    body = f"""
        import sys
        with open({str(scratch / "dropped.py")!r}, "w") as out:
            out.write("import os\\nVALUE = os.getpid()\\n")
        sys.path.insert(0, {str(scratch)!r})
        import dropped
    """
    outcome = probe(body, policy=scratch_policy(scratch))
    pyc = scratch / "__pycache__" / f"dropped.{sys.implementation.cache_tag}.pyc"
    source = str(scratch / "dropped.py")
    # The import system tries the cached bytecode first (refused, and it copes), then the source.
    assert outcome == {
        "result": None,
        "violation": ["dynamic_code", "open", source],
        "events": [
            ["shield.dynamic_code", "load", "block", detail("open", str(pyc))],
            ["shield.dynamic_code", "load", "block", detail("open", source)],
        ],
    }


def test_cached_bytecode_in_a_write_root_is_not_loaded(tmp_path: Path) -> None:
    # A .pyc is never compiled, so no compile event: it is refused where it is read. A sourceless
    # module (cached.pyc alone) is loaded from bytecode only.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (tmp_path / "cached.py").write_text("VALUE = 1\n")
    py_compile.compile(str(tmp_path / "cached.py"), cfile=str(scratch / "cached.pyc"), doraise=True)
    setup = f"import sys\nsys.path.insert(0, {str(scratch)!r})"
    outcome = probe("import cached", policy=scratch_policy(scratch), setup=setup)
    assert outcome == blocked("dynamic_code", "open", str(scratch / "cached.pyc"), "load")


def test_native_extension_dropped_in_a_write_root_is_not_loaded(tmp_path: Path) -> None:
    dynload = os.path.dirname(os.__file__) + "/lib-dynload"
    found = glob.glob(f"{dynload}/_lsprof.*.so")
    if not found:
        pytest.skip("no _lsprof extension module in this Python build")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    dropped = scratch / Path(found[0]).name
    dropped.write_bytes(Path(found[0]).read_bytes())
    body = f"""
        import importlib.util
        spec = importlib.util.spec_from_file_location("_lsprof", {str(dropped)!r})
        importlib.util.module_from_spec(spec)
    """
    outcome = probe(body, policy=scratch_policy(scratch))
    assert outcome == blocked("dynamic_code", "import", str(dropped), "load")


def test_stdlib_code_generator_on_request_data_is_blocked() -> None:
    # typing.ForwardRef compiles (and get_type_hints evaluates) whatever string it is given.
    body = """
        import json, typing
        field = json.loads('{"t": "__import__(\\'os\\').getpid()"}')["t"]
        return typing.ForwardRef(field)._evaluate(globals(), None, frozenset())
    """
    outcome = probe(body, policy="ShieldPolicy(dynamic_code=Mode.BLOCK)")
    assert outcome["violation"] == ["dynamic_code", "compile", "<string> (25 bytes)"]
    ((policy, action, mode, found),) = outcome["events"]
    assert (policy, action, mode, found["event"]) == (
        "shield.dynamic_code",
        "compile",
        "block",
        "compile",
    )
    # The event names the code that asked for it, past the standard library's own frames.
    assert (found["module"], found["file"]) == ("__main__", "<string>")


# -- writes the file policy missed ---------------------------------------------------------------


def test_sqlite_database_outside_the_write_roots_is_blocked(roots: dict[str, Path]) -> None:
    target = str(roots["outside"] / "stolen.db")
    outcome = probe(
        f"sqlite3.connect({target!r})", policy=write_policy(roots), setup="import sqlite3"
    )
    assert outcome == blocked("file_write", "sqlite3.connect", target, "write")
    assert not os.path.exists(target)


def test_sqlite_in_memory_read_only_and_inside_the_roots_is_allowed(
    roots: dict[str, Path],
) -> None:
    bundled = roots["outside"] / "bundled.db"
    with sqlite3.connect(bundled) as db:
        db.execute("create table t (v)")
        db.execute("insert into t values (42)")
    db.close()
    body = f"""
        import sqlite3
        memory = sqlite3.connect(":memory:").execute("select 1").fetchone()[0]
        uri = "file:" + {str(bundled)!r} + "?mode=ro"
        read_only = sqlite3.connect(uri, uri=True).execute("select v from t").fetchone()[0]
        scratch = sqlite3.connect({str(roots["allowed"] / "scratch.db")!r})
        scratch.execute("create table s (v)")
        return [memory, read_only]
    """
    assert probe(body, policy=write_policy(roots)) == passed([1, 42])


@pytest.mark.parametrize(
    ("call", "event"), [("mkfifo", "faasguard.mkfifo"), ("mknod", "faasguard.mknod")]
)
def test_special_files_outside_the_write_roots_are_blocked(
    roots: dict[str, Path], call: str, event: str
) -> None:
    target = str(roots["outside"] / "pipe")
    outcome = probe(f"os.{call}({target!r})", policy=write_policy(roots), setup="import os")
    assert outcome == blocked("file_write", event, target, "write")
    assert not os.path.lexists(target)


def test_fchmod_on_a_descriptor_outside_the_write_roots_is_blocked(
    roots: dict[str, Path],
) -> None:
    existing = roots["outside"] / "existing.txt"
    before = stat.S_IMODE(existing.stat().st_mode)
    body = f"""
        import os
        fd = os.open({str(existing)!r}, os.O_RDONLY)
        os.fchmod(fd, 0o777)
    """
    outcome = probe(body, policy=write_policy(roots))
    assert outcome == blocked("file_write", "os.chmod", str(existing), "write")
    assert stat.S_IMODE(existing.stat().st_mode) == before


def test_ftruncate_inside_the_write_roots_is_allowed(roots: dict[str, Path]) -> None:
    body = f"""
        import os
        with open({str(roots["allowed"] / "log.txt")!r}, "w+") as out:
            out.write("0123456789")
            out.flush()
            os.ftruncate(out.fileno(), 4)
            os.fchmod(out.fileno(), 0o600)
        return open({str(roots["allowed"] / "log.txt")!r}).read()
    """
    assert probe(body, policy=write_policy(roots)) == passed("0123")


@pytest.mark.parametrize(
    "name",
    ["__pycache__evil/payload.sh", f"__pycache__/app.{sys.implementation.cache_tag}.pyc"],
)
def test_bytecode_cache_exemption_needs_a_real_cache_write(
    roots: dict[str, Path], name: str
) -> None:
    # set_data called directly writes any bytes: only get_code caching what it compiled is exempt,
    # and only into a directory named exactly __pycache__.
    target = roots["outside"] / name
    target.parent.mkdir(exist_ok=True)
    body = f"""
        from importlib.machinery import SourceFileLoader
        SourceFileLoader("x", "/nonexistent.py").set_data({str(target)!r}, b"payload")
    """
    outcome = probe(body, policy=write_policy(roots))
    assert outcome["violation"] is None  # set_data swallows the OSError
    ((policy, action, mode, found),) = outcome["events"]
    assert (policy, action, mode, found["event"]) == ("shield.file_write", "write", "block", "open")
    assert found["target"].startswith(str(target) + ".")  # set_data's temporary file
    assert not target.exists()
