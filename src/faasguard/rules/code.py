"""Code rules (FG2xxx): event data reaching a dangerous call in the function's own code.

These rules have no ``check`` over the model: the code analyzer (:mod:`faasguard.code.analyzer`)
follows attacker-controlled event fields through the handler and the project's own modules with
the taint engine (:mod:`faasguard.code.taint`) and creates their findings, each with the source
(trigger and event field) and the trace from source to sink. Which calls are sinks, sanitizers
and validators is data: :mod:`faasguard.code.models` (documented in ``docs/rules/code.md``).
"""

from __future__ import annotations

from typing import ClassVar

from faasguard.findings import Confidence, Severity
from faasguard.rules.interface import Rule, ToolRule

__all__ = [
    "RULES",
    "CodeInjection",
    "CodeRule",
    "CommandInjection",
    "Deserialization",
    "NosqlInjection",
    "PathTraversal",
    "SqlInjection",
    "Ssrf",
    "TemplateInjection",
    "Xss",
    "Xxe",
    "rule_for_category",
]


class CodeRule(ToolRule):
    """Base of the code rules: metadata plus the remediation every finding of the rule carries."""

    remediation: ClassVar[str]


class CommandInjection(CodeRule):
    """Event data reaches a shell command.

    ## What it does
    Reports a flow from an attacker-controlled event field (per the function's triggers) to a
    call that runs a shell: `subprocess` with `shell=True` or `["sh", "-c", ...]`,
    `os.system`, `os.popen`, `commands.*`; `child_process.exec`/`execSync`, `spawn` with
    `shell: true`.

    ## Why is this bad?
    Shell metacharacters in the data (`;`, `|`, `$(...)`) run the attacker's commands with the
    function's role: they can read its environment (credentials included) and call AWS with
    its permissions.

    ## Example
    ```python
    def handler(event, context):
        name = event["queryStringParameters"]["file"]
        subprocess.run(f"convert {name} out.png", shell=True)
    ```

    ## Use instead
    ```python
    subprocess.run(["convert", name, "out.png"], check=True)   # no shell
    ```
    Pass an argument list without a shell; if a shell is unavoidable, quote with `shlex.quote`.

    ## References
    - OWASP: OS Command Injection Defense Cheat Sheet
    - CWE-78: Improper Neutralization of Special Elements used in an OS Command
    """

    id = "FG2001"
    name = "command-injection"
    category = "code.command-injection"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = "CWE-78"
    title = "Event data reaches a shell command"
    remediation = (
        "Run the program with an argument list and no shell (`subprocess.run([...])`, "
        "`execFile`/`spawn` without `shell`); if a shell is unavoidable, quote every value "
        "with `shlex.quote` and validate it against an allowlist first."
    )


class SqlInjection(CodeRule):
    """Event data is built into a SQL query.

    ## What it does
    Reports a flow from an event field into the query string of a DB-API `execute`
    (sqlite3, pymysql, psycopg, mysql-connector), SQLAlchemy `text`, the RDS/Redshift Data
    API or Athena; node `mysql`/`mysql2`/`pg` `query`, `knex.raw`, `sequelize.query`.

    ## Why is this bad?
    The attacker rewrites the query: reads other users' rows, bypasses a login check, or
    drops tables, with the database user's rights.

    ## Example
    ```python
    cur.execute(f"SELECT * FROM users WHERE name = '{event['pathParameters']['name']}'")
    ```

    ## Use instead
    ```python
    cur.execute("SELECT * FROM users WHERE name = %s", (name,))
    ```

    ## References
    - OWASP: Query Parameterization Cheat Sheet
    - CWE-89: Improper Neutralization of Special Elements used in an SQL Command
    """

    id = "FG2002"
    name = "sql-injection"
    category = "code.sql-injection"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-89"
    title = "Event data is built into a SQL query"
    remediation = (
        "Use a parameterised query: keep the SQL a constant string and pass the values as "
        "parameters (`execute(sql, (value,))`, `query(sql, [value])`, `bindparams`)."
    )


class NosqlInjection(CodeRule):
    """Event data is built into a NoSQL query or expression.

    ## What it does
    Reports DynamoDB `FilterExpression`/`KeyConditionExpression`/`ScanFilter` strings built
    from input, PartiQL `execute_statement` with a built statement, and MongoDB query objects
    taken whole from input or with a `$where` clause built from it.

    ## Why is this bad?
    The attacker changes what the query matches (all items instead of theirs), reads
    attributes they should not see, or runs JavaScript in the database (`$where`).

    ## Example
    ```python
    table.scan(FilterExpression=f"owner = {event['queryStringParameters']['owner']}")
    ```

    ## Use instead
    ```python
    table.scan(FilterExpression=Attr("owner").eq(owner))
    ```
    Use condition builders or expression attribute values (`:v`), never string building.

    ## References
    - OWASP: Testing for NoSQL Injection
    - CWE-943: Improper Neutralization of Special Elements in Data Query Logic
    """

    id = "FG2003"
    name = "nosql-injection"
    category = "code.nosql-injection"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-943"
    title = "Event data is built into a NoSQL query"
    remediation = (
        "Build DynamoDB expressions with `boto3.dynamodb.conditions` (`Key`, `Attr`) or "
        "expression attribute values, PartiQL with `?` parameters, and MongoDB filters field "
        "by field from validated values, never from an object taken whole from the request."
    )


