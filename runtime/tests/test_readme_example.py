"""The README's handler, run for real: shield, validation, TLS client, encrypted cache, events.

It runs in a fresh interpreter (the shield's audit hook cannot be removed) against a local TLS
server that plays the payment provider and records what it received.
"""

import json
import re
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from faasguard_runtime.cache import generate_key_entry
from support.certs import TestCA

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "order_handler.py"
README = Path(__file__).resolve().parents[1] / "README.md"

DRIVER = """
import json, sys, types
sys.path.insert(0, sys.argv[1])
import order_handler
ctx = types.SimpleNamespace(aws_request_id="req-1", function_name="orders")
def http_event(body):
    return {"version": "2.0", "routeKey": "POST /orders", "rawPath": "/orders",
            "headers": {"content-type": "application/json"},
            "requestContext": {"http": {"method": "POST", "path": "/orders"}},
            "body": body, "isBase64Encoded": False}
order = json.dumps({"sku": "SKU-1", "qty": 2, "email": "ann@example.com"})
results = [order_handler.handler(http_event(order), ctx),
           order_handler.handler(http_event(order), ctx),
           order_handler.handler(http_event('{"sku": "x; rm -rf /", "qty": 2}'), ctx)]
sys.stderr.write(json.dumps(results))
"""


class _Payments(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        data = json.dumps({"id": "ch_123", "status": "succeeded"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def payments(tmp_path):
    ca = TestCA(tmp_path)
    leaf = ca.issue("payments")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(leaf.cert, leaf.key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Payments)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    _Payments.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(ca.pem)
    yield server.server_address[1], ca_file
    server.shutdown()


def test_readme_shows_the_example_file_verbatim():
    code = EXAMPLE.read_text()
    body = code.split('"""', 2)[2].lstrip("\n")  # the example without its module docstring
    block = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    assert block == body


def test_the_readme_handler_end_to_end(payments, tmp_path):
    port, ca_file = payments
    env = {
        "PATH": "/usr/bin:/bin",
        "PAYMENTS_HOST": f"127.0.0.1:{port}",
        "PAYMENTS_URL": f"https://127.0.0.1:{port}/v1/charges",
        "PAYMENTS_CA_FILE": str(ca_file),
        "FAASGUARD_CACHE_KEYS": generate_key_entry("k1"),
        "AWS_LAMBDA_FUNCTION_NAME": "orders",
        "PYTHONPATH": ":".join(sys.path),
    }
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(EXAMPLE.parent)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    first, second, bad = json.loads(proc.stderr.splitlines()[-1])
    expected = {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": '{"charge": "ch_123", "status": "succeeded"}',
    }
    assert first == expected
    assert second == expected  # from the encrypted cache: the provider was called once
    assert _Payments.received == [{"sku": "SKU-1", "qty": 2}]  # the e-mail never left
    assert bad["statusCode"] == 400
    assert "rm -rf" not in bad["body"] and "Traceback" not in bad["body"]
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    kinds = [(e["policy"], e["action"]) for e in events]
    assert ("orders", "charged") in kinds
    charged = next(e for e in events if e["policy"] == "orders")
    assert charged["request_id"] == "req-1"
    assert charged["function_name"] == "orders"
    assert any(e["policy"] == "http" and e["detail"].get("status") == 200 for e in events)
    assert any(e["policy"] == "validate" for e in events)
