"""Python sources, sinks, sanitizers and summaries (issue 7, sections 3 to 5).

One row per API. Callee paths are qualified as the engine resolves imports (see
:mod:`faasguard.code.models.interface`). Every row names its test fixture under
``tests/fixtures/code/python/``.
"""

from __future__ import annotations

from faasguard.code.models.interface import (
    CMD,
    CODE,
    DESER,
    NOSQL,
    PATH,
    SQL,
    SSRF,
    TPL,
    XSS,
    XXE,
    FlagModel,
    LanguageModels,
    SanitizerModel,
    SinkModel,
    SourceModel,
    SummaryModel,
    ValidatorModel,
)

__all__ = ["MODELS"]


_SUBPROCESS = ("run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput")

_SINKS: tuple[SinkModel, ...] = (
    # -- command injection
    *(
        SinkModel(
            f"subprocess.{name}",
            CMD,
            "command run through a shell",
            args=(0,),
            kwargs=("args",),
            condition="shell",
            fixture="command",
        )
        for name in _SUBPROCESS[:5]
    ),
    *(
        SinkModel(
            f"subprocess.{name}",
            CMD,
            "command run by a shell with -c",
            args=(0,),
            condition="shell-argv",
            fixture="command",
        )
        for name in _SUBPROCESS[:5]
    ),
    SinkModel("subprocess.getoutput", CMD, "command run through a shell", fixture="command"),
    SinkModel("subprocess.getstatusoutput", CMD, "command run through a shell", fixture="command"),
    SinkModel("os.system", CMD, "command run through a shell", fixture="command"),
    SinkModel("os.popen", CMD, "command run through a shell", fixture="command"),
    SinkModel("commands.getoutput", CMD, "command run through a shell", fixture="command"),
    SinkModel("commands.getstatusoutput", CMD, "command run through a shell", fixture="command"),
    SinkModel(
        "asyncio.create_subprocess_shell", CMD, "command run through a shell", fixture="command"
    ),
    # -- SQL injection (DB-API drivers; "*.execute" for cursors the engine cannot name)
    *(
        SinkModel(
            f"{driver}.connect().{via}{method}",
            SQL,
            "SQL query run",
            kwargs=("query", "operation", "sql"),
            fixture="sql",
        )
        for driver in (
            "sqlite3",
            "pymysql",
            "psycopg2",
            "psycopg",
            "mysql.connector",
            "pg8000",
            "MySQLdb",
        )
        for via in ("cursor().", "")
        for method in ("execute", "executemany", "executescript")
    ),
    SinkModel(
        "*.execute", SQL, "SQL query run", kwargs=("query", "operation", "sql"), fixture="sql"
    ),
    SinkModel("*.executemany", SQL, "SQL query run", fixture="sql"),
    SinkModel("sqlalchemy.text", SQL, "SQL text built for SQLAlchemy", fixture="sql"),
    SinkModel("sqlalchemy.sql.text", SQL, "SQL text built for SQLAlchemy", fixture="sql"),
    SinkModel(
        "boto3.client(rds-data).execute_statement",
        SQL,
        "SQL run by the RDS Data API",
        args=(),
        kwargs=("sql",),
        fixture="sql",
    ),
    SinkModel(
        "boto3.client(redshift-data).execute_statement",
        SQL,
        "SQL run by the Redshift Data API",
        args=(),
        kwargs=("Sql",),
        fixture="sql",
    ),
    SinkModel(
        "boto3.client(athena).start_query_execution",
        SQL,
        "SQL run by Athena",
        args=(),
        kwargs=("QueryString",),
        fixture="sql",
    ),
    # -- NoSQL injection
    *(
        SinkModel(
            f"boto3.{factory}.{method}",
            NOSQL,
            "DynamoDB expression built from input",
            args=(),
            kwargs=(
                "FilterExpression",
                "KeyConditionExpression",
                "ScanFilter",
                "ConditionExpression",
                "ProjectionExpression",
            ),
            condition="whole",
            fixture="nosql",
        )
        for factory in ("client(dynamodb)", "resource(dynamodb).Table()")
        for method in ("scan", "query")
    ),
    SinkModel(
        "boto3.client(dynamodb).execute_statement",
        NOSQL,
        "PartiQL statement built from input",
        args=(),
        kwargs=("Statement",),
        fixture="nosql",
    ),
    SinkModel(
        "boto3.client(dynamodb).batch_execute_statement",
        NOSQL,
        "PartiQL statements built from input",
        args=(),
        kwargs=("Statements",),
        fixture="nosql",
    ),
    *(
        SinkModel(
            f"pymongo.MongoClient()*.{method}",
            NOSQL,
            "MongoDB query object taken whole from input",
            args=(0,),
            kwargs=("filter",),
            condition="whole",
            fixture="nosql",
        )
        for method in (
            "find",
            "find_one",
            "delete_many",
            "update_many",
            "count_documents",
        )
    ),
    *(
        SinkModel(
            f"pymongo.MongoClient()*.{method}",
            NOSQL,
            "MongoDB `$where` clause built from input",
            args=(0,),
            kwargs=("filter",),
            condition="where-key",
            fixture="nosql",
        )
        for method in ("find", "find_one", "delete_many", "update_many", "count_documents")
    ),
    # -- code injection
    SinkModel("eval", CODE, "string evaluated as Python code", fixture="code"),
    SinkModel("exec", CODE, "string executed as Python code", fixture="code"),
    SinkModel("compile", CODE, "string compiled as Python code", fixture="code"),
    SinkModel("__import__", CODE, "module imported by a name from input", fixture="code"),
    SinkModel(
        "importlib.import_module", CODE, "module imported by a name from input", fixture="code"
    ),
    # -- template injection
    SinkModel(
        "jinja2.Template",
        TPL,
        "template compiled from input",
        kwargs=("source",),
        fixture="template",
    ),
    SinkModel(
        "jinja2.Environment().from_string",
        TPL,
        "template compiled from input",
        kwargs=("source",),
        fixture="template",
    ),
    SinkModel(
        "flask.render_template_string",
        TPL,
        "template compiled from input",
        kwargs=("source",),
        fixture="template",
    ),
    SinkModel(
        "mako.template.Template",
        TPL,
        "template compiled from input",
        kwargs=("text",),
        fixture="template",
    ),
    # -- path traversal
    SinkModel("open", PATH, "file opened at a path from input", kwargs=("file",), fixture="path"),
    SinkModel("io.open", PATH, "file opened at a path from input", fixture="path"),
    *(
        SinkModel(f"os.{name}", PATH, "file system operation on a path from input", fixture="path")
        for name in (
            "remove",
            "unlink",
            "rmdir",
            "removedirs",
            "listdir",
            "makedirs",
            "mkdir",
            "rename",
            "open",
            "scandir",
            "chmod",
        )
    ),
    *(
        SinkModel(
            f"shutil.{name}",
            PATH,
            "file copied or removed at a path from input",
            args=(0, 1),
            fixture="path",
        )
        for name in ("copy", "copyfile", "copy2", "copytree", "move", "rmtree")
    ),
    SinkModel("pathlib.Path", PATH, "path built from input", fixture="path"),
    SinkModel(
        "flask.send_file",
        PATH,
        "file sent from a path from input",
        kwargs=("path_or_file",),
        fixture="path",
    ),
    SinkModel(
        "flask.send_from_directory",
        PATH,
        "file sent from a path from input",
        args=(1,),
        kwargs=("path", "filename"),
        fixture="path",
    ),
    SinkModel(
        "tarfile.open().extractall",
        PATH,
        "archive from input extracted without a member check",
        args=(-1,),
        fixture="path",
    ),
    SinkModel(
        "zipfile.ZipFile().extractall",
        PATH,
        "archive from input extracted without a member check",
        args=(-1,),
        fixture="path",
    ),
    SinkModel(
        "boto3.client(s3).download_file",
        PATH,
        "S3 object written to a local path from input",
        args=(2,),
        kwargs=("Filename",),
        fixture="path",
    ),
    # -- XSS: HTML responses are checked by the engine (see docs/rules/code.md); these are calls.
    SinkModel("flask.make_response", XSS, "HTML response built from input", fixture="xss"),
    SinkModel(
        "fastapi.responses.HTMLResponse",
        XSS,
        "HTML response built from input",
        kwargs=("content",),
        fixture="xss",
    ),
    SinkModel(
        "starlette.responses.HTMLResponse",
        XSS,
        "HTML response built from input",
        kwargs=("content",),
        fixture="xss",
    ),
    SinkModel("markupsafe.Markup", XSS, "input marked as safe HTML", fixture="xss"),
    # -- deserialization
    *(
        SinkModel(f"{module}.{name}", DESER, "data from input deserialized", fixture="deser")
        for module in ("pickle", "cPickle", "_pickle", "dill", "marshal")
        for name in ("loads", "load")
    ),
    SinkModel(
        "yaml.load",
        DESER,
        "YAML loaded with an unsafe loader",
        kwargs=("stream",),
        condition="unsafe-yaml-loader",
        fixture="deser",
    ),
    SinkModel(
        "yaml.load_all",
        DESER,
        "YAML loaded with an unsafe loader",
        kwargs=("stream",),
        condition="unsafe-yaml-loader",
        fixture="deser",
    ),
    SinkModel("yaml.unsafe_load", DESER, "YAML loaded with the unsafe loader", fixture="deser"),
    SinkModel("yaml.full_load", DESER, "YAML loaded with the full loader", fixture="deser"),
    SinkModel("jsonpickle.decode", DESER, "data from input decoded by jsonpickle", fixture="deser"),
    SinkModel("shelve.open", DESER, "shelf opened at a path from input", fixture="deser"),
    # -- SSRF
    *(
        SinkModel(
            f"{lib}.{verb}",
            SSRF,
            "outbound request to a URL from input",
            kwargs=("url",),
            fixture="ssrf",
        )
        for lib in (
            "requests",
            "httpx",
            "requests.Session()",
            "httpx.Client()",
            "httpx.AsyncClient()",
        )
        for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
    ),
    SinkModel(
        "requests.request",
        SSRF,
        "outbound request to a URL from input",
        args=(1,),
        kwargs=("url",),
        fixture="ssrf",
    ),
    SinkModel(
        "urllib.request.urlopen",
        SSRF,
        "outbound request to a URL from input",
        kwargs=("url",),
        fixture="ssrf",
    ),
    SinkModel(
        "urllib.request.Request",
        SSRF,
        "outbound request to a URL from input",
        kwargs=("url",),
        fixture="ssrf",
    ),
    SinkModel(
        "urllib3.PoolManager().request",
        SSRF,
        "outbound request to a URL from input",
        args=(1,),
        kwargs=("url",),
        fixture="ssrf",
    ),
    SinkModel(
        "aiohttp.ClientSession().get",
        SSRF,
        "outbound request to a URL from input",
        kwargs=("url",),
        fixture="ssrf",
    ),
    SinkModel(
        "aiohttp.ClientSession().post",
        SSRF,
        "outbound request to a URL from input",
        kwargs=("url",),
        fixture="ssrf",
    ),
    SinkModel(
        "aiohttp.ClientSession().request",
        SSRF,
        "outbound request to a URL from input",
        args=(1,),
        kwargs=("url",),
        fixture="ssrf",
    ),
    # -- XXE
    SinkModel(
        "lxml.etree.fromstring",
        XXE,
        "XML from input parsed resolving external entities",
        args=(0,),
        kwargs=("text",),
        condition="flag:xxe",
        fixture="xxe",
    ),
    SinkModel(
        "lxml.etree.parse",
        XXE,
        "XML from input parsed resolving external entities",
        args=(0,),
        kwargs=("source",),
        condition="flag:xxe",
        fixture="xxe",
    ),
    SinkModel(
        "lxml.etree.XML",
        XXE,
        "XML from input parsed resolving external entities",
        args=(0,),
        kwargs=("text",),
        condition="flag:xxe",
        fixture="xxe",
    ),
    SinkModel(
        "xml.sax.make_parser().parse",
        XXE,
        "XML from input parsed resolving external entities",
        args=(0,),
        condition="flag:xxe",
        fixture="xxe",
    ),
)

