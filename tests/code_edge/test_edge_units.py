"""Unit checks of the code-edge analyses on small snippets, Python and JavaScript/TypeScript.

Snippets are parsed here the way the code layer parses them (``ast`` and tree-sitter); the
analyses themselves never parse.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest
import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language as TsLanguage
from tree_sitter import Parser

from faasguard.code.edge.js_facts import javascript_facts
from faasguard.code.edge.outbound import egress_of, is_local_host, plaintext_http, tls_disabled
from faasguard.code.edge.py_facts import python_facts
from faasguard.code.edge.secrets import is_excluded_path, secrets_in
from faasguard.code.edge.validation import unvalidated_input
from faasguard.code.edge.values import FileFacts
from faasguard.code.interface import Language
from faasguard.model import EnvVar, Function, Location, Trigger, TriggerKind

_JS = Parser(TsLanguage(tree_sitter_javascript.language()))
_TS = Parser(TsLanguage(tree_sitter_typescript.language_typescript()))


def py(src: str, path: str = "src/app.py") -> FileFacts:
    return python_facts(path, ast.parse(src))


def js(src: str, path: str = "src/app.js") -> FileFacts:
    ts = path.endswith(".ts")
    tree: Any = (_TS if ts else _JS).parse(src.encode())
    return javascript_facts(path, tree, language=Language.TYPESCRIPT if ts else Language.JAVASCRIPT)


def fn(*kinds: TriggerKind, env: dict[str, str] | None = None) -> Function:
    where = Location("template.yaml", 1)
    return Function(
        name="Fn",
        application="app",
        location=where,
        triggers=tuple(Trigger(k, where, internet_reachable=k.is_http) for k in kinds),
        environment=tuple(EnvVar(k, v, where, "function") for k, v in (env or {}).items()),
    )


# ---- TLS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "line", "how"),
    [
        ("import httpx\nc = httpx.Client(verify=False)\n", 2, "`httpx.Client(..., verify=False)`"),
        (
            "import aiohttp\nasync def f(u):\n    async with aiohttp.ClientSession() as s:\n"
            "        await s.get(u, ssl=False)\n",
            4,
            "`aiohttp.ClientSession().get(..., ssl=False)`",
        ),
        (
            "import requests\ns = requests.Session()\ns.verify = False\n",
            3,
            "`requests.Session().verify = False`",
        ),
        (
            "import ssl\nctx = ssl._create_unverified_context()\n",
            2,
            "`ssl._create_unverified_context()` builds a context that checks no certificate",
        ),
        (
            "import urllib3\nhttp = urllib3.PoolManager(cert_reqs='CERT_NONE')\n",
            2,
            "`urllib3.PoolManager(..., cert_reqs=CERT_NONE)`",
        ),
        (
            "from opensearchpy import OpenSearch\nc = OpenSearch(hosts=H, verify_certs=False)\n",
            2,
            "`opensearchpy.OpenSearch(..., verify_certs=False)`",
        ),
    ],
)
def test_python_tls_off(src: str, line: int, how: str) -> None:
    assert [(t.line, t.how) for t in tls_disabled([py(src)])] == [(line, how)]


def test_python_tls_safe_twins() -> None:
    src = (
        "import requests, ssl, aiohttp\n"
        "requests.get('https://a.partner.com', verify='/var/task/ca.pem', timeout=3)\n"
        "ctx = ssl.create_default_context()\n"
        "ctx.check_hostname = True\n"
        "requests.get('https://a.partner.com', verify=True)\n"
        "def f(ssl=False):\n    return ssl\n"
        "f(ssl=False)\n"  # not aiohttp: an unrelated keyword
        "import jwt\n"
        "claims = jwt.decode(token, verify=False)\n"  # a signature check, not TLS (PyJWT 1.x)
    )
    assert tls_disabled([py(src)]) == ()


@pytest.mark.parametrize(
    ("src", "line", "how"),
    [
        (
            "const request = require('request');\nrequest({ url: u, strictSSL: false });\n",
            2,
            "`strictSSL: false` passed to `request`",
        ),
        (
            "import axios from 'axios';\nimport https from 'https';\n"
            "const c = axios.create({ httpsAgent: new https.Agent({ rejectUnauthorized: false }) });\n",
            3,
            "`rejectUnauthorized: false` passed to `https.Agent`",
        ),
        (
            "const tls = require('tls');\nconst opts = { rejectUnauthorized: false };\n"
            "tls.connect(443, 'db.partner.com', opts);\n",
            3,
            "`rejectUnauthorized: false` passed to `tls.connect`",
        ),
    ],
)
def test_javascript_tls_off(src: str, line: int, how: str) -> None:
    assert [(t.line, t.how) for t in tls_disabled([js(src)])] == [(line, how)]


def test_javascript_tls_safe_twin() -> None:
    src = (
        "const https = require('https');\n"
        "const agent = new https.Agent({ rejectUnauthorized: true, ca: CA });\n"
        "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';\n"
    )
    assert tls_disabled([js(src)]) == ()


# ---- plain HTTP and egress ------------------------------------------------------------------


def test_plaintext_ignores_identifiers_and_local_hosts() -> None:
    src = (
        "import requests\n"
        "NS_URL = 'http://www.w3.org/2000/svg'\n"
        "DOCS_URL = 'http://example.com/docs'\n"
        "requests.get('http://localhost:2773/secretsmanager/get')\n"
        "requests.get('http://127.0.0.1:9001/x')\n"
        "requests.get('http://169.254.170.2/v2/credentials')\n"
    )
    assert plaintext_http([py(src)], fn()) == ()


def test_plaintext_http_module_with_host_option() -> None:
    src = (
        "const http = require('http');\nhttp.get({ hostname: 'rates.partner.com', path: '/x' });\n"
    )
    found = plaintext_http([js(src)], fn())
    assert [(p.line, p.url, p.via) for p in found] == [(2, "http://rates.partner.com", "literal")]


def test_egress_resolves_constants_env_defaults_and_unknowns() -> None:
    src = (
        "import os, requests\n"
        "BASE = os.environ.get('RATES_URL', 'https://rates.partner.com')\n"
        "HOOK = 'https://hooks.partner.com/in'\n"
        "def handler(event, context):\n"
        "    requests.post(HOOK, json={})\n"
        "    requests.get(BASE + '/eur')\n"
        "    requests.get(event['url'])\n"
        "    requests.get(os.environ['MISSING_URL'])\n"
        "    requests.get('/relative/path')\n"
    )
    hosts = egress_of([py(src)], fn())
    assert [(h.host, h.scheme, h.line, h.via) for h in hosts] == [
        # Names bound in the same module are read through: the value is the literal.
        ("hooks.partner.com", "https", 5, "literal"),
        ("rates.partner.com", "https", 6, "env:RATES_URL"),
        ("unknown", None, 7, "computed URL"),
        ("unknown", None, 8, "env:MISSING_URL"),
    ]
    # The template's value wins over the code's default.
    hosts = egress_of([py(src)], fn(env={"RATES_URL": "https://eu.rates.partner.com"}))
    assert hosts[1].host == "eu.rates.partner.com"


def test_egress_constant_imported_from_another_module() -> None:
    config = py("import os\nAPI = os.environ['PARTNER_API']\n", "src/config.py")
    handler = py(
        "import requests\nfrom config import API\n"
        "def handler(e, c):\n    return requests.get(f'{API}/v1/items').json()\n"
    )
    hosts = egress_of([handler, config], fn(env={"PARTNER_API": "https://api.partner.com"}))
    assert [(h.host, h.via) for h in hosts] == [
        ("api.partner.com", "constant:API, env:PARTNER_API")
    ]


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("localhost:8080", True),
        ("127.0.0.1:9001", True),
        ("[::1]", True),
        ("169.254.169.254", True),
        ("metadata.google.internal", True),
        ("10.0.0.12", False),
        ("api.partner.com", False),
    ],
)
def test_local_hosts(host: str, local: bool) -> None:
    assert is_local_host(host) is local


# ---- secrets --------------------------------------------------------------------------------


def test_secrets_in_code_known_formats_and_names() -> None:
    src = (
        "AWS_ACCESS_KEY_ID = 'AKIAZ7QWERTYUIOPLKJH'\n"
        "aws_secret = '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'\n"
        "DOC_KEY = 'AKIAIOSFODNN7EXAMPLE'\n"
        "password = 'changeme'\n"
        "def connect(user, signing_key='Xy7#pQ2!mZ9$kL4&'):\n    pass\n"
        "client = Client(api_key='live_9fK2mQ7xZ4pL8rT1')\n"
    )
    found = [(s.line, s.name, s.match.kind, s.match.evidence) for s in secrets_in([py(src)])]
    assert found == [
        (1, "AWS_ACCESS_KEY_ID", "AWS access key id", "AKIA************LKJH"),
        (2, "aws_secret", "AWS secret access key", "wJal************2QaB"),
        (5, "signing_key", "high-entropy value", "********"),
        (7, "api_key", "high-entropy value", "live************8rT1"),
    ]


def test_secrets_in_javascript_object_keys_and_pem() -> None:
    src = (
        "const config = {\n  clientSecret: 'p9Lk2Qz8Wx4Rt7Yv',\n  region: 'eu-west-1',\n};\n"
        "const KEY = `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`;\n"
    )
    found = [(s.line, s.name, s.match.kind) for s in secrets_in([js(src)])]
    assert found == [(2, "clientSecret", "high-entropy value"), (5, "KEY", "private key")]


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("src/app.py", False),
        ("src/handlers/orders.js", False),
        ("node_modules/aws-sdk/lib/config.js", True),
        ("layer/python/lib/python3.12/site-packages/botocore/docs.py", True),
        ("tests/test_app.py", True),
        ("src/app_test.py", True),
        ("src/__tests__/handler.js", True),
        ("src/handler.spec.ts", True),
        ("fixtures/keys.py", True),
        ("src/vendor/lib.js", True),
        ("dist/app.min.js", True),
        ("layers/common/python/common/helpers.py", True),
        ("layers/common/own/helpers.py", False),
    ],
)
def test_excluded_paths(path: str, excluded: bool) -> None:
    assert is_excluded_path(path, ("layers/common",)) is excluded


# ---- input validation -----------------------------------------------------------------------


def test_s3_key_in_a_loop_is_named() -> None:
    src = (
        "def handler(event, context):\n"
        "    for record in event['Records']:\n"
        "        key = record['s3']['object']['key']\n"
        "        print(record['eventName'])\n"
    )
    found = unvalidated_input(fn(TriggerKind.S3), "handler", [py(src)])
    assert found is not None
    assert [(f.path, f.line) for f in found.fields] == [("Records[].s3.object.key", 3)]
    assert found.triggers == (TriggerKind.S3,)


@pytest.mark.parametrize(
    "src",
    [
        "from aws_lambda_powertools.utilities.validation import validator\n"
        "@validator(inbound_schema=SCHEMA)\ndef handler(event, context):\n    return event['body']\n",
        "from aws_lambda_powertools.utilities.parser import event_parser\n"
        "@event_parser(model=Order)\ndef handler(event, context):\n    return event['body']\n",
        "import faasguard_runtime\n"
        "@faasguard_runtime.validate(SCHEMA)\ndef handler(event, context):\n    return event['body']\n",
        "import jsonschema\ndef handler(event, context):\n"
        "    jsonschema.validate(event, SCHEMA)\n    return event['body']\n",
    ],
)
def test_python_validators_clear_it(src: str) -> None:
    assert unvalidated_input(fn(TriggerKind.HTTP_API), "handler", [py(src)]) is None


def test_python_unvalidated_and_trusted_triggers() -> None:
    src = "import json\ndef handler(event, context):\n    return json.loads(event['body'])['qty']\n"
    found = unvalidated_input(fn(TriggerKind.HTTP_API), "handler", [py(src)])
    assert found is not None and [f.path for f in found.fields] == ["body"]
    # A schedule's payload is not attacker-controlled.
    assert unvalidated_input(fn(TriggerKind.SCHEDULE), "handler", [py(src)]) is None
    # Request metadata only.
    meta = "def handler(event, context):\n    return event['requestContext']['requestId']\n"
    assert unvalidated_input(fn(TriggerKind.REST_API), "handler", [py(meta)]) is None


def test_javascript_middy_validator_and_unvalidated_twin() -> None:
    wrapped = (
        "import middy from '@middy/core';\nimport validator from '@middy/validator';\n"
        "const base = async (event) => ({ body: event.body });\n"
        "export const handler = middy(base).use(validator({ eventSchema }));\n"
    )
    assert unvalidated_input(fn(TriggerKind.REST_API), "handler", [js(wrapped)]) is None
    bare = (
        "export const handler = async ({ pathParameters, body }) => {\n"
        "  return { id: pathParameters.id, body };\n};\n"
    )
    found = unvalidated_input(fn(TriggerKind.REST_API), "handler", [js(bare, "src/app.ts")])
    assert found is not None
    assert [(f.path, f.line) for f in found.fields] == [("body", 1), ("pathParameters.id", 2)]


def test_api_gateway_request_validator_counts() -> None:
    from dataclasses import replace

    from faasguard.model import RequestValidation

    src = "def handler(event, context):\n    return event['queryStringParameters']['q']\n"
    base = fn(TriggerKind.REST_API)
    params = RequestValidation(body=False, parameters=True)
    checked = replace(
        base, triggers=tuple(replace(t, request_validation=params) for t in base.triggers)
    )
    assert unvalidated_input(checked, "handler", [py(src)]) is None
    # Parameters are checked but the handler reads the body: still unvalidated.
    body = "def handler(event, context):\n    return event['body']\n"
    found = unvalidated_input(checked, "handler", [py(body)])
    assert found is not None and [f.path for f in found.fields] == ["body"]


def test_egress_follows_the_entry_point_in_a_shared_file() -> None:
    from faasguard.code.edge.entry import entry_facts

    src = (
        "import requests\n"
        "def helper():\n    return requests.get('https://a.partner.com/x')\n"
        "def handler(event, context):\n    return helper()\n"
        "def other(event, context):\n    return requests.get('https://b.partner.com/y')\n"
    )
    facts = [py(src)]
    assert [h.host for h in egress_of(entry_facts(facts, "handler"), fn())] == ["a.partner.com"]
    assert [h.host for h in egress_of(entry_facts(facts, "other"), fn())] == ["b.partner.com"]
    wrapped = (
        "import middy from '@middy/core';\n"
        "const base = async (event) => fetch('https://c.partner.com/z');\n"
        "const unused = async () => fetch('https://d.partner.com/w');\n"
        "export const handler = middy(base);\n"
    )
    hosts = egress_of(entry_facts([js(wrapped)], "handler"), fn())
    assert [h.host for h in hosts] == ["c.partner.com"]


def test_call_graph_sdk_spellings() -> None:
    from faasguard.code.edge.calls import calls_in
    from faasguard.model import AppFormat, Application

    where = Location("serverless.yml", 1)
    caller = Function(
        name="api",
        application="shop",
        location=where,
        environment=(EnvVar("WORKER", "shop-dev-worker", where, "function"),),
    )
    worker = Function(name="worker", application="shop", location=where)
    app = Application(
        name="shop",
        format=AppFormat.SERVERLESS,
        file="serverless.yml",
        root=".",
        stage="dev",
        functions=(caller, worker),
    )
    python = py(
        "import boto3, os\nsession = boto3.Session()\nlam = session.client('lambda')\n"
        "def handler(e, c):\n    lam.invoke(FunctionName=os.environ['WORKER'])\n"
    )
    v2 = js(
        "const AWS = require('aws-sdk');\nconst lambda = new AWS.Lambda();\n"
        "exports.handler = async () => lambda.invoke({ FunctionName: 'shop-dev-worker' }).promise();\n"
    )
    arn = js(
        "import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';\n"
        "const c = new LambdaClient({});\n"
        "export const handler = () => c.send(new InvokeCommand({\n"
        "  FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-worker:live' }));\n"
    )
    found = [
        (call.callee, call.line, call.via)
        for facts in (python, v2, arn)
        for call in calls_in(app, caller, [facts])
    ]
    assert found == [
        ("worker", 5, "env:WORKER"),
        ("worker", 3, "literal"),
        ("worker", 3, "literal"),
    ]


def test_hostile_nesting_does_not_recurse_without_bound() -> None:
    deep_pattern = "export const handler = async (" + "{a:" * 3000 + "b" + "}" * 3000 + ") => b;\n"
    facts = js(deep_pattern)
    assert "handler" in facts.handlers
    long_concat = "const u = " + " + ".join(["'x'"] * 5000) + ";\nfetch(u);\n"
    assert [c.callee for c in js(long_concat).calls] == ["fetch"]
    chain = "import requests\nu = " + " + ".join(["'x'"] * 400) + "\nrequests.get(u)\n"
    assert egress_of([py(chain)], fn())[0].host == "unknown"


def test_plaintext_environment_variable_used_as_a_base_url() -> None:
    from faasguard.code.edge.outbound import plaintext_env

    env = {"PARTNER_API": "http://api.partner.com", "NOTE": "http://wiki.partner.com/x"}
    src = (
        "import os, httpx\n"
        "client = httpx.Client(base_url=os.environ['PARTNER_API'])\n"
        "print(os.environ['NOTE'])\n"
    )
    found = list(plaintext_env(fn(env=env), [py(src)]))
    assert [(name, url) for name, _, url in found] == [("PARTNER_API", "http://api.partner.com")]
    axios = js(
        "const a = require('axios');\nconst c = a.create({ baseURL: process.env.PARTNER_API });\n"
    )
    assert [n for n, _, _ in plaintext_env(fn(env=env), [axios])] == ["PARTNER_API"]


def test_client_base_urls_are_egress() -> None:
    src = (
        "import httpx\n"
        "client = httpx.Client(base_url='https://api.partner.com/v2', timeout=3)\n"
        "def handler(e, c):\n    return client.get('/items').json()\n"
    )
    hosts = egress_of([py(src)], fn())
    assert [(h.host, h.line, h.call) for h in hosts] == [("api.partner.com", 2, "httpx.Client")]


def test_javascript_module_exports_object_handlers() -> None:
    src = (
        "const get = async (event) => event.pathParameters.id;\n"
        "module.exports = {\n"
        "  get,\n"
        "  put: async (event) => JSON.parse(event.body),\n"
        "};\n"
    )
    handlers = js(src).handlers
    assert [(f.path, f.line) for f in handlers["get"].event_fields] == [("pathParameters.id", 1)]
    assert [(f.path, f.line) for f in handlers["put"].event_fields] == [("body", 4)]
