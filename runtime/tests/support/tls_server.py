"""A real HTTPS server on 127.0.0.1 (threaded ``http.server`` + ``ssl``) for the client tests.

It records what it received (method, path, headers, body) so tests can assert on what actually
crossed the wire, counts accepted TCP connections (to prove a refused request never connected),
and serves a few fixed routes:

``/ok``            200, ``{"id": 1, "name": "widget"}``
``/bad-shape``     200, ``{"id": "one"}``
``/not-json``      200, ``text/plain``
``/echo``          200, ``{"received": <bytes of request body>}``
``/status/<n>``    status ``n`` with a small JSON body
``/big``           200 with ``Content-Length`` of ``BIG_BODY_BYTES``
``/stream``        200 without ``Content-Length``, streaming until the client hangs up
``/slow``          waits ``SLOW_SECONDS`` before answering
``/trickle``       200 whose 40-byte body comes one byte every 0.2 s
``/trickle-headers`` a status line and headers sent one byte every 0.2 s
``/redirect``      ``?status=302&to=<url>``: a redirect to ``to``
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from support.certs import CertFiles

BIG_BODY_BYTES = 2 * 1024 * 1024
STREAM_CHUNK = 64 * 1024
STREAM_MAX_BYTES = 256 * 1024 * 1024
SLOW_SECONDS = 3.0
TRICKLE_BYTES = 40
TRICKLE_INTERVAL = 0.2
OK_BODY = {"id": 1, "name": "widget"}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext, handler: type[BaseHTTPRequestHandler]) -> None:
        self.context = context
        self.requests: list[RecordedRequest] = []
        self.accepted = 0
        self.stream_sent = 0
        self.stream_aborted = threading.Event()
        self.lock = threading.Lock()
        self.flaky = 0  # how many more /flaky requests answer 503
        super().__init__(("127.0.0.1", 0), handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        raw, address = self.socket.accept()
        with self.lock:
            self.accepted += 1
        # Handshake lazily, in the handler thread: a client that rejects our certificate must not
        # stall or kill the accept loop.
        wrapped = self.context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        return wrapped, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Failed handshakes are what several tests provoke on purpose; stay quiet.
        return


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _record(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.requests.append(
                RecordedRequest(
                    method=self.command,
                    path=self.path,
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=body,
                )
            )
        return body

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _dispatch(self) -> None:
        body = self._record()
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        route = url.path
        if route == "/ok":
            self._send_json(200, OK_BODY)
        elif route == "/bad-shape":
            self._send_json(200, {"id": "one"})
        elif route == "/not-json":
            data = b"<html>not json</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif route == "/echo":
            self._send_json(200, {"received": len(body)})
        elif route.startswith("/status/"):
            self._send_json(int(route.rsplit("/", 1)[1]), {"error": "as asked"})
        elif route == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(BIG_BODY_BYTES))
            self.end_headers()
            self.wfile.write(b"x" * BIG_BODY_BYTES)
        elif route == "/stream":
            self._stream()
        elif route == "/slow":
            time.sleep(SLOW_SECONDS)
            self._send_json(200, OK_BODY)
        elif route == "/trickle":
            # A body of 40 bytes sent one byte every 0.2 s (8 s in all): each byte resets a
            # socket timeout, so only a deadline over the whole read stops it.
            self.send_response(200)
            self.send_header("Content-Length", str(TRICKLE_BYTES))
            self.end_headers()
            self.wfile.flush()
            self._trickle(b"x" * TRICKLE_BYTES)
        elif route == "/trickle-headers":
            self._trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * TRICKLE_BYTES + b"\r\n\r\n")
        elif route == "/flaky":
            with self.server.lock:
                failing = self.server.flaky > 0
                self.server.flaky -= 1
            self._send_json(503 if failing else 200, {"flaky": failing})
        elif route == "/redirect":
            self.send_response(int(query.get("status", ["302"])[0]))
            self.send_header("Location", query["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send_json(404, {"error": "no such route"})

    def _trickle(self, data: bytes) -> None:
        try:
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                time.sleep(TRICKLE_INTERVAL)
        except OSError:
            return

    def _stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        chunk = b"y" * STREAM_CHUNK
        try:
            while self.server.stream_sent < STREAM_MAX_BYTES:
                self.wfile.write(chunk)
                self.wfile.flush()
                self.server.stream_sent += len(chunk)
        except OSError:
            self.server.stream_aborted.set()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch  # noqa: N815


class TLSServer:
    """A running server and what it saw."""

    def __init__(self, server: _Server) -> None:
        self._server = server

    @property
    def port(self) -> int:
        """The TCP port on 127.0.0.1."""
        return int(self._server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        """Return ``https://host:port/path``."""
        return f"https://{host}:{self.port}{path}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Requests received so far."""
        with self._server.lock:
            return list(self._server.requests)

    @property
    def accepted(self) -> int:
        """TCP connections accepted so far."""
        with self._server.lock:
            return self._server.accepted

    @property
    def stream_aborted(self) -> threading.Event:
        """Set when the client hung up in the middle of ``/stream``."""
        return self._server.stream_aborted

    @property
    def stream_sent(self) -> int:
        """Bytes ``/stream`` managed to write before the client hung up."""
        return self._server.stream_sent

    def fail_next(self, count: int) -> None:
        """Make the next ``count`` requests to ``/flaky`` answer 503."""
        with self._server.lock:
            self._server.flaky = count

    def reset(self) -> None:
        """Forget recorded requests and counters."""
        with self._server.lock:
            self._server.requests.clear()
            self._server.accepted = 0
            self._server.stream_sent = 0
            self._server.stream_aborted.clear()


class _KeepAliveHandler(_Handler):
    # HTTP/1.1: connections stay open between requests (every route but /stream and the trickles
    # sends a Content-Length).
    protocol_version = "HTTP/1.1"


@contextmanager
def serve_tls(cert: CertFiles, *, keep_alive: bool = False) -> Iterator[TLSServer]:
    """Serve HTTPS with ``cert`` on 127.0.0.1 and a free port until the block ends.

    ``keep_alive`` answers in HTTP/1.1 and keeps connections open; by default the server speaks
    HTTP/1.0 and closes each connection after its response.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certfile=str(cert.cert), keyfile=str(cert.key))
    server = _Server(context, _KeepAliveHandler if keep_alive else _Handler)
    thread = threading.Thread(target=server.serve_forever, name="tls-test-server", daemon=True)
    thread.start()
    try:
        yield TLSServer(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
