"""Local stand-ins for where AWS keeps deployment packages, reached over a real network path.

`GetFunction` answers a presigned HTTPS URL on an S3 host (moto 5.2.6:
``https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/{S3Key}``). The tests reach it
the way a company network does: through an HTTP ``CONNECT`` proxy (``HTTPS_PROXY``), to an
HTTPS server whose certificate, for those S3 host names, is signed by a CA made here and
trusted only through ``AWS_CA_BUNDLE``. faasguard's downloader runs unchanged: real TLS
verification, real proxy handling, real sockets.
"""

from __future__ import annotations

import contextlib
import http.server
import select
import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Host names the certificate covers: the function package host moto names and a layer host
#: of the shape AWS uses.
HOSTS = (
    "*.s3.us-east-1.amazonaws.com",
    "awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com",
    "prod-iad-c1-djusa-layers.s3.us-east-1.amazonaws.com",
)
LAYER_HOST = "prod-iad-c1-djusa-layers.s3.us-east-1.amazonaws.com"
_RUNTIME_TESTS = Path(__file__).resolve().parents[2] / "runtime" / "tests"


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA (its bundle file) and a server certificate and key for :data:`HOSTS`.

    Issued by the runtime tests' test CA (``runtime/tests/support/certs.py``), one CA helper for
    the whole repository.
    """
    if str(_RUNTIME_TESTS) not in sys.path:
        sys.path.insert(0, str(_RUNTIME_TESTS))
    from support.certs import TestCA

    ca = TestCA(folder)
    leaf = ca.issue("server", dns=HOSTS, ips=())
    return ca.files.cert, leaf.cert, leaf.key


@dataclass
class Served:
    """What the package host answers for one path.

    Attributes:
        body: the bytes sent.
        status: the HTTP status.
        length: the ``Content-Length`` declared (None: the body's; -1: none, the body is sent
            until the connection closes).
    """

    body: bytes
    status: int = 200
    length: int | None = None


@dataclass
class PackageHost:
    """An HTTPS server on 127.0.0.1 answering GETs from :attr:`objects`.

    A path maps to one answer, or to a list answered in turn (the last one then repeats): a
    URL that has expired (403) and works again once renewed.
    """

    cert: Path
    key: Path
    objects: dict[str, Served | list[Served]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                host.requests.append((self.headers.get("Host", ""), path))
                answer = host.answer(path)
                self.send_response(answer.status)
                if answer.length != -1:
                    length = len(answer.body) if answer.length is None else answer.length
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                # The client may hang up first (a size it refused).
                with contextlib.suppress(OSError):
                    self.wfile.write(answer.body)

            def log_message(self, *args: Any) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert), str(self.key))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path: str) -> Served:
        """What to send for ``path`` now."""
        found = self.objects.get(path, Served(b"<Error>NoSuchKey</Error>", status=404))
        if isinstance(found, list):
            return found.pop(0) if len(found) > 1 else found[0]
        return found

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ConnectProxy:
    """An HTTP ``CONNECT`` proxy on 127.0.0.1 that tunnels every request to one local port.

    It records each host asked for, so a test can tell that nothing was downloaded.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.hosts: list[str] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, *_ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
                return
            self.hosts.append(target.rsplit(":", 1)[0])
            with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                for _ in _pump(client, upstream):
                    pass

    def stop(self) -> None:
        self._stop.set()
        self.listener.close()
        self.thread.join(timeout=5)


def _pump(a: socket.socket, b: socket.socket) -> Iterator[int]:
    """Copy bytes both ways until one side closes."""
    peers = {a: b, b: a}
    while True:
        ready, _, _ = select.select([a, b], [], [], 30)
        if not ready:
            return
        for sock in ready:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            peers[sock].sendall(data)
            yield len(data)
