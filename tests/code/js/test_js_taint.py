"""The JavaScript/TypeScript taint analysis on its fixture projects, asserted exactly.

Every source kind, every sink family (each library of the tables, TypeScript where its syntax
differs) and every sanitizer kind has a fixture pair under ``tests/fixtures/code/js/<area>/``: a
``<Case>Vuln`` function whose findings are asserted whole (rule, category, file, line, confidence,
source, message naming the code function, and the trace from source to sink) and a ``<Case>Safe``
twin asserted clean. The CASES table is the exact expected output; when the engine's wording
changes on purpose, regenerate it and review the diff. ``flows`` covers handler -> helper module -> sink, class methods, Promise
chains, callbacks and closures; ``express`` Express and Fastify routes behind their Lambda adapters; ``inline``
CloudFormation ``ZipFile`` code at its template lines; ``invoke`` a function invoked by another
function's code (tainted at medium confidence) and its scheduled twin (clean).
"""

from __future__ import annotations

import pytest
from jsfixtures import Expect, as_expect, code_findings, scan_area

CASES: dict[tuple[str, str], tuple[Expect, ...]] = {
    # -- command
    ("command", "ExecSafe"): (),
    ("command", "ExecTsSafe"): (),
    ("command", "ExecTsVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/exec_ts_vuln.ts",
            10,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                ("src/exec_ts_vuln.ts", 9, "event field `body` read: request body (http-api)"),
                (
                    "src/exec_ts_vuln.ts",
                    10,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("command", "ExecVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/exec_vuln.js",
            6,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `<callback in handler>()`.",
            (
                (
                    "src/exec_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/exec_vuln.js",
                    6,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("command", "ExecsyncSafe"): (),
    ("command", "ExecsyncVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/execsync_vuln.mjs",
            5,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                ("src/execsync_vuln.mjs", 4, "event field `body` read: request body (http-api)"),
                (
                    "src/execsync_vuln.mjs",
                    5,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("command", "ShelljsSafe"): (),
    ("command", "ShelljsVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/shelljs_vuln.js",
            5,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (shelljs) (`shelljs.exec`) in `handler()`.",
            (
                ("src/shelljs_vuln.js", 4, "event field `body` read: request body (http-api)"),
                (
                    "src/shelljs_vuln.js",
                    5,
                    "reaches `shelljs.exec()`: command run through a shell (shelljs)",
                ),
            ),
        ),
    ),
    ("command", "SpawnSafe"): (),
    ("command", "SpawnVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/spawn_vuln.js",
            5,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches command run through a shell (`shell: true`) (`child_process.spawn`) in `handler()`.",
            (
                (
                    "src/spawn_vuln.js",
                    4,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                (
                    "src/spawn_vuln.js",
                    5,
                    "reaches `child_process.spawn()`: command run through a shell (`shell: true`)",
                ),
            ),
        ),
    ),
    # -- sql
    ("sql", "KnexSafe"): (),
    ("sql", "KnexVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/knex_vuln.js",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches raw SQL built for knex (`knex().raw`) in `handler()`.",
            (
                (
                    "src/knex_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/knex_vuln.js", 5, "reaches `knex().raw()`: raw SQL built for knex"),
            ),
        ),
    ),
    ("sql", "Mysql2Safe"): (),
    ("sql", "Mysql2Vuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/mysql2_vuln.mjs",
            6,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches SQL query run (`mysql2/promise.createConnection().query`) in `handler()`.",
            (
                (
                    "src/mysql2_vuln.mjs",
                    5,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/mysql2_vuln.mjs", 6, "reaches `createConnection().query()`: SQL query run"),
            ),
        ),
    ),
    ("sql", "MysqlSafe"): (),
    ("sql", "MysqlVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/mysql_vuln.js",
            7,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches SQL query run (`mysql.createConnection().query`) in `handler()`.",
            (
                (
                    "src/mysql_vuln.js",
                    6,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                ("src/mysql_vuln.js", 7, "reaches `createConnection().query()`: SQL query run"),
            ),
        ),
    ),
    ("sql", "PgSafe"): (),
    ("sql", "PgVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/pg_vuln.js",
            8,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches SQL query run (`pg.Pool().query`) in `handler()`.",
            (
                ("src/pg_vuln.js", 6, "event field `body` read: request body (http-api)"),
                ("src/pg_vuln.js", 7, "built into a string"),
                ("src/pg_vuln.js", 8, "reaches `Pool().query()`: SQL query run"),
            ),
        ),
    ),
    ("sql", "PgpromiseSafe"): (),
    ("sql", "PgpromiseVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/pgpromise_vuln.js",
            7,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches SQL query run by pg-promise (`pg-promise()().any`) in `handler()`.",
            (
                (
                    "src/pgpromise_vuln.js",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/pgpromise_vuln.js",
                    7,
                    "reaches `pg-promise()().any()`: SQL query run by pg-promise",
                ),
            ),
        ),
    ),
    ("sql", "SequelizeSafe"): (),
    ("sql", "SequelizeVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/sequelize_vuln.ts",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches SQL query run by Sequelize (`sequelize.Sequelize().query`) in `handler()`.",
            (
                (
                    "src/sequelize_vuln.ts",
                    7,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/sequelize_vuln.ts",
                    8,
                    "reaches `Sequelize().query()`: SQL query run by Sequelize",
                ),
            ),
        ),
    ),
    # -- nosql
    ("nosql", "DdbScanfilterSafe"): (),
    ("nosql", "DdbScanfilterVuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/ddb_scanfilter_vuln.mjs",
            7,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches DynamoDB expression built from input (`@aws-sdk/client-dynamodb.ScanCommand`) in `handler()`.",
            (
                (
                    "src/ddb_scanfilter_vuln.mjs",
                    6,
                    "event field `body` read: request body (http-api)",
                ),
                (
                    "src/ddb_scanfilter_vuln.mjs",
                    7,
                    "reaches `@aws-sdk/client-dynamodb.ScanCommand()`: DynamoDB expression built from input",
                ),
            ),
        ),
    ),
    ("nosql", "DdbV2Safe"): (),
    ("nosql", "DdbV2Vuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/ddb_v2_vuln.js",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches DynamoDB expression built from input (`aws-sdk.DynamoDB.DocumentClient().scan`) in `handler()`.",
            (
                (
                    "src/ddb_v2_vuln.js",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/ddb_v2_vuln.js",
                    8,
                    "reaches `DocumentClient().scan()`: DynamoDB expression built from input",
                ),
            ),
        ),
    ),
    ("nosql", "DdbV3Safe"): (),
    ("nosql", "DdbV3Vuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/ddb_v3_vuln.mjs",
            9,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches DynamoDB expression built from input (`@aws-sdk/lib-dynamodb.QueryCommand`) in `handler()`.",
            (
                (
                    "src/ddb_v3_vuln.mjs",
                    7,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                (
                    "src/ddb_v3_vuln.mjs",
                    9,
                    "reaches `@aws-sdk/lib-dynamodb.QueryCommand()`: DynamoDB expression built from input",
                ),
            ),
        ),
    ),
    ("nosql", "MongoQuerySafe"): (),
    ("nosql", "MongoQueryVuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/mongo_query_vuln.js",
            8,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches MongoDB query object taken whole from input (`mongodb.MongoClient().db().collection().findOne`) in `handler()`.",
            (
                ("src/mongo_query_vuln.js", 6, "event field `body` read: request body (http-api)"),
                (
                    "src/mongo_query_vuln.js",
                    8,
                    "reaches `collection().findOne()`: MongoDB query object taken whole from input",
                ),
            ),
        ),
    ),
    ("nosql", "MongoWhereSafe"): (),
    ("nosql", "MongoWhereVuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/mongo_where_vuln.js",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches MongoDB `$where` clause built from input (`mongodb.MongoClient().db().collection().find`) in `handler()`.",
            (
                (
                    "src/mongo_where_vuln.js",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/mongo_where_vuln.js",
                    8,
                    "reaches `collection().find()`: MongoDB `$where` clause built from input",
                ),
            ),
        ),
    ),
    ("nosql", "MongooseSafe"): (),
    ("nosql", "MongooseVuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/mongoose_vuln.js",
            8,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches MongoDB query object taken whole from input (`mongoose.model().find`) in `handler()`.",
            (
                ("src/mongoose_vuln.js", 7, "event field `body` read: request body (http-api)"),
                (
                    "src/mongoose_vuln.js",
                    8,
                    "reaches `model().find()`: MongoDB query object taken whole from input",
                ),
            ),
        ),
    ),
    ("nosql", "PartiqlSafe"): (),
    ("nosql", "PartiqlVuln"): (
        Expect(
            "FG2003",
            "code.nosql-injection",
            "src/partiql_vuln.js",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches PartiQL statement built from input (`@aws-sdk/client-dynamodb.ExecuteStatementCommand`) in `handler()`.",
            (
                (
                    "src/partiql_vuln.js",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/partiql_vuln.js", 7, "built into a string"),
                (
                    "src/partiql_vuln.js",
                    8,
                    "reaches `@aws-sdk/client-dynamodb.ExecuteStatementCommand()`: PartiQL statement built from input",
                ),
            ),
        ),
    ),
    # -- code
    ("code", "EvalSafe"): (),
    ("code", "EvalVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/eval_vuln.js",
            3,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches string evaluated as JavaScript (`eval`) in `handler()`.",
            (
                (
                    "src/eval_vuln.js",
                    2,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/eval_vuln.js", 3, "reaches `eval()`: string evaluated as JavaScript"),
            ),
        ),
    ),
    ("code", "FunctionSafe"): (),
    ("code", "FunctionVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/function_vuln.js",
            3,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches function compiled from a string (`Function`) in `handler()`.",
            (
                ("src/function_vuln.js", 2, "event field `body` read: request body (http-api)"),
                (
                    "src/function_vuln.js",
                    3,
                    "reaches `Function()`: function compiled from a string",
                ),
            ),
        ),
    ),
    ("code", "TimeoutSafe"): (),
    ("code", "TimeoutVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/timeout_vuln.js",
            3,
            "high",
            ("sns", "Records[*].Sns.Message"),
            "SNS message (event field `Records[*].Sns.Message`, sns trigger) reaches string evaluated as JavaScript by a timer (`setTimeout`) in `handler()`.",
            (
                (
                    "src/timeout_vuln.js",
                    2,
                    "event field `Records[*].Sns.Message` read: SNS message (sns)",
                ),
                (
                    "src/timeout_vuln.js",
                    3,
                    "reaches `setTimeout()`: string evaluated as JavaScript by a timer",
                ),
            ),
        ),
    ),
    ("code", "VmSafe"): (),
    ("code", "VmVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/vm_vuln.mjs",
            5,
            "high",
            ("eventbridge", "detail"),
            "EventBridge detail (event field `detail`, eventbridge trigger) reaches string run as JavaScript by vm (`vm.runInNewContext`) in `handler()`.",
            (
                (
                    "src/vm_vuln.mjs",
                    4,
                    "event field `detail` read: EventBridge detail (eventbridge)",
                ),
                (
                    "src/vm_vuln.mjs",
                    5,
                    "reaches `vm.runInNewContext()`: string run as JavaScript by vm",
                ),
            ),
        ),
    ),
    # -- template
    ("template", "DustSafe"): (),
    ("template", "DustVuln"): (
        Expect(
            "FG2005",
            "code.template-injection",
            "src/dust_vuln.js",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches template compiled from input (`dustjs-linkedin.renderSource`) in `handler()`.",
            (
                (
                    "src/dust_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/dust_vuln.js",
                    5,
                    "reaches `dustjs-linkedin.renderSource()`: template compiled from input",
                ),
            ),
        ),
    ),
    ("template", "EjsSafe"): (),
    ("template", "EjsVuln"): (
        Expect(
            "FG2005",
            "code.template-injection",
            "src/ejs_vuln.mjs",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches template compiled from input (`ejs.render`) in `handler()`.",
            (
                (
                    "src/ejs_vuln.mjs",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/ejs_vuln.mjs", 5, "reaches `ejs.render()`: template compiled from input"),
            ),
        ),
    ),
    ("template", "HandlebarsSafe"): (),
    ("template", "HandlebarsVuln"): (
        Expect(
            "FG2005",
            "code.template-injection",
            "src/handlebars_vuln.js",
            5,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches template compiled from input (`handlebars.compile`) in `handler()`.",
            (
                ("src/handlebars_vuln.js", 4, "event field `body` read: request body (http-api)"),
                (
                    "src/handlebars_vuln.js",
                    5,
                    "reaches `handlebars.compile()`: template compiled from input",
                ),
            ),
        ),
    ),
    ("template", "PugSafe"): (),
    ("template", "PugVuln"): (
        Expect(
            "FG2005",
            "code.template-injection",
            "src/pug_vuln.js",
            5,
            "high",
            ("sqs", "Records[*].body"),
            "SQS message body (event field `Records[*].body`, sqs trigger) reaches template compiled from input (`pug.compile`) in `handler()`.",
            (
                (
                    "src/pug_vuln.js",
                    4,
                    "event field `Records[*].body` read: SQS message body (sqs)",
                ),
                ("src/pug_vuln.js", 5, "reaches `pug.compile()`: template compiled from input"),
            ),
        ),
    ),
    # -- path
    ("path", "PromisesSafe"): (),
    ("path", "PromisesVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/promises_vuln.mjs",
            6,
            "high",
            ("s3", "Records[*].s3.object.key"),
            "S3 object key (event field `Records[*].s3.object.key`, s3 trigger) reaches file system operation on a path from input (`fs/promises.writeFile`) in `handler()`.",
            (
                (
                    "src/promises_vuln.mjs",
                    5,
                    "event field `Records[*].s3.object.key` read: S3 object key (s3)",
                ),
                (
                    "src/promises_vuln.mjs",
                    6,
                    "reaches `fs/promises.writeFile()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    ("path", "ReadfileSafe"): (),
    ("path", "ReadfileVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/readfile_vuln.js",
            6,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches file system operation on a path from input (`fs.readFileSync`) in `handler()`.",
            (
                (
                    "src/readfile_vuln.js",
                    5,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                (
                    "src/readfile_vuln.js",
                    6,
                    "reaches `fs.readFileSync()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    ("path", "StreamSafe"): (),
    ("path", "StreamVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/stream_vuln.ts",
            7,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches file system operation on a path from input (`fs.createReadStream`) in `handler()`.",
            (
                (
                    "src/stream_vuln.ts",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/stream_vuln.ts",
                    7,
                    "reaches `fs.createReadStream()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    # -- xss
    ("xss", "HeaderSafe"): (),
    ("xss", "HeaderVuln"): (
        Expect(
            "FG2007",
            "code.xss",
            "src/header_vuln.js",
            3,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches HTML response built from input (`response`) in `handler()`.",
            (
                (
                    "src/header_vuln.js",
                    2,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/header_vuln.js", 6, "built into a string"),
                (
                    "src/header_vuln.js",
                    3,
                    "returned as the response: HTML response built from input",
                ),
            ),
        ),
    ),
    ("xss", "JsonSafe"): (),
    ("xss", "MarkupSafe"): (),
    ("xss", "MarkupVuln"): (
        Expect(
            "FG2007",
            "code.xss",
            "src/markup_vuln.mjs",
            4,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches HTML response built from input (`response`) in `handler()`.",
            (
                ("src/markup_vuln.mjs", 2, "event field `body` read: request body (http-api)"),
                ("src/markup_vuln.mjs", 3, "built into a string"),
                (
                    "src/markup_vuln.mjs",
                    4,
                    "returned as the response: HTML response built from input",
                ),
            ),
        ),
    ),
    # -- deserialization
    ("deserialization", "JsYamlSafe"): (),
    ("deserialization", "JsYamlVuln"): (
        Expect(
            "FG2008",
            "code.deserialization",
            "src/js_yaml_vuln.js",
            4,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches YAML loaded with a schema that builds JavaScript functions (`js-yaml.load`) in `handler()`.",
            (
                ("src/js_yaml_vuln.js", 4, "event field `body` read: request body (http-api)"),
                (
                    "src/js_yaml_vuln.js",
                    4,
                    "reaches `js-yaml.load()`: YAML loaded with a schema that builds JavaScript functions",
                ),
            ),
        ),
    ),
    ("deserialization", "NodeSerializeSafe"): (),
    ("deserialization", "NodeSerializeVuln"): (
        Expect(
            "FG2008",
            "code.deserialization",
            "src/node_serialize_vuln.js",
            5,
            "high",
            ("http-api", "headers"),
            "headers (event field `headers`, http-api trigger) reaches data from input deserialized by node-serialize (runs functions in it) (`node-serialize.unserialize`) in `handler()`.",
            (
                ("src/node_serialize_vuln.js", 4, "event field `headers` read: headers (http-api)"),
                (
                    "src/node_serialize_vuln.js",
                    5,
                    "reaches `node-serialize.unserialize()`: data from input deserialized by node-serialize (runs functions in it)",
                ),
            ),
        ),
    ),
    ("deserialization", "SerializeJsSafe"): (),
    ("deserialization", "SerializeJsVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/serialize_js_vuln.js",
            6,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches string evaluated as JavaScript (`eval`) in `handler()`.",
            (
                ("src/serialize_js_vuln.js", 4, "event field `body` read: request body (http-api)"),
                ("src/serialize_js_vuln.js", 5, "serialised as JavaScript code"),
                ("src/serialize_js_vuln.js", 6, "reaches `eval()`: string evaluated as JavaScript"),
            ),
        ),
    ),
    # -- ssrf
    ("ssrf", "AxiosSafe"): (),
    ("ssrf", "AxiosVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/axios_vuln.js",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches outbound request to a URL from input (`axios.get`) in `handler()`.",
            (
                (
                    "src/axios_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/axios_vuln.js",
                    5,
                    "reaches `axios.get()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    ("ssrf", "FetchSafe"): (),
    ("ssrf", "FetchVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/fetch_vuln.mjs",
            3,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches outbound request to a URL from input (`fetch`) in `handler()`.",
            (
                ("src/fetch_vuln.mjs", 2, "event field `body` read: request body (http-api)"),
                (
                    "src/fetch_vuln.mjs",
                    3,
                    "reaches `fetch()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    ("ssrf", "GotSafe"): (),
    ("ssrf", "GotVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/got_vuln.mjs",
            5,
            "high",
            ("sqs", "Records[*].body"),
            "SQS message body (event field `Records[*].body`, sqs trigger) reaches outbound request to a URL from input (`got`) in `handler()`.",
            (
                (
                    "src/got_vuln.mjs",
                    4,
                    "event field `Records[*].body` read: SQS message body (sqs)",
                ),
                ("src/got_vuln.mjs", 5, "reaches `got()`: outbound request to a URL from input"),
            ),
        ),
    ),
    ("ssrf", "HttpSafe"): (),
    ("ssrf", "HttpVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/http_vuln.ts",
            4,
            "high",
            ("eventbridge", "detail"),
            "EventBridge detail (event field `detail`, eventbridge trigger) reaches outbound request to a URL from input (`http.request`) in `handler()`.",
            (
                (
                    "src/http_vuln.ts",
                    4,
                    "event field `detail` read: EventBridge detail (eventbridge)",
                ),
                (
                    "src/http_vuln.ts",
                    4,
                    "reaches `http.request()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    ("ssrf", "HttpsSafe"): (),
    ("ssrf", "HttpsVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/https_vuln.js",
            5,
            "high",
            ("http-api", "headers"),
            "headers (event field `headers`, http-api trigger) reaches outbound request to a URL from input (`https.get`) in `handler()`.",
            (
                ("src/https_vuln.js", 4, "event field `headers` read: headers (http-api)"),
                (
                    "src/https_vuln.js",
                    5,
                    "reaches `https.get()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    ("ssrf", "NodeFetchPathSafe"): (),
    ("ssrf", "NodeFetchPathVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/node_fetch_path_vuln.js",
            5,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches outbound request to a URL from input (`node-fetch`) in `handler()`.",
            (
                (
                    "src/node_fetch_path_vuln.js",
                    4,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                (
                    "src/node_fetch_path_vuln.js",
                    5,
                    "reaches `node-fetch()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    ("ssrf", "RequestSafe"): (),
    ("ssrf", "RequestVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/request_vuln.js",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches outbound request to a URL from input (`request`) in `handler()`.",
            (
                (
                    "src/request_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/request_vuln.js",
                    5,
                    "reaches `request()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    # -- xxe
    ("xxe", "LibxmljsSafe"): (),
    ("xxe", "LibxmljsVuln"): (
        Expect(
            "FG2010",
            "code.xxe",
            "src/libxmljs_vuln.js",
            4,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches XML from input parsed with external entities resolved (`noent: true`) (`libxmljs.parseXml`) in `handler()`.",
            (
                ("src/libxmljs_vuln.js", 4, "event field `body` read: request body (http-api)"),
                (
                    "src/libxmljs_vuln.js",
                    4,
                    "reaches `libxmljs.parseXml()`: XML from input parsed with external entities resolved (`noent: true`)",
                ),
            ),
        ),
    ),
    ("xxe", "Xml2jsSafe"): (),
    # -- sources
    ("sources", "AlbSafe"): (),
    ("sources", "AlbVuln"): (
        Expect(
            "FG2009",
            "code.ssrf",
            "src/alb_vuln.js",
            5,
            "high",
            ("alb", "headers"),
            "headers (event field `headers`, alb trigger) reaches outbound request to a URL from input (`https.get`) in `handler()`.",
            (
                ("src/alb_vuln.js", 4, "event field `headers` read: headers (alb)"),
                (
                    "src/alb_vuln.js",
                    5,
                    "reaches `https.get()`: outbound request to a URL from input",
                ),
            ),
        ),
    ),
    ("sources", "CognitoSafe"): (),
    ("sources", "CognitoVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/cognito_vuln.js",
            5,
            "high",
            ("cognito", "request.userAttributes"),
            "Cognito user attributes (event field `request.userAttributes`, cognito trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/cognito_vuln.js",
                    4,
                    "event field `request.userAttributes` read: Cognito user attributes (cognito)",
                ),
                (
                    "src/cognito_vuln.js",
                    5,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sources", "CookieSafe"): (),
    ("sources", "CookieVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/cookie_vuln.js",
            5,
            "high",
            ("http-api", "cookies"),
            "cookies (event field `cookies`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                ("src/cookie_vuln.js", 4, "event field `cookies` read: cookies (http-api)"),
                (
                    "src/cookie_vuln.js",
                    5,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sources", "DdbStreamSafe"): (),
    ("sources", "DdbStreamVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/ddb_stream_vuln.js",
            9,
            "high",
            ("dynamodb-stream", "Records[*].dynamodb"),
            "DynamoDB stream record (event field `Records[*].dynamodb`, dynamodb-stream trigger) reaches SQL query run (`pg.Client().query`) in `handler()`.",
            (
                (
                    "src/ddb_stream_vuln.js",
                    8,
                    "event field `Records[*].dynamodb` read: DynamoDB stream record (dynamodb-stream)",
                ),
                ("src/ddb_stream_vuln.js", 9, "reaches `Client().query()`: SQL query run"),
            ),
        ),
    ),
    ("sources", "InvokedVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/invoked_vuln.js",
            4,
            "medium",
            ("unknown", "sensorId"),
            "event field `sensorId` (function has no known trigger: its callers' data) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                (
                    "src/invoked_vuln.js",
                    4,
                    "event field `sensorId` read: event of a function with no known trigger (unknown)",
                ),
                (
                    "src/invoked_vuln.js",
                    4,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sources", "IotSafe"): (),
    ("sources", "IotVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/iot_vuln.js",
            4,
            "high",
            ("iot", "sensorId"),
            "IoT message payload (event field `sensorId`, iot trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                ("src/iot_vuln.js", 4, "event field `sensorId` read: IoT message payload (iot)"),
                (
                    "src/iot_vuln.js",
                    4,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sources", "KinesisSafe"): (),
    ("sources", "KinesisVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/kinesis_vuln.js",
            5,
            "high",
            ("kinesis", "Records[*].kinesis.data"),
            "Kinesis record data (event field `Records[*].kinesis.data`, kinesis trigger) reaches string evaluated as JavaScript by a timer (`setTimeout`) in `handler()`.",
            (
                (
                    "src/kinesis_vuln.js",
                    3,
                    "event field `Records[*].kinesis.data` read: Kinesis record data (kinesis)",
                ),
                ("src/kinesis_vuln.js", 4, "decoded from JSON"),
                (
                    "src/kinesis_vuln.js",
                    5,
                    "reaches `setTimeout()`: string evaluated as JavaScript by a timer",
                ),
            ),
        ),
    ),
    ("sources", "S3ContentSafe"): (),
    ("sources", "S3ContentV2Safe"): (),
    ("sources", "S3ContentV2Vuln"): (
        Expect(
            "FG2008",
            "code.deserialization",
            "src/s3_content_v2_vuln.js",
            9,
            "high",
            ("s3", "S3 object content"),
            "S3 object content (s3) reaches data from input deserialized by node-serialize (runs functions in it) (`node-serialize.unserialize`) in `handler()`.",
            (
                (
                    "src/s3_content_v2_vuln.js",
                    8,
                    "event field `Records[*].s3.bucket.name` read: S3 bucket name (s3)",
                ),
                ("src/s3_content_v2_vuln.js", 8, "`S3().getObject()` read: S3 object content (s3)"),
                (
                    "src/s3_content_v2_vuln.js",
                    9,
                    "reaches `node-serialize.unserialize()`: data from input deserialized by node-serialize (runs functions in it)",
                ),
            ),
        ),
    ),
    ("sources", "S3ContentVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/s3_content_vuln.mjs",
            9,
            "high",
            ("s3", "S3 object content"),
            "S3 object content (s3) reaches string evaluated as JavaScript (`eval`) in `handler()`.",
            (
                (
                    "src/s3_content_vuln.mjs",
                    7,
                    "event field `Records[*].s3.bucket.name` read: S3 bucket name (s3)",
                ),
                (
                    "src/s3_content_vuln.mjs",
                    7,
                    "`@aws-sdk/client-s3.GetObjectCommand()` read: S3 object content (s3)",
                ),
                ("src/s3_content_vuln.mjs", 8, "assigned to `script`"),
                ("src/s3_content_vuln.mjs", 9, "reaches `eval()`: string evaluated as JavaScript"),
            ),
        ),
    ),
    ("sources", "S3KeySafe"): (),
    ("sources", "S3KeyVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/s3_key_vuln.js",
            6,
            "high",
            ("s3", "Records[*].s3.object.key"),
            "S3 object key (event field `Records[*].s3.object.key`, s3 trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/s3_key_vuln.js",
                    5,
                    "event field `Records[*].s3.object.key` read: S3 object key (s3)",
                ),
                (
                    "src/s3_key_vuln.js",
                    6,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sources", "Scheduled"): (),
    ("sources", "SnsSubjectSafe"): (),
    ("sources", "SnsSubjectVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/sns_subject_vuln.js",
            5,
            "high",
            ("sns", "Records[*].Sns.Subject"),
            "SNS subject (event field `Records[*].Sns.Subject`, sns trigger) reaches file system operation on a path from input (`fs.appendFileSync`) in `handler()`.",
            (
                (
                    "src/sns_subject_vuln.js",
                    4,
                    "event field `Records[*].Sns.Subject` read: SNS subject (sns)",
                ),
                (
                    "src/sns_subject_vuln.js",
                    5,
                    "reaches `fs.appendFileSync()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    ("sources", "SqsAttributesSafe"): (),
    ("sources", "SqsAttributesVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/sqs_attributes_vuln.js",
            6,
            "high",
            ("sqs", "Records[*].messageAttributes"),
            "SQS message attributes (event field `Records[*].messageAttributes`, sqs trigger) reaches command run through a shell (`child_process.exec`) in `<callback in handler>()`.",
            (
                (
                    "src/sqs_attributes_vuln.js",
                    5,
                    "event field `Records[*].messageAttributes` read: SQS message attributes (sqs)",
                ),
                (
                    "src/sqs_attributes_vuln.js",
                    6,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sources", "UrlSafe"): (),
    ("sources", "UrlVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/url_vuln.mjs",
            4,
            "high",
            ("function-url", "rawPath"),
            "raw path (event field `rawPath`, function-url trigger) reaches file system operation on a path from input (`fs/promises.readFile`) in `handler()`.",
            (
                ("src/url_vuln.mjs", 4, "event field `rawPath` read: raw path (function-url)"),
                (
                    "src/url_vuln.mjs",
                    4,
                    "reaches `fs/promises.readFile()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    ("sources", "WsSafe"): (),
    ("sources", "WsVuln"): (
        Expect(
            "FG2004",
            "code.code-injection",
            "src/ws_vuln.js",
            3,
            "high",
            ("websocket", "body"),
            "request body (event field `body`, websocket trigger) reaches string evaluated as JavaScript (`eval`) in `handler()`.",
            (
                ("src/ws_vuln.js", 2, "event field `body` read: request body (websocket)"),
                ("src/ws_vuln.js", 3, "reaches `eval()`: string evaluated as JavaScript"),
            ),
        ),
    ),
    # -- sanitizers
    ("sanitizers", "AjvSafe"): (),
    ("sanitizers", "AjvVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/ajv_vuln.js",
            14,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                ("src/ajv_vuln.js", 12, "event field `body` read: request body (http-api)"),
                (
                    "src/ajv_vuln.js",
                    14,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "AllowlistSafe"): (),
    ("sanitizers", "AllowlistVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/allowlist_vuln.js",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                (
                    "src/allowlist_vuln.js",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/allowlist_vuln.js",
                    8,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "CompareSafe"): (),
    ("sanitizers", "EncodeuriSafe"): (),
    ("sanitizers", "EncodeuriVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/encodeuri_vuln.mjs",
            5,
            "high",
            ("http-api", "rawPath"),
            "raw path (event field `rawPath`, http-api trigger) reaches file system operation on a path from input (`fs/promises.readFile`) in `handler()`.",
            (
                ("src/encodeuri_vuln.mjs", 4, "event field `rawPath` read: raw path (http-api)"),
                (
                    "src/encodeuri_vuln.mjs",
                    5,
                    "reaches `fs/promises.readFile()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    ("sanitizers", "JoiSafe"): (),
    ("sanitizers", "JoiVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/joi_vuln.js",
            13,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches SQL query run (`pg.Pool().query`) in `handler()`.",
            (
                ("src/joi_vuln.js", 8, "event field `body` read: request body (http-api)"),
                ("src/joi_vuln.js", 13, "reaches `Pool().query()`: SQL query run"),
            ),
        ),
    ),
    ("sanitizers", "MiddySafe"): (),
    ("sanitizers", "MiddyVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/middy_vuln.js",
            6,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `resize()`.",
            (
                ("src/middy_vuln.js", 6, "event field `body` read: request body (http-api)"),
                (
                    "src/middy_vuln.js",
                    6,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "MismatchSafe"): (),
    ("sanitizers", "MismatchVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/mismatch_vuln.js",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches SQL query run (`mysql2.createPool().promise().query`) in `handler()`.",
            (
                (
                    "src/mismatch_vuln.js",
                    7,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/mismatch_vuln.js", 8, "reaches `promise().query()`: SQL query run"),
            ),
        ),
    ),
    ("sanitizers", "NumberSafe"): (),
    ("sanitizers", "NumberVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/number_vuln.js",
            6,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                (
                    "src/number_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/number_vuln.js",
                    6,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "PowertoolsSafe"): (),
    ("sanitizers", "PowertoolsVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/powertools_vuln.ts",
            9,
            "high",
            ("eventbridge", "detail"),
            "EventBridge detail (event field `detail`, eventbridge trigger) reaches command run through a shell (`child_process.execSync`) in `lambdaHandler()`.",
            (
                (
                    "src/powertools_vuln.ts",
                    9,
                    "event field `detail` read: EventBridge detail (eventbridge)",
                ),
                (
                    "src/powertools_vuln.ts",
                    9,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "ShellquoteSafe"): (),
    ("sanitizers", "ShellquoteVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/shellquote_vuln.js",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                (
                    "src/shellquote_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/shellquote_vuln.js",
                    5,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "SqlstringSafe"): (),
    ("sanitizers", "SqlstringVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/sqlstring_vuln.js",
            7,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches SQL query run (`mysql.createConnection().query`) in `handler()`.",
            (
                (
                    "src/sqlstring_vuln.js",
                    6,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                ("src/sqlstring_vuln.js", 7, "reaches `createConnection().query()`: SQL query run"),
            ),
        ),
    ),
    ("sanitizers", "ValidatorjsSafe"): (),
    ("sanitizers", "ValidatorjsVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/validatorjs_vuln.js",
            9,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/validatorjs_vuln.js",
                    5,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                (
                    "src/validatorjs_vuln.js",
                    9,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("sanitizers", "ZodSafe"): (),
    ("sanitizers", "ZodVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/zod_vuln.ts",
            10,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                ("src/zod_vuln.ts", 8, "event field `body` read: request body (http-api)"),
                (
                    "src/zod_vuln.ts",
                    10,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    # -- third-party
    ("third-party", "AxiosDataSafe"): (),
    ("third-party", "AxiosDataVuln"): (
        Expect(
            "FG5003",
            "third-party.unvalidated-response",
            "src/axios_data_vuln.js",
            5,
            "high",
            ("third-party-response", "response body"),
            "response body (third-party-response) reaches third-party data returned to the caller unchecked (`response`) in `handler()`.",
            (
                (
                    "src/axios_data_vuln.js",
                    4,
                    "`get().data` read: response body (third-party-response)",
                ),
                (
                    "src/axios_data_vuln.js",
                    5,
                    "returned as the response: third-party data returned to the caller unchecked",
                ),
            ),
        ),
    ),
    ("third-party", "FetchJsonSafe"): (),
    ("third-party", "FetchJsonVuln"): (
        Expect(
            "FG5003",
            "third-party.unvalidated-response",
            "src/fetch_json_vuln.mjs",
            6,
            "high",
            ("third-party-response", "response body"),
            "response body (third-party-response) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/fetch_json_vuln.mjs",
                    5,
                    "`fetch().json` read: response body (third-party-response)",
                ),
                (
                    "src/fetch_json_vuln.mjs",
                    6,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    # -- flows
    ("flows", "BarrelSafe"): (),
    ("flows", "BarrelVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/lib/reports.ts",
            11,
            "high",
            ("eventbridge", "detail"),
            "EventBridge detail (event field `detail`, eventbridge trigger) reaches SQL query run (`pg.Pool().query`) in `byRegion()`.",
            (
                (
                    "src/barrel_vuln.ts",
                    7,
                    "event field `detail` read: EventBridge detail (eventbridge)",
                ),
                ("src/lib/reports.ts", 10, "passed to `byRegion()` as `region`"),
                ("src/lib/reports.ts", 11, "reaches `Pool().query()`: SQL query run"),
            ),
        ),
    ),
    ("flows", "BindSafe"): (),
    ("flows", "BindVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/bind_vuln.ts",
            8,
            "high",
            ("sqs", "Records[*].body"),
            "SQS message body (event field `Records[*].body`, sqs trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/bind_vuln.ts",
                    8,
                    "event field `Records[*].body` read: SQS message body (sqs)",
                ),
                (
                    "src/bind_vuln.ts",
                    8,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "BrokenTsVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/broken_ts_vuln.ts",
            5,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/broken_ts_vuln.ts",
                    5,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/broken_ts_vuln.ts",
                    5,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "BrokenVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/broken_vuln.js",
            4,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                (
                    "src/broken_vuln.js",
                    4,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                (
                    "src/broken_vuln.js",
                    4,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "CallbackSafe"): (),
    ("flows", "CallbackVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/callback_vuln.js",
            14,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches file system operation on a path from input (`fs.readFile`) in `<callback in handler>()`.",
            (
                ("src/callback_vuln.js", 5, "event field `body` read: request body (http-api)"),
                ("src/callback_vuln.js", 12, "passed to `<callback in handler>()` as `request`"),
                (
                    "src/callback_vuln.js",
                    14,
                    "reaches `fs.readFile()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    ("flows", "CjsDefaultSafe"): (),
    ("flows", "CjsDefaultVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/lib/run_query.js",
            6,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches SQL query run (`pg.Pool().query`) in `runQuery()`.",
            (
                (
                    "src/cjs_default_vuln.js",
                    4,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                ("src/lib/run_query.js", 5, "passed to `runQuery()` as `sql`"),
                ("src/lib/run_query.js", 6, "reaches `Pool().query()`: SQL query run"),
            ),
        ),
    ),
    ("flows", "ClassSafe"): (),
    ("flows", "ClassVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/lib/reports.ts",
            11,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches SQL query run (`pg.Pool().query`) in `byRegion()`.",
            (
                (
                    "src/class_vuln.ts",
                    8,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/lib/reports.ts", 10, "passed to `byRegion()` as `region`"),
                ("src/lib/reports.ts", 11, "reaches `Pool().query()`: SQL query run"),
            ),
        ),
    ),
    ("flows", "ClosureSafe"): (),
    ("flows", "ClosureVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/closure_vuln.js",
            4,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.execSync`) in `<callback in makeRunner>()`.",
            (
                ("src/closure_vuln.js", 8, "event field `body` read: request body (http-api)"),
                ("src/closure_vuln.js", 9, "assigned to `first`"),
                (
                    "src/closure_vuln.js",
                    4,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "EsmImportSafe"): (),
    ("flows", "EsmImportVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/lib/archive.mjs",
            7,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `unpack()`.",
            (
                ("src/esm_import_vuln.mjs", 4, "event field `body` read: request body (http-api)"),
                ("src/lib/archive.mjs", 6, "passed to `unpack()` as `name`"),
                (
                    "src/lib/archive.mjs",
                    7,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "IntermoduleSafe"): (),
    ("flows", "IntermoduleVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/lib/db.js",
            7,
            "high",
            ("http-api", "pathParameters"),
            "path parameters (event field `pathParameters`, http-api trigger) reaches SQL query run (`pg.Pool().query`) in `findOrders()`.",
            (
                (
                    "src/intermodule_vuln.js",
                    4,
                    "event field `pathParameters` read: path parameters (http-api)",
                ),
                ("src/lib/db.js", 5, "passed to `findOrders()` as `customer`"),
                ("src/lib/db.js", 6, "built into a string"),
                ("src/lib/db.js", 7, "reaches `Pool().query()`: SQL query run"),
            ),
        ),
    ),
    ("flows", "LodashSafe"): (),
    ("flows", "LodashVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/lodash_vuln.js",
            7,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `handler()`.",
            (
                ("src/lodash_vuln.js", 5, "event field `body` read: request body (http-api)"),
                ("src/lodash_vuln.js", 6, "copied by lodash.get"),
                (
                    "src/lodash_vuln.js",
                    7,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "PromiseSafe"): (),
    ("flows", "PromiseVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/promise_vuln.js",
            7,
            "high",
            ("http-api", "body"),
            "request body (event field `body`, http-api trigger) reaches command run through a shell (`child_process.exec`) in `<callback in handler>()`.",
            (
                ("src/promise_vuln.js", 4, "event field `body` read: request body (http-api)"),
                ("src/promise_vuln.js", 5, "passed through `resolve().then()`"),
                ("src/promise_vuln.js", 6, "passed to `<callback in handler>()` as `request`"),
                (
                    "src/promise_vuln.js",
                    7,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
    ),
    ("flows", "PrototypeSafe"): (),
    ("flows", "PrototypeVuln"): (
        Expect(
            "FG2002",
            "code.sql-injection",
            "src/lib/legacy_repo.js",
            8,
            "high",
            ("http-api", "queryStringParameters"),
            "query string (event field `queryStringParameters`, http-api trigger) reaches SQL query run (`mysql.createConnection().query`) in `byStatus()`.",
            (
                (
                    "src/prototype_vuln.js",
                    6,
                    "event field `queryStringParameters` read: query string (http-api)",
                ),
                ("src/lib/legacy_repo.js", 7, "passed to `byStatus()` as `status`"),
                (
                    "src/lib/legacy_repo.js",
                    8,
                    "reaches `createConnection().query()`: SQL query run",
                ),
            ),
        ),
    ),
    # -- express
    ("express", "AppSafe"): (),
    ("express", "AppVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/app_vuln.js",
            11,
            "high",
            ("http-api", "request body"),
            'request body (http-api) reaches command run through a shell (`child_process.exec`) in `<app.post("/jobs") callback>()`.',
            (
                ("src/app_vuln.js", 11, "`request.body` read: request body (http-api)"),
                (
                    "src/app_vuln.js",
                    11,
                    "reaches `child_process.exec()`: command run through a shell",
                ),
            ),
        ),
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/app_vuln.js",
            19,
            "high",
            ("http-api", "path parameters"),
            'path parameters (http-api) reaches file sent from a path from input (`express.response.sendFile`) in `<app.get("/static/:file") callback>()`.',
            (
                ("src/app_vuln.js", 19, "`request.params` read: path parameters (http-api)"),
                (
                    "src/app_vuln.js",
                    19,
                    "reaches `response.sendFile()`: file sent from a path from input",
                ),
            ),
        ),
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/routes/files.js",
            7,
            "high",
            ("http-api", "path parameters"),
            'path parameters (http-api) reaches file system operation on a path from input (`fs.promises.readFile`) in `<router.get("/:name") callback>()`.',
            (
                ("src/routes/files.js", 7, "`request.params` read: path parameters (http-api)"),
                (
                    "src/routes/files.js",
                    7,
                    "reaches `promises.readFile()`: file system operation on a path from input",
                ),
            ),
        ),
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/routes/files.js",
            12,
            "high",
            ("http-api", "headers"),
            'headers (http-api) reaches file system operation on a path from input (`fs.unlinkSync`) in `<router.delete("/:name") callback>()`.',
            (
                ("src/routes/files.js", 12, "`request.headers` read: headers (http-api)"),
                (
                    "src/routes/files.js",
                    12,
                    "reaches `fs.unlinkSync()`: file system operation on a path from input",
                ),
            ),
        ),
        Expect(
            "FG2007",
            "code.xss",
            "src/app_vuln.js",
            15,
            "high",
            ("http-api", "query string"),
            "query string (http-api) reaches response sent as HTML (Express's type for a string body) (`express.response.send`) in `hello()`.",
            (
                ("src/app_vuln.js", 15, "`request.query` read: query string (http-api)"),
                (
                    "src/app_vuln.js",
                    15,
                    "reaches `response.send()`: response sent as HTML (Express's type for a string body)",
                ),
            ),
        ),
    ),
    ("express", "FastifySafe"): (),
    ("express", "FastifyVuln"): (
        Expect(
            "FG2006",
            "code.path-traversal",
            "src/fastify_vuln.mjs",
            8,
            "high",
            ("http-api", "path parameters"),
            'path parameters (http-api) reaches file system operation on a path from input (`fs/promises.readFile`) in `<app.get("/docs/:name") callback>()`.',
            (
                ("src/fastify_vuln.mjs", 8, "`request.params` read: path parameters (http-api)"),
                (
                    "src/fastify_vuln.mjs",
                    8,
                    "reaches `fs/promises.readFile()`: file system operation on a path from input",
                ),
            ),
        ),
    ),
    # -- inline
    ("inline", "InlineSafe"): (),
    ("inline", "InlineVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "template.yaml",
            16,
            "high",
            ("s3", "Records[*].s3.bucket.name"),
            "S3 bucket name (event field `Records[*].s3.bucket.name`, s3 trigger) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "template.yaml",
                    15,
                    "event field `Records[*].s3.bucket.name` read: S3 bucket name (s3)",
                ),
                (
                    "template.yaml",
                    16,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
    # -- invoke
    ("invoke", "CallerFunction"): (),
    ("invoke", "NightlySafe"): (),
    ("invoke", "WorkerVuln"): (
        Expect(
            "FG2001",
            "code.command-injection",
            "src/worker.mjs",
            4,
            "medium",
            ("unknown", "archive"),
            "event field `archive` (function has no known trigger: its callers' data) reaches command run through a shell (`child_process.execSync`) in `handler()`.",
            (
                (
                    "src/worker.mjs",
                    4,
                    "event field `archive` read: event of a function with no known trigger (unknown)",
                ),
                (
                    "src/worker.mjs",
                    4,
                    "reaches `child_process.execSync()`: command run through a shell",
                ),
            ),
        ),
    ),
}


@pytest.mark.parametrize(("area", "function"), sorted(CASES), ids=lambda v: str(v))
def test_fixture_function_reports_exactly_its_flows(area: str, function: str) -> None:
    found = [as_expect(f) for f in code_findings(area, function) if f.rule_id != "FG0001"]
    assert found == list(CASES[area, function])


def test_every_vulnerable_case_has_a_finding_and_every_safe_twin_none() -> None:
    for (area, function), expected in CASES.items():
        vulnerable = function.endswith("Vuln")
        assert bool(expected) == vulnerable, f"{area}/{function}"


def test_every_function_of_every_fixture_project_is_a_case() -> None:
    areas = {area for area, _ in CASES}
    for area in areas:
        result = scan_area(area)
        names = {fn.name for app in result.applications for fn in app.functions}
        assert names == {fn for a, fn in CASES if a == area}, area


def test_a_syntax_error_is_reported_and_the_code_before_it_still_analysed() -> None:
    result = scan_area("flows")
    parse_errors = [(f.rule_id, f.file, f.line) for f in result.findings if f.rule_id == "FG0001"]
    assert sorted(parse_errors) == [
        ("FG0001", "src/broken_ts_vuln.ts", 9),
        ("FG0001", "src/broken_vuln.js", 8),
    ]
    for function in ("BrokenVuln", "BrokenTsVuln"):
        found = [f.rule_id for f in code_findings("flows", function) if f.rule_id != "FG0001"]
        assert found == ["FG2001"], function


def test_a_function_without_a_trigger_is_tainted_with_medium_confidence() -> None:
    (finding,) = code_findings("sources", "InvokedVuln")
    assert finding.source is not None
    assert (finding.confidence.value, finding.source.trigger) == ("medium", "unknown")
