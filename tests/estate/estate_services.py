"""Throw-away services for the estate tests and benchmarks: PostgreSQL, moto server.

The PostgreSQL server is the Debian package's (scripts/setup-dev.sh installs it): ``initdb``
and ``pg_ctl`` start a private cluster in a temporary folder, on a free port on 127.0.0.1, with
trust authentication. Running as root (CI), the cluster runs as the ``postgres`` system user,
since PostgreSQL refuses to run as root. When the server binaries are missing the PostgreSQL
cases are skipped on a developer machine and FAIL in CI (``CI`` set): CI must test both
back-ends. A module with its own name (not conftest) so tests and benchmarks import it safely.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

_COUNTER = itertools.count()


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """A private PostgreSQL cluster; :meth:`new_database` gives each test its own database."""

    def __init__(self) -> None:
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            message = (
                "PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/setup-dev.sh"
            )
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.pg_ctl = pg_ctl
        self.folder = Path(tempfile.mkdtemp(prefix="faasguard-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            os.chmod(self.folder, 0o755)
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            [
                initdb,
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ]
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            [
                pg_ctl,
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._wait()

    def _run(self, argv: list[str]) -> None:
        if self.as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{argv}: {done.returncode}\n{done.stdout}\n{done.stderr}\n{log}")

    def _wait(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(self.url, connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"fg_test_{os.getpid()}_{next(_COUNTER)}"
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        try:
            self._run([self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


class MotoServer:
    """``python -m moto.server`` on a free port of 127.0.0.1: the local AWS emulator."""

    def __init__(self, folder: Path) -> None:
        import importlib.util
        import sys

        if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
            message = "moto[server] is not installed (pip install -e '.[test]')"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.port = _free_port()
        self.log = (folder / f"moto-{self.port}.log").open("w")
        # AWS managed policies are attachable only when moto loads them (as in a real account).
        env = dict(
            os.environ, AWS_DEFAULT_REGION="us-east-1", MOTO_IAM_LOAD_MANAGED_POLICIES="true"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"moto server did not start (log: {self.log.name})"
                    ) from None
                time.sleep(0.2)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        """Forget every resource (moto's reset API), so each test seeds its own account."""
        import urllib.request

        urllib.request.urlopen(
            urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST"), timeout=30
        ).read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
