"""The safe HTTP client against a real local TLS server and a test CA made for the run."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from faasguard_runtime.events import SecurityEvent
from faasguard_runtime.http import (
    REDACTED,
    CertificateExpired,
    CertificateHostMismatch,
    CertificateUntrusted,
    ConnectionFailed,
    DataMinimisation,
    EgressDenied,
    EgressPolicy,
    HttpTimeout,
    RedirectDenied,
    ResponseInvalid,
    ResponseSchema,
    ResponseTooLarge,
    SafeHttpClient,
    TLSError,
    TooManyRedirects,
)
from support.certs import ONE_DAY, CertFiles, TestCA, self_signed
from support.processes import free_port
from support.tls_server import BIG_BODY_BYTES, OK_BODY, STREAM_MAX_BYTES, TLSServer, serve_tls

OK_BYTES = json.dumps(OK_BODY).encode()


@dataclass(frozen=True)
class Pki:
    ca: TestCA
    valid: CertFiles
    expired: CertFiles
    wrong_host: CertFiles
    self_signed: CertFiles


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    import datetime

    directory = tmp_path_factory.mktemp("pki")
    ca = TestCA(directory)
    now = datetime.datetime.now(datetime.timezone.utc)
    return Pki(
        ca=ca,
        valid=ca.issue("valid"),
        expired=ca.issue("expired", not_before=now - 10 * ONE_DAY, not_after=now - ONE_DAY),
        wrong_host=ca.issue("wrong-host", dns=("wrong.example.com",), ips=("10.9.8.7",)),
        self_signed=self_signed(directory, "self-signed"),
    )


@pytest.fixture(scope="module")
def server(pki: Pki) -> Iterator[TLSServer]:
    with serve_tls(pki.valid) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_server(server: TLSServer) -> None:
    server.reset()


def make_client(pki: Pki, port: int, **options: Any) -> SafeHttpClient:
    policy = EgressPolicy(
        [f"127.0.0.1:{port}", f"localhost:{port}"], ca_file=str(pki.ca.files.cert), **options
    )
    return SafeHttpClient(policy)


# -- TLS verification ---------------------------------------------------------------------------


def test_valid_certificate_succeeds(pki: Pki, server: TLSServer) -> None:
    response = make_client(pki, server.port).get(server.url("/ok"))
    assert (response.status, response.reason) == (200, "OK")
    assert response.body == OK_BYTES
    assert response.json() == OK_BODY
    assert response.header("content-type") == "application/json"
    assert response.url == server.url("/ok")
    [received] = server.requests
    assert (received.method, received.path, received.body) == ("GET", "/ok", b"")
    assert received.headers["user-agent"] == "faasguard-runtime"
    assert received.headers["accept-encoding"] == "identity"
    assert received.headers["host"] == f"127.0.0.1:{server.port}"


def test_valid_certificate_by_dns_name_and_ca_data(pki: Pki, server: TLSServer) -> None:
    client = SafeHttpClient(EgressPolicy([f"localhost:{server.port}"], ca_data=pki.ca.pem))
    assert client.get(server.url("/ok", host="localhost")).json() == OK_BODY


@pytest.mark.parametrize(
    ("leaf", "host", "error", "code"),
    [
        ("expired", "127.0.0.1", CertificateExpired, 10),
        ("wrong_host", "127.0.0.1", CertificateHostMismatch, 64),  # IP_ADDRESS_MISMATCH
        ("wrong_host", "localhost", CertificateHostMismatch, 62),  # HOSTNAME_MISMATCH
        ("self_signed", "127.0.0.1", CertificateUntrusted, 18),  # DEPTH_ZERO_SELF_SIGNED_CERT
    ],
)
def test_bad_certificates_raise_the_exact_error(
    pki: Pki, leaf: str, host: str, error: type[TLSError], code: int
) -> None:
    with serve_tls(getattr(pki, leaf)) as bad:
        with pytest.raises(TLSError) as caught:
            make_client(pki, bad.port).get(bad.url("/ok", host=host))
        assert type(caught.value) is error
        assert caught.value.verify_code == code
        assert bad.requests == []  # the request never left


def test_system_trust_store_does_not_trust_the_test_ca(server: TLSServer) -> None:
    client = SafeHttpClient(EgressPolicy([f"127.0.0.1:{server.port}"]))
    with pytest.raises(TLSError) as caught:
        client.get(server.url("/ok"))
    assert type(caught.value) is CertificateUntrusted
    assert caught.value.verify_code == 20  # UNABLE_TO_GET_ISSUER_CERT_LOCALLY


# -- egress allowlist -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:{port}/ok", "scheme 'http' refused: only https is allowed"),
        ("ftp://127.0.0.1:{port}/ok", "scheme 'ftp' refused: only https is allowed"),
        ("//127.0.0.1:{port}/ok", "scheme '(none)' refused: only https is allowed"),
        ("https://127.0.0.2:{port}/ok", "egress to 127.0.0.2:{port} refused: not in the allowlist"),
        ("https://127.0.0.1/ok", "egress to 127.0.0.1:443 refused: not in the allowlist"),
        (
            "https://u:p@127.0.0.1:{port}/ok",
            "credentials in the URL refused: send them in a header",
        ),
        ("https://127.0.0.1:{port}/o k", "malformed URL: control characters, spaces or non-ASCII"),
        ("https://127.0.0.1:{port}/ok\r\nX: y", "malformed URL: control characters"),
        ("https://127.0.0.1:99999/ok", "malformed URL: invalid port"),
    ],
)
def test_refused_before_any_connection(
    pki: Pki, server: TLSServer, url: str, message: str, security_events: list[SecurityEvent]
) -> None:
    client = make_client(pki, server.port)
    with pytest.raises(EgressDenied) as caught:
        client.get(url.format(port=server.port))
    assert type(caught.value) is EgressDenied
    assert str(caught.value).startswith(message.format(port=server.port))
    assert server.accepted == 0
    [event] = security_events
    assert (event.policy, event.action, event.mode) == ("http", "deny", "block")
    assert event.detail["outcome"] == "EgressDenied"


def test_host_allowed_on_another_port_only_is_refused(pki: Pki, server: TLSServer) -> None:
    client = SafeHttpClient(EgressPolicy(["localhost"], ca_file=str(pki.ca.files.cert)))
    with pytest.raises(EgressDenied, match=f"egress to localhost:{server.port} refused"):
        client.get(server.url("/ok", host="localhost"))
    assert server.accepted == 0


# -- redirects ------------------------------------------------------------------------------------


def test_redirects_are_not_followed_by_default(pki: Pki, server: TLSServer) -> None:
    response = make_client(pki, server.port).get(server.url("/redirect?to=/ok"))
    assert response.status == 302
    assert response.header("Location") == "/ok"
    assert [r.path for r in server.requests] == ["/redirect?to=/ok"]


def test_same_origin_redirect_followed_when_enabled(
    pki: Pki, server: TLSServer, security_events: list[SecurityEvent]
) -> None:
    client = make_client(pki, server.port, follow_redirects=True)
    response = client.get(server.url("/redirect?status=307&to=/ok"))
    assert (response.status, response.json()) == (200, OK_BODY)
    assert response.url == server.url("/ok")
    assert [r.path for r in server.requests] == ["/redirect?status=307&to=/ok", "/ok"]
    [event] = security_events
    assert (event.detail["status"], event.detail["redirects"]) == (200, 1)


def test_redirect_to_another_allowed_host_is_refused(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, follow_redirects=True)
    other = server.url("/ok", host="localhost")  # in the allowlist, but another origin
    with pytest.raises(RedirectDenied) as caught:
        client.get(server.url(f"/redirect?to={other}"))
    assert str(caught.value) == (
        f"redirect from 127.0.0.1:{server.port} to localhost:{server.port} refused: "
        "redirects are followed within the same origin only"
    )
    assert [r.path for r in server.requests] == [f"/redirect?to={other}"]


def test_redirect_to_plain_http_is_refused(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, follow_redirects=True)
    target = f"http://127.0.0.1:{server.port}/ok"
    with pytest.raises(RedirectDenied, match="to plain 'http' refused"):
        client.get(server.url(f"/redirect?to={target}"))
    assert len(server.requests) == 1


def test_303_after_post_becomes_a_get_without_body(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, follow_redirects=True)
    response = client.post(server.url("/redirect?status=303&to=/echo"), json={"a": 1})
    assert response.json() == {"received": 0}
    first, second = server.requests
    assert (first.method, first.body) == ("POST", b'{"a":1}')
    assert (second.method, second.body, second.path) == ("GET", b"", "/echo")
    assert "content-type" not in second.headers


def test_redirect_loop_stops(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, follow_redirects=True, max_redirects=2)
    loop = "/redirect?to=/redirect%3Fto%3D/redirect%253Fto%253D/ok"
    with pytest.raises(TooManyRedirects, match="more than 2 redirects"):
        client.get(server.url(loop))
    assert len(server.requests) == 3


# -- response limits, timeouts, connection errors -------------------------------------------------


def test_announced_oversized_response_is_refused_before_reading(
    pki: Pki, server: TLSServer, security_events: list[SecurityEvent]
) -> None:
    client = make_client(pki, server.port, max_response_bytes=BIG_BODY_BYTES - 1)
    with pytest.raises(ResponseTooLarge) as caught:
        client.get(server.url("/big"))
    assert caught.value.limit == BIG_BODY_BYTES - 1
    assert str(caught.value) == (
        f"response from 127.0.0.1 announces {BIG_BODY_BYTES} bytes, "
        f"over the {BIG_BODY_BYTES - 1}-byte limit"
    )
    [event] = security_events
    assert (event.action, event.mode, event.detail["status"]) == ("abort", "block", 200)


def test_streamed_oversized_response_is_cut_off(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, max_response_bytes=1024 * 1024)
    with pytest.raises(ResponseTooLarge, match="passed the 1048576-byte limit; reading stopped"):
        client.get(server.url("/stream"))
    assert server.stream_aborted.wait(timeout=10)
    assert server.stream_sent < STREAM_MAX_BYTES


@pytest.mark.parametrize(("limit", "fits"), [(len(OK_BYTES), True), (len(OK_BYTES) - 1, False)])
def test_response_limit_boundary(pki: Pki, server: TLSServer, limit: int, fits: bool) -> None:
    client = make_client(pki, server.port, max_response_bytes=limit)
    if fits:
        assert client.get(server.url("/ok")).body == OK_BYTES
    else:
        with pytest.raises(ResponseTooLarge):
            client.get(server.url("/ok"))


def test_read_timeout(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, read_timeout=0.3)
    with pytest.raises(HttpTimeout) as caught:
        client.get(server.url("/slow"))
    assert caught.value.phase == "read"


def test_total_timeout(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, read_timeout=5, total_timeout=0.5)
    with pytest.raises(HttpTimeout) as caught:
        client.get(server.url("/slow"))
    assert caught.value.phase == "total"


@pytest.mark.parametrize("path", ["/trickle", "/trickle-headers"])
def test_total_timeout_holds_while_a_server_trickles_bytes(
    pki: Pki, server: TLSServer, path: str
) -> None:
    # One byte every 0.2 s never trips a 5 s read timeout; the 1 s total deadline must.
    client = make_client(pki, server.port, read_timeout=5, total_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(HttpTimeout) as caught:
        client.get(server.url(path))
    elapsed = time.monotonic() - started
    assert caught.value.phase == "total"
    assert 0.9 <= elapsed < 2.0, elapsed


def test_strict_json_refuses_duplicates_nan_and_deep_nesting() -> None:
    from faasguard_runtime.http import Response

    def reply(body: bytes) -> Response:
        return Response(200, "OK", (), body, "https://api.example.com/x")

    assert reply(b'{"qty": 1.0}').json() == {"qty": 1}
    for body, reason in (
        (b'{"a": 1, "a": 2}', "invalid JSON: duplicate object key"),
        (b'{"a": NaN}', "invalid JSON: NaN is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested too deeply"),
        (b'"\xff"', "not UTF-8"),
    ):
        with pytest.raises(ResponseInvalid) as caught:
            reply(body).json()
        assert str(caught.value).endswith(reason), str(caught.value)


def test_keep_alive_reuses_one_connection_per_origin(pki: Pki) -> None:
    with serve_tls(pki.valid, keep_alive=True) as server:
        client = make_client(pki, server.port)
        for _ in range(3):
            assert client.get(server.url("/ok")).json() == OK_BODY
        assert server.accepted == 1
        # keep_alive=False: one connection per call, as before.
        plain = make_client(pki, server.port, keep_alive=False)
        plain.get(server.url("/ok"))
        plain.get(server.url("/ok"))
        assert server.accepted == 3


def test_connection_closed_while_idle_is_not_reused(pki: Pki) -> None:
    with serve_tls(pki.valid, keep_alive=True) as server:
        client = make_client(pki, server.port)
        client.post(server.url("/echo"), json={"n": 1})
        # The server drops the idle connection (as servers do after their keep-alive timeout).
        ((_, connection),) = client._pool.idle.items()
        connection.sock._sock.shutdown(socket.SHUT_RDWR)
        assert client.post(server.url("/echo"), json={"n": 2}).json() == {"received": 7}
        assert server.accepted == 2


def test_idempotent_request_is_retried_after_503(
    pki: Pki, security_events: list[SecurityEvent]
) -> None:
    with serve_tls(pki.valid, keep_alive=True) as server:
        client = make_client(pki, server.port, retry_backoff=0.01)
        server.fail_next(2)
        assert client.get(server.url("/flaky")).json() == {"flaky": False}
        assert [e.detail["attempts"] for e in security_events] == [3]
        server.fail_next(5)
        assert client.get(server.url("/flaky")).status == 503  # retries=2: three attempts
        server.fail_next(1)
        assert client.post(server.url("/flaky"), json={}).status == 503  # POST: never retried
        assert [e.detail["attempts"] for e in security_events] == [3, 3, 1]


def test_connection_failures_are_retried_within_the_deadline(pki: Pki) -> None:
    port = free_port()  # nothing listens: every attempt is refused
    client = make_client(pki, port, retries=3, retry_backoff=0.01)
    started = time.monotonic()
    with pytest.raises(ConnectionFailed):
        client.get(f"https://127.0.0.1:{port}/ok")
    assert time.monotonic() - started < 1.0


def test_connection_refused(pki: Pki) -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(ConnectionFailed, match=f"connection to 127.0.0.1:{port} failed"):
        make_client(pki, port).get(f"https://127.0.0.1:{port}/ok")


def test_handshake_that_never_completes_is_a_connect_timeout(pki: Pki) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        client = make_client(pki, port, connect_timeout=0.5)
        # The peer accepts TCP (backlog) but never answers the TLS hello.
        with pytest.raises(HttpTimeout) as caught:
            client.get(f"https://127.0.0.1:{port}/ok")
        assert caught.value.phase == "connect"


# -- data minimisation, checked on what the server received ----------------------------------------


def test_default_policy_redacts_card_numbers_in_json(pki: Pki, server: TLSServer) -> None:
    body = {"order": 7, "card": "4111 1111 1111 1111", "ref": "1234567812345678"}
    make_client(pki, server.port).post(server.url("/echo"), json=body)
    [received] = server.requests
    assert json.loads(received.body) == {"order": 7, "card": REDACTED, "ref": "1234567812345678"}
    assert received.headers["content-type"] == "application/json"
    assert received.body == b'{"order":7,"card":"[REDACTED]","ref":"1234567812345678"}'


def test_query_params_and_headers_are_minimised_on_the_wire(pki: Pki, server: TLSServer) -> None:
    rules = DataMinimisation(redact_fields=["email"])
    make_client(pki, server.port, minimisation=rules).get(
        server.url("/echo?email=ada%40example.com"),
        params={"card": "4111 1111 1111 1111", "tags": ["a b", "c"], "n": 2},
        headers={"X-Card": "4111111111111111"},
    )
    [received] = server.requests
    assert received.path == ("/echo?email=%5BREDACTED%5D&card=%5BREDACTED%5D&tags=a%20b&tags=c&n=2")
    assert received.headers["x-card"] == REDACTED


def test_params_are_encoded_and_appended(pki: Pki, server: TLSServer) -> None:
    make_client(pki, server.port).get(server.url("/echo?a=1"), params={"q": "x&y=z", "on": True})
    assert server.requests[0].path == "/echo?a=1&q=x%26y%3Dz&on=true"
    with pytest.raises(ValueError, match="params"):
        make_client(pki, server.port).get(server.url("/echo"), params={"q": {"nested": 1}})


def test_redacted_fields_never_reach_the_server(pki: Pki, server: TLSServer) -> None:
    rules = DataMinimisation(redact_fields=["email", "phone"])
    client = make_client(pki, server.port, minimisation=rules)
    client.post(
        server.url("/echo"),
        json={
            "customer": {"id": 9, "email": "ann@example.com", "phone": "+33 1 23 45 67 89"},
            "note": "card 5555-5555-5555-4444",
        },
    )
    [received] = server.requests
    assert json.loads(received.body) == {
        "customer": {"id": 9, "email": REDACTED, "phone": REDACTED},
        "note": f"card {REDACTED}",
    }
    assert b"ann@example.com" not in received.body


def test_allowlisted_fields_only(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port)
    client.request(
        "PUT",
        server.url("/echo"),
        json={"id": 3, "status": "shipped", "customer": {"name": "Ann"}, "internal": [1, 2]},
        minimisation=DataMinimisation(allow_fields=["id", "status"]),
    )
    [received] = server.requests
    assert (received.method, received.body) == ("PUT", b'{"id":3,"status":"shipped"}')


def test_raw_body_with_field_rules_is_refused(pki: Pki, server: TLSServer) -> None:
    client = make_client(pki, server.port, minimisation=DataMinimisation(redact_fields=["email"]))
    with pytest.raises(EgressDenied, match="cannot be applied to a raw body"):
        client.post(server.url("/echo"), body=b'{"email": "ann@example.com"}')
    assert server.accepted == 0


def test_raw_body_is_sent_as_is_without_field_rules(pki: Pki, server: TLSServer) -> None:
    make_client(pki, server.port).post(server.url("/echo"), body=b"\x00\x01raw")
    assert server.requests[0].body == b"\x00\x01raw"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"headers": {"Host": "evil.example.com"}}, "header 'Host' is set by the client"),
        ({"headers": {"Transfer-Encoding": "chunked"}}, "header 'Transfer-Encoding'"),
        ({"headers": {"Accept-Encoding": "gzip"}}, "Accept-Encoding is fixed to identity"),
        ({"json": {"a": 1}, "body": b"x"}, "pass either json= or body=, not both"),
    ],
)
def test_programming_errors_are_value_errors(
    pki: Pki, server: TLSServer, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make_client(pki, server.port).request("POST", server.url("/echo"), **kwargs)
    assert server.accepted == 0


def test_unknown_method_is_a_value_error(pki: Pki, server: TLSServer) -> None:
    with pytest.raises(ValueError, match="unsupported HTTP method 'TRACE'"):
        make_client(pki, server.port).request("TRACE", server.url("/ok"))


# -- response schema ------------------------------------------------------------------------------

SCHEMA = ResponseSchema(
    {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
    }
)


def test_schema_accepts_a_matching_response(pki: Pki, server: TLSServer) -> None:
    response = make_client(pki, server.port).get(server.url("/ok"), response_schema=SCHEMA)
    assert response.json() == OK_BODY


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/bad-shape", "response does not match its schema: data must contain ['name'] properties"),
        (
            "/not-json",
            "response from {url} is not valid JSON (21 bytes): invalid JSON: Expecting value:"
            " line 1 column 1 (char 0)",
        ),
    ],
)
def test_schema_rejects_other_shapes(
    pki: Pki, server: TLSServer, path: str, message: str, security_events: list[SecurityEvent]
) -> None:
    url = server.url(path)
    with pytest.raises(ResponseInvalid) as caught:
        make_client(pki, server.port).get(url, response_schema=SCHEMA)
    assert str(caught.value) == message.format(url=url)
    [event] = security_events
    assert (event.action, event.mode, event.detail["outcome"]) == (
        "abort",
        "block",
        "ResponseInvalid",
    )


def test_schema_is_not_applied_to_error_statuses(pki: Pki, server: TLSServer) -> None:
    response = make_client(pki, server.port).get(server.url("/status/404"), response_schema=SCHEMA)
    assert (response.status, response.json()) == (404, {"error": "as asked"})


# -- security events ------------------------------------------------------------------------------


def test_every_call_emits_one_event_without_the_body(
    pki: Pki, server: TLSServer, security_events: list[SecurityEvent]
) -> None:
    client = make_client(pki, server.port)
    client.post(server.url("/echo"), json={"secret": "tiger"})
    [event] = security_events
    detail = dict(event.detail)
    duration = detail.pop("duration_ms")
    assert isinstance(duration, float) and duration >= 0
    assert (event.policy, event.action, event.mode) == ("http", "request", "info")
    assert detail == {
        "host": "127.0.0.1",
        "port": server.port,
        "method": "POST",
        "status": 200,
        "bytes_sent": len(b'{"secret":"tiger"}'),
        "bytes_received": len(b'{"received": 18}'),
        "redirects": 0,
        "attempts": 1,
        "outcome": "ok",
    }


def test_event_is_one_json_line_on_stdout(
    pki: Pki, server: TLSServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_client(pki, server.port).post(server.url("/echo?q=tiger"), json={"secret": "tiger"})
    line = capsys.readouterr().out
    assert line.count("\n") == 1
    record = json.loads(line)
    assert (record["faasguard_event"], record["action"], record["detail"]["status"]) == (
        "http",
        "request",
        200,
    )
    assert "tiger" not in line  # neither the body nor the query string


def test_tls_failure_event(pki: Pki, security_events: list[SecurityEvent]) -> None:
    with serve_tls(pki.expired) as bad, pytest.raises(CertificateExpired):
        make_client(pki, bad.port).get(bad.url("/ok"))
    [event] = security_events
    assert (event.action, event.mode) == ("tls", "block")
    assert {k: v for k, v in event.detail.items() if k != "duration_ms"} == {
        "host": "127.0.0.1",
        "port": bad.port,
        "method": "GET",
        "status": None,
        "bytes_sent": 0,
        "bytes_received": 0,
        "redirects": 0,
        "attempts": 1,
        "outcome": "CertificateExpired",
    }


def test_ca_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        SafeHttpClient(EgressPolicy(["a.example.com"], ca_file=str(tmp_path / "missing.pem")))
