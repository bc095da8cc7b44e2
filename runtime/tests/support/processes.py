"""Start real servers (redis-server, moto) as subprocesses on 127.0.0.1 and free ports."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.certs import CertFiles

START_TIMEOUT = 20.0
REDIS_PASSWORD = "faasguard-test-password"


class ServiceUnavailable(RuntimeError):  # noqa: N818 - a test-helper signal turned into a skip
    """The binary or module needed to run the service is not installed."""


def free_port() -> int:
    """Return a TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(
        f"{process.args!r} did not listen on {port} in {START_TIMEOUT}s:\n{_tail(log)}"
    )


def _tail(log: Path) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    except OSError:
        return "(no log)"


@contextmanager
def _run(
    command: Sequence[str], port: int, log: Path, env: dict[str, str] | None = None
) -> Iterator[None]:
    with log.open("wb") as sink:
        process = subprocess.Popen(
            list(command), stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    try:
        _wait_for_port(process, port, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass(frozen=True)
class RedisServer:
    """A running redis-server."""

    port: int
    password: str
    tls: bool

    def url(self, host: str = "127.0.0.1") -> str:
        """Return the connection URL (``rediss://`` when TLS is on)."""
        scheme = "rediss" if self.tls else "redis"
        return f"{scheme}://:{self.password}@{host}:{self.port}/0"


def redis_binary() -> str:
    """Return the redis-server path.

    Raises:
        ServiceUnavailable: not installed (``.ci/services.sh`` installs it).
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServiceUnavailable("redis-server is not installed (run .ci/services.sh)")
    return binary


@contextmanager
def run_redis(
    directory: Path, *, tls: CertFiles | None = None, ca: Path | None = None
) -> Iterator[RedisServer]:
    """Run redis-server on 127.0.0.1, without persistence, optionally TLS-only.

    Raises:
        ServiceUnavailable: redis-server is missing, or was built without TLS when TLS is asked.
    """
    binary = redis_binary()
    port = free_port()
    command = [
        binary,
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(directory),
        "--requirepass",
        REDIS_PASSWORD,
    ]
    if tls is None:
        command += ["--port", str(port)]
    else:
        assert ca is not None
        command += [
            "--port",
            "0",
            "--tls-port",
            str(port),
            "--tls-cert-file",
            str(tls.cert),
            "--tls-key-file",
            str(tls.key),
            "--tls-ca-cert-file",
            str(ca),
            "--tls-auth-clients",
            "no",
        ]
    log = directory / f"redis-{port}.log"
    try:
        with _run(command, port, log):
            yield RedisServer(port=port, password=REDIS_PASSWORD, tls=tls is not None)
    except RuntimeError as exc:
        if tls is not None and "tls" in str(exc).lower() and "bad directive" in str(exc).lower():
            raise ServiceUnavailable("this redis-server was built without TLS support") from exc
        raise


@dataclass(frozen=True)
class MotoServer:
    """A running moto server (local AWS API emulator)."""

    port: int

    @property
    def endpoint_url(self) -> str:
        """Where boto3 clients should point."""
        return f"http://127.0.0.1:{self.port}"

    def client(self, service: str) -> Any:
        """Return a boto3 client for ``service`` on this server, with dummy credentials."""
        import boto3

        # boto3-stubs types client() by literal service name; this helper takes any name.
        factory: Any = boto3.client
        return factory(
            service,
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@contextmanager
def run_moto(directory: Path) -> Iterator[MotoServer]:
    """Run ``python -m moto.server`` on 127.0.0.1.

    Raises:
        ServiceUnavailable: moto's server extra is not installed.
    """
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        raise ServiceUnavailable("moto[server] is not installed (pip install 'moto[server]')")
    port = free_port()
    log = directory / f"moto-{port}.log"
    env = dict(os.environ, AWS_DEFAULT_REGION="us-east-1")
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with _run(command, port, log, env=env):
        yield MotoServer(port=port)