_ALL = ("*",)

_SANITIZERS: tuple[SanitizerModel, ...] = (
    SanitizerModel("shlex.quote", (CMD,), "quoted for a shell", fixture="command"),
    SanitizerModel("pipes.quote", (CMD,), "quoted for a shell", fixture="command"),
    SanitizerModel("int", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("float", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("bool", _ALL, "converted to a boolean", fixture="sanitizers"),
    SanitizerModel("len", _ALL, "reduced to a length", fixture="sanitizers"),
    SanitizerModel("uuid.UUID", _ALL, "parsed as a UUID", fixture="sanitizers"),
    SanitizerModel("decimal.Decimal", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("datetime.date.fromisoformat", _ALL, "parsed as a date", fixture="sanitizers"),
    SanitizerModel(
        "datetime.datetime.fromisoformat", _ALL, "parsed as a date", fixture="sanitizers"
    ),
    SanitizerModel("ipaddress.ip_address", _ALL, "parsed as an IP address", fixture="sanitizers"),
    SanitizerModel("hashlib.sha256().hexdigest", _ALL, "hashed", fixture="sanitizers"),
    SanitizerModel("os.path.basename", (PATH,), "reduced to a file name", fixture="path"),
    SanitizerModel(
        "werkzeug.utils.secure_filename", (PATH,), "reduced to a safe file name", fixture="path"
    ),
    SanitizerModel("html.escape", (XSS,), "HTML-escaped", fixture="xss"),
    SanitizerModel("markupsafe.escape", (XSS,), "HTML-escaped", fixture="xss"),
    SanitizerModel("jinja2.escape", (XSS,), "HTML-escaped", fixture="xss"),
    SanitizerModel("bleach.clean", (XSS,), "HTML-sanitised", fixture="xss"),
    SanitizerModel("urllib.parse.quote", (PATH, CMD, SSRF), "URL-encoded", fixture="sanitizers"),
    *(
        SanitizerModel(
            f"boto3.dynamodb.conditions.{cls}(){method}",
            (NOSQL,),
            "bound as a value of a condition object",
            fixture="nosql",
        )
        for cls in ("Attr", "Key")
        for method in (
            "",
            ".eq",
            ".ne",
            ".lt",
            ".lte",
            ".gt",
            ".gte",
            ".begins_with",
            ".between",
            ".is_in",
            ".contains",
        )
    ),
    SanitizerModel("json.dumps", (CODE,), "serialised as JSON", fixture="sanitizers"),
)

_VALIDATORS: tuple[ValidatorModel, ...] = (
    ValidatorModel(
        "aws_lambda_powertools.utilities.validation.validate",
        "validated against a JSON schema",
        arg=0,
        kwarg="event",
        fixture="sanitizers",
    ),
    ValidatorModel(
        "aws_lambda_powertools.utilities.validation.validator",
        "validated against a JSON schema",
        decorator=True,
        fixture="sanitizers",
    ),
    ValidatorModel(
        "aws_lambda_powertools.utilities.parser.event_parser",
        "parsed into a model",
        decorator=True,
        fixture="sanitizers",
    ),
    ValidatorModel(
        "aws_lambda_powertools.utilities.parser.parse",
        "parsed into a model",
        arg=0,
        kwarg="event",
        fixture="sanitizers",
    ),
    ValidatorModel(
        "faasguard_runtime.validate",
        "validated by faasguard_runtime",
        decorator=True,
        fixture="sanitizers",
    ),
    ValidatorModel(
        "faasguard_runtime.validation.validate",
        "validated by faasguard_runtime",
        decorator=True,
        fixture="sanitizers",
    ),
    ValidatorModel(
        "jsonschema.validate",
        "validated against a JSON schema",
        arg=0,
        kwarg="instance",
        fixture="sanitizers",
    ),
    ValidatorModel(
        "fastjsonschema.validate",
        "validated against a JSON schema",
        arg=1,
        kwarg="data",
        fixture="sanitizers",
    ),
)

_SUMMARIES: tuple[SummaryModel, ...] = (
    SummaryModel("json.loads", "decoded from JSON", fixture="sources"),
    SummaryModel("json.load", "decoded from JSON", fixture="sources"),
    SummaryModel("base64.b64decode", "base64-decoded", fixture="sources"),
    SummaryModel("base64.urlsafe_b64decode", "base64-decoded", fixture="sources"),
    SummaryModel("base64.b64encode", "base64-encoded", fixture="sources"),
    SummaryModel("urllib.parse.unquote", "URL-decoded", fixture="sources"),
    SummaryModel("urllib.parse.unquote_plus", "URL-decoded", fixture="sources"),
    SummaryModel("urllib.parse.parse_qs", "parsed as a query string", fixture="sources"),
    SummaryModel("urllib.parse.parse_qsl", "parsed as a query string", fixture="sources"),
    SummaryModel("urllib.parse.urljoin", "joined into a URL", args=(0, 1), fixture="ssrf"),
    SummaryModel("os.path.join", "joined into a path", args=(0, 1, 2, 3), fixture="path"),
    SummaryModel("os.path.normpath", "normalised as a path", fixture="path"),
    SummaryModel("posixpath.join", "joined into a path", args=(0, 1, 2, 3), fixture="path"),
    SummaryModel("str", "converted to a string", fixture="sources"),
    SummaryModel("dict", "copied into a dict", fixture="sources"),
    SummaryModel("list", "copied into a list", fixture="sources"),
    SummaryModel("gzip.decompress", "decompressed", fixture="sources"),
    SummaryModel("zlib.decompress", "decompressed", fixture="sources"),
    SummaryModel("io.BytesIO", "wrapped in a stream", fixture="sources"),
    SummaryModel("io.StringIO", "wrapped in a stream", fixture="sources"),
    SummaryModel("asyncio.run", "awaited", alias=True, fixture="flows"),
    SummaryModel("asyncio.wait_for", "awaited", alias=True, fixture="flows"),
    SummaryModel(
        "asyncio.get_event_loop().run_until_complete", "awaited", alias=True, fixture="flows"
    ),
    SummaryModel(
        "asyncio.new_event_loop().run_until_complete", "awaited", alias=True, fixture="flows"
    ),
    SummaryModel("asyncio.gather", "awaited together", args=(0, 1, 2, 3), fixture="flows"),
    SummaryModel(
        "tarfile.open",
        "opened as an archive",
        args=(0,),
        kwargs=("name", "fileobj"),
        fixture="path",
    ),
    SummaryModel(
        "zipfile.ZipFile", "opened as an archive", args=(0,), kwargs=("file",), fixture="path"
    ),
)

_SOURCES: tuple[SourceModel, ...] = (
    # Web frameworks' request objects (attacker-controlled when the function serves HTTP).
    *(
        SourceModel(f"flask.request.{attr}", "http", label, fixture="frameworks")
        for attr, label in (
            ("args", "query string"),
            ("form", "form body"),
            ("values", "request values"),
            ("json", "request body"),
            ("get_json", "request body"),
            ("data", "request body"),
            ("get_data", "request body"),
            ("headers", "headers"),
            ("cookies", "cookies"),
            ("files", "uploaded files"),
            ("path", "request path"),
            ("full_path", "request path"),
            ("url", "request URL"),
        )
    ),
    *(
        SourceModel(
            f"chalice.Chalice().current_request.{attr}", "http", label, fixture="frameworks"
        )
        for attr, label in (
            ("json_body", "request body"),
            ("raw_body", "request body"),
            ("query_params", "query string"),
            ("uri_params", "path parameters"),
            ("headers", "headers"),
        )
    ),
    # A third-party service's response body (reported as unvalidated-response).
    *(
        SourceModel(
            f"{lib}.{verb}().{part}", "third-party-response", "response body", fixture="third_party"
        )
        for lib in ("requests", "httpx")
        for verb in ("get", "post", "put", "patch", "delete", "request")
        for part in ("json", "text", "content")
    ),
    SourceModel(
        "urllib.request.urlopen().read",
        "third-party-response",
        "response body",
        fixture="third_party",
    ),
    # The content of an S3 object fetched with a key from the event.
    SourceModel(
        "boto3.client(s3).get_object()",
        "s3",
        "S3 object content",
        requires_tainted_arg=True,
        fixture="sources",
    ),
    SourceModel(
        "boto3.resource(s3).Object().get()",
        "s3",
        "S3 object content",
        requires_tainted_arg=True,
        fixture="sources",
    ),
)

_FLAGS: tuple[FlagModel, ...] = (
    FlagModel("lxml.etree.XMLParser", "xxe", kwarg="resolve_entities", value=True, fixture="xxe"),
    FlagModel("lxml.etree.XMLParser", "xxe", kwarg="no_network", value=False, fixture="xxe"),
    FlagModel(
        "xml.sax.make_parser().setFeature",
        "xxe",
        arg=1,
        value=True,
        on_receiver=True,
        fixture="xxe",
    ),
    FlagModel("os.path.realpath", "resolved-path", value=None, fixture="path"),
    FlagModel("os.path.abspath", "resolved-path", value=None, fixture="path"),
    FlagModel("pathlib.Path().resolve", "resolved-path", value=None, fixture="path"),
)

MODELS = LanguageModels(
    language="python",
    sinks=_SINKS,
    sanitizers=_SANITIZERS,
    validators=_VALIDATORS,
    summaries=_SUMMARIES,
    sources=_SOURCES,
    flags=_FLAGS,
)
