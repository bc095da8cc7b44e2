"""A local HTTP proxy in front of the AWS emulator that throttles every K-th request.

It stands in for a real account under load: the request goes nowhere and the answer is the
throttling error AWS sends for that service, in the request's protocol (so botocore's parser
sees what a real throttled call returns). The protocol is read from the request itself: a
service model may list several and the client picks one. Every other request is forwarded
unchanged to the emulator. Used by ``bench_live.py --throttle-every K``.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

_SCOPE: Final = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    assert len(data) < 256
    return (bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])) + data


def request_protocol(headers: dict[str, str], service: str) -> str:
    """The wire protocol of a request, as the client chose it (a model may list several)."""
    lower = {k.lower(): v for k, v in headers.items()}
    if service == "s3":
        return "rest-xml"
    if lower.get("smithy-protocol") == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if "x-amz-target" in lower:
        return "json"
    if lower.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return "query"
    return "rest-json"


def throttled_response(protocol: str, service: str) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and body AWS sends when it throttles a call of ``service``."""
    if protocol == "rest-xml":
        body = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>"
        return 503, {"Content-Type": "application/xml"}, body
    if protocol == "query":
        body = (
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
            b"<Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>"
        )
        return 400, {"Content-Type": "text/xml"}, body
    if protocol == "smithy-rpc-v2-cbor":
        body = b"\xa2" + _cbor_text("__type") + _cbor_text("Throttling")
        body += _cbor_text("message") + _cbor_text("Rate exceeded")
        return 400, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, body
    code = (
        "TooManyRequestsException" if service in ("lambda", "apigateway") else "ThrottlingException"
    )
    body = json.dumps({"__type": code, "message": "Rate exceeded"}).encode()
    status = 429 if service in ("lambda", "apigateway") else 400
    return status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body


class ThrottlingProxy:
    """Forward to ``upstream`` (host, port); answer every ``every``-th request with throttling."""

    def __init__(self, upstream: tuple[str, int], every: int) -> None:
        self.upstream = upstream
        self.every = every
        self.requests = 0
        self.throttled: dict[str, int] = {}
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                match = _SCOPE.search(self.headers.get("Authorization", ""))
                service = match.group(1) if match else "s3"
                with proxy._lock:
                    proxy.requests += 1
                    throttle = proxy.requests % proxy.every == 0
                    if throttle:
                        proxy.throttled[service] = proxy.throttled.get(service, 0) + 1
                if throttle:
                    status, headers, payload = throttled_response(
                        request_protocol(dict(self.headers.items()), service), service
                    )
                else:
                    status, headers, payload = proxy._forward(
                        self.command, self.path, dict(self.headers.items()), body
                    )
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            # http.server dispatches on these names.
            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
