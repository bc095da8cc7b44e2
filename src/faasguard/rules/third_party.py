"""Third-party service rules (FG5xxx): how a function's code talks to services outside AWS.

Most of these rules read the function's code, which a rule never does (rules see the model
only): the code-edge analyzer (:mod:`faasguard.code.edge.analyzer`) creates their findings, and
the classes here give each finding its id, severity, category and documentation, as the
dependency rules do. The environment-variable check needs only the model and is an ordinary
function rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.findings import Confidence, Finding, Severity
from faasguard.model import Function
from faasguard.rules.interface import FunctionRule, Rule, RuleContext, ToolRule

__all__ = [
    "RULES",
    "PlaintextHttp",
    "TlsVerifyDisabled",
    "TlsVerifyDisabledInEnvironment",
    "UnvalidatedResponse",
]


class TlsVerifyDisabled(ToolRule):
    """The function's code turns off TLS certificate verification for outbound calls.

    ## What it does
    Reads the function's own code (its handler and the project modules it imports; vendored
    libraries, tests and fixtures excluded) for: `verify=False` on `requests`/`httpx` calls and
    clients, `session.verify = False`, aiohttp's `ssl=False`/`verify_ssl=False`,
    `ssl._create_unverified_context()`, `ctx.check_hostname = False`,
    `ctx.verify_mode = ssl.CERT_NONE`, urllib3's `cert_reqs="CERT_NONE"`, and in JavaScript and
    TypeScript `rejectUnauthorized: false` (an `https.Agent`, `tls.connect`, axios or got
    options), `strictSSL: false` and `process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"`. When the
    same file silences urllib3's warning (`urllib3.disable_warnings`), the finding says so.

    ## Why is this bad?
    Without certificate checks anyone on the network path (a compromised NAT, a hostile DNS
    answer, a proxy) can read and change the traffic: API keys sent to the partner, and the
    responses the function trusts. Lambda functions in a VPC reach the internet through shared
    infrastructure, and these settings usually outlive the debugging session that added them.

    ## Example
    ```python
    requests.post(PARTNER_URL, json=order, verify=False)
    ```

    ## Use instead
    ```python
    requests.post(PARTNER_URL, json=order, timeout=5)  # verify=True is the default
    # a private CA: verify="/var/task/certs/partner-ca.pem"
    ```

    ## References
    - requests, SSL Cert Verification:
      https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification
    - Node.js `tls.connect` `rejectUnauthorized`: https://nodejs.org/api/tls.html
    - CWE-295: Improper Certificate Validation
    """

    id = "FG5001"
    name = "tls-verify-disabled"
    category = "third-party.tls-verify-disabled"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-295"
    title = "TLS certificate verification turned off in code"


class PlaintextHttp(ToolRule):
    """The function's code sends requests over plain HTTP to a host that is not local.

    ## What it does
    Reports an outbound call (`requests`, `httpx`, `urllib`, `urllib3`, `aiohttp`,
    `http.client`; `fetch`, `axios`, `got`, `superagent`, `http.request`...) whose URL is
    `http://` to a host other than `localhost`, a loopback or link-local address, after
    following module constants, f-strings, template literals, concatenation and environment
    variables whose values the template sets. A string stored under a URL-like name
    (`PARTNER_URL`, `baseURL`, `endpoint`, `webhook`) holding such a URL is reported too, and so
    is a function environment variable holding one when the code reads it. XML namespace and
    schema identifiers (`http://www.w3.org/...`) and the documentation domains
    (`example.com`) are never reported.

    ## Why is this bad?
    Plain HTTP has no confidentiality and no integrity: credentials in headers, personal data in
    bodies and the responses the function acts on can be read or changed by anyone on the path.

    ## Example
    ```javascript
    const res = await fetch(`http://api.partner.com/v1/orders/${id}`);
    ```

    ## Use instead
    ```javascript
    const res = await fetch(`https://api.partner.com/v1/orders/${id}`);
    ```

    ## References
    - OWASP ASVS V9.1: Client Communication Security
    - CWE-319: Cleartext Transmission of Sensitive Information
    """

    id = "FG5002"
    name = "plaintext-http"
    category = "third-party.plaintext-http"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = "CWE-319"
    title = "Outbound call over plain HTTP"


class UnvalidatedResponse(ToolRule):
    """A third party's response flows into a sensitive sink, or back to the caller, unchecked.

    ## What it does
    Follows the body of an outbound response (`requests.get(...).json()`, `.text`, `.content`,
    `urlopen(...).read()`, `await fetch(...).json()`, axios `.data`) like event data, through
    the taint analysis (`docs/rules/code.md`): a flow into any code sink (a query, a shell, a
    file path, a template, a deserializer, an HTML response) or into the handler's return value
    with no validator or sanitizer on the way is reported at the sink, with its trace.

    ## Why is this bad?
    A partner API is not your code: when it is compromised, misconfigured or impersonated, what
    it returns becomes an injection into every function that trusts it. Data from a third party
    deserves the same validation as data from a user.

    ## Example
    ```python
    rate = requests.get(RATES_URL, timeout=5).json()["eur"]
    db.execute(f"UPDATE prices SET eur = {rate}")
    ```

    ## Use instead
    ```python
    rate = Rates.model_validate(requests.get(RATES_URL, timeout=5).json()).eur
    db.execute("UPDATE prices SET eur = ?", (rate,))
    ```

    ## References
    - OWASP API Security Top 10 2023, API10: Unsafe Consumption of APIs
    - CWE-20: Improper Input Validation
    """

    id = "FG5003"
    name = "unvalidated-response"
    category = "third-party.unvalidated-response"
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    cwe = "CWE-20"
    title = "Third-party response used without validation"


class TlsVerifyDisabledInEnvironment(FunctionRule):
    """A function's environment turns off TLS verification for every Node.js connection.

    ## What it does
    Reports a function whose environment sets `NODE_TLS_REJECT_UNAUTHORIZED` to `0` (in the
    function, or inherited from `provider.environment` / `Globals`).

    ## Why is this bad?
    Node.js then accepts any certificate on every TLS connection the process makes: the AWS SDK's
    calls, database drivers and partner APIs alike. Node.js prints a warning once, in logs
    nobody reads.

    ## Example
    ```yaml
    environment:
      NODE_TLS_REJECT_UNAUTHORIZED: "0"
    ```

    ## Use instead
    Remove the variable. For a private certificate authority, ship its certificate and set
    `NODE_EXTRA_CA_CERTS: /var/task/certs/ca.pem`.

    ## References
    - Node.js, `NODE_TLS_REJECT_UNAUTHORIZED`:
      https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue
    - CWE-295: Improper Certificate Validation
    """

    id = "FG5004"
    name = "tls-verify-disabled-in-environment"
    category = "third-party.tls-verify-disabled"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-295"
    title = "NODE_TLS_REJECT_UNAUTHORIZED=0 in a function's environment"

    def check(self, fn: Function, ctx: RuleContext) -> Iterator[Finding]:
        """Yield one finding when the variable is set to ``0`` (resolved values only)."""
        var = fn.env("NODE_TLS_REJECT_UNAUTHORIZED")
        if var is None or not isinstance(var.value, str) or var.value.strip() != "0":
            return
        yield self.finding(
            ctx,
            message=(
                f"Function `{fn.name}` sets NODE_TLS_REJECT_UNAUTHORIZED=0 (from `{var.origin}`): "
                "Node.js accepts any certificate on every TLS connection it makes."
            ),
            location=var.location,
            function=fn.name,
            resource=fn.resource_id,
            evidence="NODE_TLS_REJECT_UNAUTHORIZED=0",
            remediation=(
                "Remove NODE_TLS_REJECT_UNAUTHORIZED from the environment; for a private CA "
                "ship its certificate and set NODE_EXTRA_CA_CERTS to its path."
            ),
        )


RULES: tuple[type[Rule], ...] = (
    TlsVerifyDisabled,
    PlaintextHttp,
    UnvalidatedResponse,
    TlsVerifyDisabledInEnvironment,
)