class CodeInjection(CodeRule):
    """Event data is evaluated as code.

    ## What it does
    Reports flows into `eval`, `exec`, `compile`, `__import__`/`importlib.import_module`;
    `eval`, `new Function`, `vm.run*`, `setTimeout`/`setInterval` with a string.

    ## Why is this bad?
    The attacker runs arbitrary code in the function, with its role and its secrets.

    ## Example
    ```python
    result = eval(event["body"])
    ```

    ## Use instead
    ```python
    result = ast.literal_eval(event["body"])    # or json.loads
    ```

    ## References
    - OWASP: Code Injection
    - CWE-94: Improper Control of Generation of Code
    """

    id = "FG2004"
    name = "code-injection"
    category = "code.code-injection"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = "CWE-94"
    title = "Event data is evaluated as code"
    remediation = (
        "Never evaluate input: parse data with `json.loads`/`ast.literal_eval`/`JSON.parse`, "
        "and map names to functions or modules through a fixed dictionary."
    )


class TemplateInjection(CodeRule):
    """Event data is compiled as a template.

    ## What it does
    Reports flows into a template's *source*: Jinja2 `Template(...)`, `from_string`,
    Flask `render_template_string`, Mako `Template`; dust, handlebars, ejs or pug compiling input.

    ## Why is this bad?
    Template languages reach Python/JavaScript objects: `{{ ''.__class__.__mro__ }}` leads to
    code execution in the function.

    ## Example
    ```python
    return render_template_string("<h1>Hello " + request.args["name"] + "</h1>")
    ```

    ## Use instead
    ```python
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args["name"])
    ```

    ## References
    - PortSwigger: Server-side template injection
    - CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine
    """

    id = "FG2005"
    name = "template-injection"
    category = "code.template-injection"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-1336"
    title = "Event data is compiled as a template"
    remediation = (
        "Keep template sources constant and pass input as template variables (rendered with "
        "autoescaping), never as part of the template text."
    )


class PathTraversal(CodeRule):
    """Event data decides a file path.

    ## What it does
    Reports flows into `open`, `os.*` and `shutil.*` file operations, `send_file`,
    `pathlib.Path`, `fs.*`, and archive extraction (`tarfile`/`zipfile` `extractall`)
    of an archive from input without a member check.

    ## Why is this bad?
    `../` in the value reads or overwrites files outside the intended folder: the function's
    code, `/proc/self/environ` (its credentials), or other tenants' files in `/tmp`.

    ## Example
    ```python
    with open("/tmp/uploads/" + event["pathParameters"]["name"]) as f:
        return f.read()
    ```

    ## Use instead
    ```python
    name = os.path.basename(event["pathParameters"]["name"])
    path = os.path.realpath(os.path.join(BASE, name))
    if not path.startswith(BASE + os.sep):
        raise ValueError("bad name")
    ```

    ## References
    - OWASP: Path Traversal
    - CWE-22: Improper Limitation of a Pathname to a Restricted Directory
    """

    id = "FG2006"
    name = "path-traversal"
    category = "code.path-traversal"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-22"
    title = "Event data decides a file path"
    remediation = (
        "Reduce the value to a file name (`os.path.basename`, `path.basename`), resolve the "
        "final path (`os.path.realpath`, `path.resolve`) and check that it stays under the "
        "intended folder before using it; check archive members before extracting."
    )


class Xss(CodeRule):
    """Event data is returned unescaped in an HTML response.

    ## What it does
    Reports an HTML response (a `Content-Type: text/html` header, a body that starts with
    markup, a Flask view returning a string, `HTMLResponse`, Express `res.send`) whose body is
    built from event data that was not HTML-escaped.

    ## Why is this bad?
    The attacker's script runs in the victim's browser on your domain: it reads their session
    and acts as them.

    ## Example
    ```python
    return {"statusCode": 200, "headers": {"Content-Type": "text/html"},
            "body": f"<p>Hello {event['queryStringParameters']['name']}</p>"}
    ```

    ## Use instead
    ```python
    "body": f"<p>Hello {html.escape(name)}</p>"
    ```
    Or render with a template engine that autoescapes.

    ## References
    - OWASP: Cross Site Scripting Prevention Cheat Sheet
    - CWE-79: Improper Neutralization of Input During Web Page Generation
    """

    id = "FG2007"
    name = "xss"
    category = "code.xss"
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    cwe = "CWE-79"
    title = "Event data is returned unescaped in HTML"
    remediation = (
        "Escape every value placed in HTML (`html.escape`, `markupsafe.escape`, `he.encode`) "
        "or render with an autoescaping template engine; return JSON when no HTML is needed."
    )


