"""JavaScript and TypeScript sources, sinks, sanitizers and summaries (issue 7, sections 3 to 5).

One row per API. Callee paths are qualified as the engine resolves imports (see
:mod:`faasguard.code.models.interface`): a package is named as it is imported (``mysql2/promise``,
``@aws-sdk/lib-dynamodb``), Node's built-ins without the ``node:`` prefix, a method on what a call
or ``new`` returned with ``()`` (``pg.Pool().query``), and globals by their name (``eval``,
``fetch``). The JavaScript front-end lowers a package's default import to the package itself
(CommonJS interop), so ``import mysql from "mysql"`` and ``require("mysql")`` meet the same rows.
Every row names its test fixture under ``tests/fixtures/code/js/``.
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
    RouteModel,
    SanitizerModel,
    SinkModel,
    SourceModel,
    SummaryModel,
    ValidatorModel,
)

__all__ = ["MODELS"]

_ALL = ("*",)

#: ``fs`` functions whose first argument is a path (and second, for the two-path ones).
_FS_ONE_PATH = (
    "readFile",
    "readFileSync",
    "writeFile",
    "writeFileSync",
    "appendFile",
    "appendFileSync",
    "createReadStream",
    "createWriteStream",
    "open",
    "openSync",
    "unlink",
    "unlinkSync",
    "rm",
    "rmSync",
    "rmdir",
    "rmdirSync",
    "readdir",
    "readdirSync",
    "mkdir",
    "mkdirSync",
    "chmod",
    "chmodSync",
    "truncate",
    "truncateSync",
)
_FS_TWO_PATHS = ("rename", "renameSync", "copyFile", "copyFileSync", "cp", "cpSync", "symlink")
_FS_PROMISES = tuple(name for name in _FS_ONE_PATH + _FS_TWO_PATHS if not name.endswith("Sync"))
_FS_PROMISE_MODULES = ("fs/promises", "fs.promises")

#: The SQL drivers' connection factories and the methods that run a query string.
_SQL_CONNECTIONS = (
    "mysql.createConnection()",
    "mysql.createPool()",
    "mysql.createPool().getConnection()",
    "mysql2.createConnection()",
    "mysql2.createPool()",
    "mysql2.createConnection().promise()",
    "mysql2.createPool().promise()",
    "mysql2/promise.createConnection()",
    "mysql2/promise.createPool()",
    "pg.Pool()",
    "pg.Client()",
    "pg.Pool().connect()",
    "pg.native.Pool()",
    "pg.native.Client()",
)

#: DynamoDB clients and commands whose expression parameters are code, not data.
_DDB_EXPRESSIONS = (
    "FilterExpression",
    "KeyConditionExpression",
    "ConditionExpression",
    "ProjectionExpression",
    "ScanFilter",
    "QueryFilter",
    "KeyConditions",
)
_DDB_V2 = ("aws-sdk.DynamoDB()", "aws-sdk.DynamoDB.DocumentClient()", "aws-sdk/clients/dynamodb()")
_DDB_V3_MODULES = ("@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb")

_MONGO = ("mongodb.MongoClient()*", "mongodb.MongoClient.connect()*", "mongoose.model()")
_MONGO_QUERIES = (
    "find",
    "findOne",
    "findOneAndUpdate",
    "findOneAndDelete",
    "deleteOne",
    "deleteMany",
    "updateOne",
    "updateMany",
    "countDocuments",
)

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request")

#: SSRF sinks take a URL string or an options object; with condition "whole" an options object
#: built by the code only counts through its URL keys (``kwargs``), not through a tainted body.
_SINKS: tuple[SinkModel, ...] = (
    # -- command injection
    *(
        SinkModel(f"child_process.{name}", CMD, "command run through a shell", fixture="command")
        for name in ("exec", "execSync")
    ),
    *(
        SinkModel(
            f"child_process.{name}",
            CMD,
            "command run through a shell (`shell: true`)",
            args=(0, 1),
            condition="shell",
            fixture="command",
        )
        for name in ("spawn", "spawnSync", "execFile", "execFileSync")
    ),
    SinkModel("shelljs.exec", CMD, "command run through a shell (shelljs)", fixture="command"),
    # -- SQL injection
    *(
        SinkModel(f"{connection}.{method}", SQL, "SQL query run", fixture="sql")
        for connection in _SQL_CONNECTIONS
        for method in ("query", "execute")
    ),
    *(
        SinkModel(f"knex().{method}", SQL, "raw SQL built for knex", fixture="sql")
        for method in ("raw", "whereRaw", "orderByRaw", "havingRaw", "joinRaw", "fromRaw")
    ),
    SinkModel("knex.raw", SQL, "raw SQL built for knex", fixture="sql"),
    *(
        SinkModel(f"pg-promise()().{method}", SQL, "SQL query run by pg-promise", fixture="sql")
        for method in (
            "query",
            "any",
            "one",
            "none",
            "many",
            "oneOrNone",
            "manyOrNone",
            "result",
            "each",
            "map",
        )
    ),
    SinkModel("sequelize.Sequelize().query", SQL, "SQL query run by Sequelize", fixture="sql"),
    SinkModel("sequelize.literal", SQL, "SQL literal built for Sequelize", fixture="sql"),
    SinkModel("sequelize.Sequelize.literal", SQL, "SQL literal built for Sequelize", fixture="sql"),
    # -- NoSQL injection: DynamoDB expressions (SDK v2 clients, v3 commands), PartiQL, MongoDB
    *(
        SinkModel(
            f"{client}.{method}",
            NOSQL,
            "DynamoDB expression built from input",
            args=(),
            kwargs=_DDB_EXPRESSIONS,
            condition="whole",
            fixture="nosql",
        )
        for client in _DDB_V2
        for method in ("scan", "query", "update", "delete", "put", "updateItem", "deleteItem")
    ),
    *(
        SinkModel(
            f"{module}.{command}",
            NOSQL,
            "DynamoDB expression built from input",
            args=(),
            kwargs=_DDB_EXPRESSIONS,
            condition="whole",
            fixture="nosql",
        )
        for module in _DDB_V3_MODULES
        for command in (
            "ScanCommand",
            "QueryCommand",
            "UpdateCommand",
            "DeleteCommand",
            "PutCommand",
            "UpdateItemCommand",
            "DeleteItemCommand",
            "PutItemCommand",
        )
    ),
    *(
        SinkModel(
            f"{module}.ExecuteStatementCommand",
            NOSQL,
            "PartiQL statement built from input",
            args=(),
            kwargs=("Statement",),
            fixture="nosql",
        )
        for module in _DDB_V3_MODULES
    ),
    SinkModel(
        "aws-sdk.DynamoDB().executeStatement",
        NOSQL,
        "PartiQL statement built from input",
        args=(),
        kwargs=("Statement",),
        fixture="nosql",
    ),
    *(
        SinkModel(
            f"{client}.{method}",
            NOSQL,
            "MongoDB query object taken whole from input",
            condition="whole",
            fixture="nosql",
        )
        for client in _MONGO
        for method in _MONGO_QUERIES
    ),
    *(
        SinkModel(
            f"{client}.{method}",
            NOSQL,
            "MongoDB `$where` clause built from input",
            condition="where-key",
            fixture="nosql",
        )
        for client in _MONGO
        for method in _MONGO_QUERIES
    ),
    # -- code injection
    SinkModel("eval", CODE, "string evaluated as JavaScript", fixture="code"),
    SinkModel(
        "Function",
        CODE,
        "function compiled from a string",
        args=(0, 1, 2, 3, 4),
        fixture="code",
    ),
    *(
        SinkModel(f"vm.{name}", CODE, "string run as JavaScript by vm", fixture="code")
        for name in ("runInNewContext", "runInThisContext", "runInContext", "Script")
    ),
    SinkModel("vm.compileFunction", CODE, "function compiled from a string by vm", fixture="code"),
    *(
        SinkModel(
            name,
            CODE,
            "string evaluated as JavaScript by a timer",
            condition="string-arg",
            fixture="code",
        )
        for name in ("setTimeout", "setInterval", "setImmediate")
    ),
    # -- template injection
    *(
        SinkModel(f"handlebars.{name}", TPL, "template compiled from input", fixture="template")
        for name in ("compile", "precompile")
    ),
    *(
        SinkModel(f"ejs.{name}", TPL, "template compiled from input", fixture="template")
        for name in ("render", "compile")
    ),
    *(
        SinkModel(f"pug.{name}", TPL, "template compiled from input", fixture="template")
        for name in ("compile", "render", "compileClient")
    ),
    *(
        SinkModel(
            f"dustjs-linkedin.{name}", TPL, "template compiled from input", fixture="template"
        )
        for name in ("compile", "renderSource")
    ),
    SinkModel("lodash.template", TPL, "template compiled from input", fixture="template"),
    # -- path traversal
    *(
        SinkModel(f"fs.{name}", PATH, "file system operation on a path from input", fixture="path")
        for name in _FS_ONE_PATH
    ),
    *(
        SinkModel(
            f"fs.{name}",
            PATH,
            "file system operation on a path from input",
            args=(0, 1),
            fixture="path",
        )
        for name in _FS_TWO_PATHS
    ),
    *(
        SinkModel(
            f"{module}.{name}",
            PATH,
            "file system operation on a path from input",
            args=(0, 1) if name in _FS_TWO_PATHS else (0,),
            fixture="path",
        )
        for module in _FS_PROMISE_MODULES
        for name in _FS_PROMISES
    ),
    # -- Express responses (route handlers' second parameter, see _ROUTES)
    *(
        SinkModel(
            f"express.response.{via}send",
            XSS,
            "response sent as HTML (Express's type for a string body)",
            # An object literal the code builds is sent as JSON, whatever it holds.
            condition="whole",
            fixture="express",
        )
        for via in ("", "status().")
    ),
    *(
        SinkModel(
            f"express.response.{name}", PATH, "file sent from a path from input", fixture="express"
        )
        for name in ("sendFile", "download")
    ),
    SinkModel(
        "fastify.reply.sendFile", PATH, "file sent from a path from input", fixture="express"
    ),
    # -- deserialization
    SinkModel(
        "node-serialize.unserialize",
        DESER,
        "data from input deserialized by node-serialize (runs functions in it)",
        fixture="deserialization",
    ),
    *(
        SinkModel(
            f"js-yaml.{name}",
            DESER,
            "YAML loaded with a schema that builds JavaScript functions",
            condition="flag:unsafe-yaml",
            fixture="deserialization",
        )
        for name in ("load", "loadAll")
    ),
    # -- SSRF
    SinkModel(
        "fetch", SSRF, "outbound request to a URL from input", condition="whole", fixture="ssrf"
    ),
    SinkModel(
        "node-fetch",
        SSRF,
        "outbound request to a URL from input",
        condition="whole",
        fixture="ssrf",
    ),
    SinkModel(
        "axios",
        SSRF,
        "outbound request to a URL from input",
        condition="whole",
        kwargs=("url", "baseURL"),
        fixture="ssrf",
    ),
    *(
        SinkModel(
            f"{client}.{verb}",
            SSRF,
            "outbound request to a URL from input",
            condition="whole",
            kwargs=("url", "baseURL"),
            fixture="ssrf",
        )
        for client in ("axios", "axios.create()")
        for verb in _HTTP_VERBS
    ),
    SinkModel(
        "got",
        SSRF,
        "outbound request to a URL from input",
        condition="whole",
        kwargs=("url",),
        fixture="ssrf",
    ),
    *(
        SinkModel(
            f"got.{verb}",
            SSRF,
            "outbound request to a URL from input",
            condition="whole",
            fixture="ssrf",
        )
        for verb in _HTTP_VERBS[:-1]
    ),
    *(
        SinkModel(
            f"{module}.{verb}",
            SSRF,
            "outbound request to a URL from input",
            condition="whole",
            kwargs=("host", "hostname"),
            fixture="ssrf",
        )
        for module in ("http", "https")
        for verb in ("request", "get")
    ),
    SinkModel(
        "request",
        SSRF,
        "outbound request to a URL from input",
        condition="whole",
        kwargs=("url", "uri"),
        fixture="ssrf",
    ),
    *(
        SinkModel(
            f"superagent.{verb}",
            SSRF,
            "outbound request to a URL from input",
            condition="whole",
            fixture="ssrf",
        )
        for verb in ("get", "post", "put", "patch", "delete", "head")
    ),
    # -- XXE
    *(
        SinkModel(
            f"{module}.{name}",
            XXE,
            "XML from input parsed with external entities resolved (`noent: true`)",
            condition="flag:xxe",
            fixture="xxe",
        )
        for module in ("libxmljs", "libxmljs2")
        for name in ("parseXml", "parseXmlString")
    ),
)

_SANITIZERS: tuple[SanitizerModel, ...] = (
    SanitizerModel("Number", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("parseInt", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("parseFloat", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("Number.parseInt", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("Number.parseFloat", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("Boolean", _ALL, "converted to a boolean", fixture="sanitizers"),
    SanitizerModel("Math.floor", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("Math.round", _ALL, "converted to a number", fixture="sanitizers"),
    SanitizerModel("crypto.createHash().update().digest", _ALL, "hashed", fixture="sanitizers"),
    SanitizerModel("path.basename", (PATH,), "reduced to a file name", fixture="path"),
    SanitizerModel(
        "encodeURIComponent", (PATH, SSRF), "URL-encoded (no `/`)", fixture="sanitizers"
    ),
    *(
        SanitizerModel(callee, (XSS,), "HTML-escaped", fixture="xss")
        for callee in (
            "lodash.escape",
            "lodash/escape",
            "lodash/escape.js",
            "underscore.escape",
            "he.encode",
            "he.escape",
            "escape-html",
            "validator.escape",
            "xss",
            "sanitize-html",
            "dompurify.sanitize",
        )
    ),
    *(
        SanitizerModel(callee, (SQL,), "escaped as a SQL literal", fixture="sql")
        for callee in (
            "sqlstring.escape",
            "mysql.escape",
            "mysql2.escape",
            "mysql.createConnection().escape",
            "mysql.createPool().escape",
            "pg-format",
        )
    ),
    *(
        SanitizerModel(callee, (CMD,), "quoted for a shell", fixture="command")
        for callee in ("shell-quote.quote", "shell-escape", "shescape.quote")
    ),
    SanitizerModel("JSON.stringify", (CODE,), "serialised as JSON", fixture="sanitizers"),
    # Schema validators that return the validated value (zod `parse`, joi `validate().value`).
    *(
        SanitizerModel(
            f"zod.z.{schema}().{method}", _ALL, "validated by a zod schema", fixture="sanitizers"
        )
        for schema in ("object", "string", "number", "enum", "array", "union")
        for method in ("parse", "parseAsync")
    ),
    *(
        SanitizerModel(
            f"joi.{schema}().{method}", _ALL, "validated by a joi schema", fixture="sanitizers"
        )
        for schema in ("object", "string", "number", "array", "alternatives")
        for method in ("validate", "validateAsync")
    ),
    SanitizerModel("joi.attempt", _ALL, "validated by a joi schema", fixture="sanitizers"),
)

_VALIDATORS: tuple[ValidatorModel, ...] = (
    # ajv's compiled schema and `ajv.validate` return a verdict: only a checked call validates.
    ValidatorModel(
        "ajv().compile()",
        "validated against a JSON schema (ajv)",
        guard=True,
        fixture="sanitizers",
    ),
    ValidatorModel(
        "ajv().validate",
        "validated against a JSON schema (ajv)",
        arg=1,
        guard=True,
        fixture="sanitizers",
    ),
    # validator.js checks that return a verdict: an alphabet with no quote, slash or space.
    *(
        ValidatorModel(
            f"validator.{check}",
            f"checked by validator.{check}",
            guard=True,
            fixture="sanitizers",
        )
        for check in (
            "isAlphanumeric",
            "isAlpha",
            "isNumeric",
            "isInt",
            "isFloat",
            "isDecimal",
            "isUUID",
            "isHexadecimal",
            "isMongoId",
            "isIn",
        )
    ),
    # Powertools for TypeScript: parser (zod) and JSON-schema validation, as Middy middleware
    # (`middy(fn).use(parser({ schema }))`) or as a method decorator (`@parser({ schema })`).
    *(
        ValidatorModel(
            f"@aws-lambda-powertools/{module}.{name}",
            f"validated by Powertools {name}",
            decorator=True,
            fixture="sanitizers",
        )
        for module, name in (
            ("parser/middleware", "parser"),
            ("parser", "parser"),
            ("validation/middleware", "validator"),
            ("validation/decorator", "validator"),
        )
    ),
    # Middy's validator middleware: `middy(handler).use(validator({eventSchema}))`.
    ValidatorModel(
        "@middy/validator",
        "validated against a JSON schema (Middy validator)",
        decorator=True,
        fixture="sanitizers",
    ),
)

_SUMMARIES: tuple[SummaryModel, ...] = (
    SummaryModel("JSON.parse", "decoded from JSON", fixture="sources"),
    SummaryModel("Buffer.from", "copied into a buffer", fixture="sources"),
    SummaryModel("Buffer.from().toString", "decoded from a buffer", args=(-1,), fixture="sources"),
    SummaryModel("atob", "base64-decoded", fixture="sources"),
    SummaryModel("decodeURIComponent", "URL-decoded", fixture="sources"),
    SummaryModel("decodeURI", "URL-decoded", fixture="sources"),
    SummaryModel("unescape", "URL-decoded", fixture="sources"),
    SummaryModel("String", "converted to a string", fixture="sources"),
    SummaryModel("querystring.parse", "parsed as a query string", fixture="sources"),
    SummaryModel("URLSearchParams", "parsed as a query string", fixture="sources"),
    SummaryModel("URL", "parsed as a URL", args=(0, 1), fixture="ssrf"),
    SummaryModel("url.parse", "parsed as a URL", fixture="ssrf"),
    # A fetch Request goes where its URL says; its init (headers, body) does not move it.
    SummaryModel("Request", "built into a request", fixture="ssrf"),
    SummaryModel("path.join", "joined into a path", args=(0, 1, 2, 3, 4), fixture="path"),
    SummaryModel("path.resolve", "resolved as a path", args=(0, 1, 2, 3, 4), fixture="path"),
    SummaryModel("path.normalize", "normalised as a path", fixture="path"),
    SummaryModel("util.format", "formatted into a string", args=(0, 1, 2, 3, 4), fixture="sources"),
    SummaryModel("Object.assign", "copied into an object", args=(0, 1, 2, 3), fixture="flows"),
    SummaryModel("Object.values", "values of an object", fixture="flows"),
    SummaryModel("Object.entries", "entries of an object", fixture="flows"),
    SummaryModel("Array.from", "copied into an array", fixture="flows"),
    SummaryModel("Promise.resolve", "wrapped in a promise", fixture="flows"),
    SummaryModel("Promise.all", "awaited together", fixture="flows"),
    SummaryModel("zlib.gunzipSync", "decompressed", fixture="sources"),
    SummaryModel("zlib.inflateSync", "decompressed", fixture="sources"),
    SummaryModel(
        "serialize-javascript", "serialised as JavaScript code", fixture="deserialization"
    ),
    SummaryModel("util.promisify", "promisified", alias=True, fixture="flows"),
    # lodash's data helpers return (parts of) their arguments.
    *(
        SummaryModel(f"lodash.{name}", f"copied by lodash.{name}", args=args, fixture="flows")
        for name, args in (
            ("get", (0,)),
            ("pick", (0,)),
            ("omit", (0,)),
            ("cloneDeep", (0,)),
            ("clone", (0,)),
            ("merge", (0, 1, 2, 3)),
            ("assign", (0, 1, 2, 3)),
            ("defaults", (0, 1, 2, 3)),
            ("trim", (0,)),
            ("toString", (0,)),
        )
    ),
    *(
        SummaryModel(f"@aws-sdk/client-{service}.{client}().send", "sent to AWS", fixture="sources")
        for service, client in (("s3", "S3Client"), ("dynamodb", "DynamoDBClient"))
    ),
    SummaryModel(
        "@aws-sdk/lib-dynamodb.DynamoDBDocumentClient.from().send", "sent to AWS", fixture="sources"
    ),
)

_SOURCES: tuple[SourceModel, ...] = (
    # A third-party service's response body (reported as unvalidated-response).
    *(
        SourceModel(path, "third-party-response", "response body", fixture="third-party")
        for path in (
            "fetch().json",
            "fetch().text",
            "node-fetch().json",
            "node-fetch().text",
            "got().json",
            "got().text",
            "got().body",
            "got.get().json",
            "got.post().json",
            "axios().data",
            *(f"axios.{verb}().data" for verb in _HTTP_VERBS),
        )
    ),
    # The content of an S3 object fetched with a key from the event.
    SourceModel(
        "aws-sdk.S3().getObject()",
        "s3",
        "S3 object content",
        requires_tainted_arg=True,
        fixture="sources",
    ),
    SourceModel(
        "@aws-sdk/client-s3.GetObjectCommand()",
        "s3",
        "S3 object content",
        requires_tainted_arg=True,
        fixture="sources",
    ),
    # Express route handlers' requests (the app is behind serverless-http, see _ROUTES).
    *(
        SourceModel(f"express.request.{attr}", "http", label, fixture="express")
        for attr, label in (
            ("body", "request body"),
            ("query", "query string"),
            ("params", "path parameters"),
            ("headers", "headers"),
            ("cookies", "cookies"),
            ("signedCookies", "cookies"),
            ("get", "headers"),
            ("header", "headers"),
            ("path", "request path"),
            ("url", "request URL"),
            ("originalUrl", "request URL"),
            ("hostname", "Host header"),
            ("files", "uploaded files"),
            ("file", "uploaded file"),
        )
    ),
    *(
        SourceModel(f"fastify.request.{attr}", "http", label, fixture="express")
        for attr, label in (
            ("body", "request body"),
            ("query", "query string"),
            ("params", "path parameters"),
            ("headers", "headers"),
            ("cookies", "cookies"),
            ("url", "request URL"),
            ("hostname", "Host header"),
        )
    ),
)

#: Web frameworks whose route handlers are entry points when the Lambda handler dispatches to
#: them: a route handler's parameters are the framework's request and response objects.
_VERBS = ("get", "post", "put", "patch", "delete", "all", "options", "head")
_ROUTES: tuple[RouteModel, ...] = (
    *(
        RouteModel(
            f"{app}*.{verb}",
            param_paths=("express.request", "express.response"),
            fixture="express",
        )
        for app in ("express()", "express.Router()")
        for verb in (*_VERBS, "use")
    ),
    *(
        RouteModel(
            f"fastify()*.{verb}",
            param_paths=("fastify.request", "fastify.reply"),
            fixture="express",
        )
        for verb in (*_VERBS, "route")
    ),
)

#: Adapters that hand the Lambda event to a web framework app (the exported handler's value).
_DISPATCHERS = (
    "serverless-http()",
    "@vendia/serverless-express()",
    "@codegenie/serverless-express()",
    "aws-serverless-express.proxy()",
    "@fastify/aws-lambda()",
)

_FLAGS: tuple[FlagModel, ...] = (
    *(
        FlagModel(f"{module}.{name}", "xxe", kwarg="noent", value=True, fixture="xxe")
        for module in ("libxmljs", "libxmljs2")
        for name in ("parseXml", "parseXmlString")
    ),
    *(
        FlagModel(
            f"js-yaml.{name}",
            "unsafe-yaml",
            kwarg="schema",
            value=schema,
            fixture="deserialization",
        )
        for name in ("load", "loadAll")
        for schema in ("js-yaml.DEFAULT_FULL_SCHEMA", "js-yaml.FULL_SCHEMA")
    ),
    FlagModel("path.resolve", "resolved-path", value=None, fixture="path"),
    FlagModel("fs.realpathSync", "resolved-path", value=None, fixture="path"),
)

MODELS = LanguageModels(
    language="javascript",
    sinks=_SINKS,
    sanitizers=_SANITIZERS,
    validators=_VALIDATORS,
    summaries=_SUMMARIES,
    sources=_SOURCES,
    flags=_FLAGS,
    routes=_ROUTES,
    dispatchers=_DISPATCHERS,
)