class Deserialization(CodeRule):
    """Event data reaches an unsafe deserializer.

    ## What it does
    Reports flows into `pickle`/`cPickle`/`dill`/`marshal` loads, `yaml.load` without a
    safe loader, `jsonpickle.decode`, `shelve`; `node-serialize` `unserialize`, js-yaml
    `load` with unsafe schemas.

    ## Why is this bad?
    These formats can name code to run while loading: a crafted payload executes commands in
    the function.

    ## Example
    ```python
    data = pickle.loads(base64.b64decode(event["body"]))
    ```

    ## Use instead
    ```python
    data = json.loads(event["body"])       # or yaml.safe_load
    ```

    ## References
    - OWASP: Deserialization Cheat Sheet
    - CWE-502: Deserialization of Untrusted Data
    """

    id = "FG2008"
    name = "unsafe-deserialization"
    category = "code.deserialization"
    severity = Severity.CRITICAL
    confidence = Confidence.HIGH
    cwe = "CWE-502"
    title = "Event data reaches an unsafe deserializer"
    remediation = (
        "Deserialize input only with data-only formats: `json.loads`, `yaml.safe_load`, "
        "`JSON.parse`; never pickle, marshal or unsafe YAML loaders."
    )


class Ssrf(CodeRule):
    """Event data decides where an outbound request goes.

    ## What it does
    Reports a URL or host built from event data passed to `requests`, `urllib`, `urllib3`,
    `httpx`, `aiohttp`; `http.request`, `https.get`, `fetch`, `axios`, `got`, `node-fetch`.
    When the data only fills the path of a URL whose host is fixed, severity is medium.

    ## Why is this bad?
    The attacker makes the function call internal services or other hosts with its network
    position: private VPC endpoints, other AWS APIs, or exfiltration servers.

    ## Example
    ```python
    requests.get(event["queryStringParameters"]["url"], timeout=5)
    ```

    ## Use instead
    ```python
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        raise ValueError("host not allowed")
    ```

    ## References
    - OWASP: Server Side Request Forgery Prevention Cheat Sheet
    - CWE-918: Server-Side Request Forgery
    """

    id = "FG2009"
    name = "ssrf"
    category = "code.ssrf"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-918"
    title = "Event data decides an outbound request's target"
    remediation = (
        "Keep the scheme and host fixed in code and put input only in the path or query "
        "(encoded); if the host must vary, check it against an allowlist of hosts."
    )


class Xxe(CodeRule):
    """Event data is parsed by an XML parser that resolves external entities.

    ## What it does
    Reports XML from input parsed with lxml configured with `resolve_entities=True` or
    `no_network=False`, or a `xml.sax` parser with external general entities turned on;
    `libxmljs` with `noent`, `xml2js` with entity expansion.

    ## Why is this bad?
    An external entity reads local files (`file:///proc/self/environ`) or makes requests from
    the function.

    ## Example
    ```python
    parser = etree.XMLParser(resolve_entities=True)
    etree.fromstring(event["body"], parser)
    ```

    ## Use instead
    ```python
    import defusedxml.ElementTree as ET
    ET.fromstring(event["body"])
    ```

    ## References
    - OWASP: XML External Entity Prevention Cheat Sheet
    - CWE-611: Improper Restriction of XML External Entity Reference
    """

    id = "FG2010"
    name = "xxe"
    category = "code.xxe"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    cwe = "CWE-611"
    title = "Event data reaches an XML parser resolving external entities"
    remediation = (
        "Parse untrusted XML with `defusedxml`, or with entity resolution and network access "
        "off (`resolve_entities=False`, `no_network=True`)."
    )


RULES: tuple[type[Rule], ...] = (
    CommandInjection,
    SqlInjection,
    NosqlInjection,
    CodeInjection,
    TemplateInjection,
    PathTraversal,
    Xss,
    Deserialization,
    Ssrf,
    Xxe,
)


def rule_for_category(category: str) -> type[CodeRule] | None:
    """The code rule of a sink category (``code.sql-injection`` -> FG2002)."""
    for rule in RULES:
        if rule.category == category and issubclass(rule, CodeRule):
            return rule
    return None
