"""Every Python sink of the tables: a vulnerable handler with its exact finding, a safe twin clean.

Fixture: tests/fixtures/code/python/sinks (one SAM function per case, all behind an HTTP API,
named <Module><Case>Vuln / <Module><Case>Safe). A sink matched by method name only (a cursor
the engine cannot name) is medium confidence; a tainted path on a fixed host is medium severity.
"""

from __future__ import annotations

import pytest

from tests.code.support import FIXTURES, Row, analyze, by_function

EXPECTED: dict[str, list[Row]] = {
    "CommandShellTrueVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/command.py",
            8,
            "CommandShellTrueVuln",
            "high",
            (
                "src/command.py:7 event field `queryStringParameters` read: query string (http-api)",
                "src/command.py:8 reaches `subprocess.run()`: command run through a shell",
            ),
        ),
    ],
    "CommandOsSystemVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/command.py",
            12,
            "CommandOsSystemVuln",
            "high",
            (
                "src/command.py:12 event field `body` read: request body (http-api)",
                "src/command.py:12 reaches `os.system()`: command run through a shell",
            ),
        ),
    ],
    "CommandPopenVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/command.py",
            16,
            "CommandPopenVuln",
            "high",
            (
                "src/command.py:16 event field `pathParameters` read: path parameters (http-api)",
                "src/command.py:16 reaches `os.popen()`: command run through a shell",
            ),
        ),
    ],
    "CommandShCVuln": [
        (
            "FG2001",
            "code.command-injection",
            "src/command.py",
            20,
            "CommandShCVuln",
            "high",
            (
                "src/command.py:20 event field `body` read: request body (http-api)",
                "src/command.py:20 reaches `subprocess.check_output()`: command run by a shell with -c",
            ),
        ),
    ],
    "CommandArgvSafe": [],
    "CommandQuotedSafe": [],
    "SqlFstringVuln": [
        (
            "FG2002",
            "code.sql-injection",
            "src/sql.py",
            13,
            "SqlFstringVuln",
            "high",
            (
                "src/sql.py:12 event field `pathParameters` read: path parameters (http-api)",
                "src/sql.py:13 reaches `cursor().execute()`: SQL query run",
            ),
        ),
    ],
    "SqlParamsSafe": [],
    "SqlPymysqlVuln": [
        (
            "FG2002",
            "code.sql-injection",
            "src/sql.py",
            26,
            "SqlPymysqlVuln",
            "high",
            (
                "src/sql.py:26 event field `body` read: request body (http-api)",
                "src/sql.py:26 reaches `cursor().execute()`: SQL query run",
            ),
        ),
    ],
    "SqlSqlalchemyTextVuln": [
        (
            "FG2002",
            "code.sql-injection",
            "src/sql.py",
            30,
            "SqlSqlalchemyTextVuln",
            "high",
            (
                "src/sql.py:30 event field `body` read: request body (http-api)",
                "src/sql.py:30 reaches `sqlalchemy.text()`: SQL text built for SQLAlchemy",
            ),
        ),
    ],
    "SqlWrongSanitizerVuln": [
        (
            "FG2002",
            "code.sql-injection",
            "src/sql.py",
            35,
            "SqlWrongSanitizerVuln",
            "high",
            (
                "src/sql.py:35 event field `body` read: request body (http-api)",
                "src/sql.py:35 reaches `cursor().execute()`: SQL query run",
            ),
        ),
    ],
    "SqlUnknownCursorVuln": [
        (
            "FG2002",
            "code.sql-injection",
            "src/sql.py",
            39,
            "SqlUnknownCursorVuln",
            "medium",
            (
                "src/sql.py:39 event field `body` read: request body (http-api)",
                "src/sql.py:39 reaches `execute()`: SQL query run",
            ),
        ),
    ],
    "NosqlFilterVuln": [
        (
            "FG2003",
            "code.nosql-injection",
            "src/nosql.py",
            14,
            "NosqlFilterVuln",
            "high",
            (
                "src/nosql.py:13 event field `queryStringParameters` read: query string (http-api)",
                "src/nosql.py:14 reaches `Table().scan()`: DynamoDB expression built from input",
            ),
        ),
    ],
    "NosqlConditionSafe": [],
    "NosqlPartiqlVuln": [
        (
            "FG2003",
            "code.nosql-injection",
            "src/nosql.py",
            24,
            "NosqlPartiqlVuln",
            "high",
            (
                "src/nosql.py:23 event field `body` read: request body (http-api)",
                "src/nosql.py:24 reaches `client(dynamodb).execute_statement()`: PartiQL statement built from input",
            ),
        ),
    ],
    "NosqlMongoWholeVuln": [
        (
            "FG2003",
            "code.nosql-injection",
            "src/nosql.py",
            29,
            "NosqlMongoWholeVuln",
            "high",
            (
                "src/nosql.py:28 event field `body` read: request body (http-api)",
                "src/nosql.py:29 reaches `users.find()`: MongoDB query object taken whole from input",
            ),
        ),
    ],
    "NosqlMongoFieldsSafe": [],
    "NosqlMongoWhereVuln": [
        (
            "FG2003",
            "code.nosql-injection",
            "src/nosql.py",
            39,
            "NosqlMongoWhereVuln",
            "high",
            (
                "src/nosql.py:38 event field `queryStringParameters` read: query string (http-api)",
                "src/nosql.py:39 reaches `users.find()`: MongoDB `$where` clause built from input",
            ),
        ),
    ],
    "CodeEvalVuln": [
        (
            "FG2004",
            "code.code-injection",
            "src/code.py",
            5,
            "CodeEvalVuln",
            "high",
            (
                "src/code.py:5 event field `body` read: request body (http-api)",
                "src/code.py:5 reaches `eval()`: string evaluated as Python code",
            ),
        ),
    ],
    "CodeIntSafe": [],
    "CodeImportVuln": [
        (
            "FG2004",
            "code.code-injection",
            "src/code.py",
            13,
            "CodeImportVuln",
            "high",
            (
                "src/code.py:13 event field `pathParameters` read: path parameters (http-api)",
                "src/code.py:13 reaches `importlib.import_module()`: module imported by a name from input",
            ),
        ),
    ],
    "CodeAllowlistSafe": [],
    "TemplateTemplateVuln": [
        (
            "FG2005",
            "code.template-injection",
            "src/template.py",
            6,
            "TemplateTemplateVuln",
            "high",
            (
                "src/template.py:6 event field `body` read: request body (http-api)",
                "src/template.py:6 reaches `jinja2.Template()`: template compiled from input",
            ),
        ),
    ],
    "TemplateEnvVuln": [
        (
            "FG2005",
            "code.template-injection",
            "src/template.py",
            11,
            "TemplateEnvVuln",
            "high",
            (
                "src/template.py:11 event field `body` read: request body (http-api)",
                "src/template.py:11 reaches `Environment().from_string()`: template compiled from input",
            ),
        ),
    ],
    "TemplateVariableSafe": [],
    "PathOpenVuln": [
        (
            "FG2006",
            "code.path-traversal",
            "src/path.py",
            9,
            "PathOpenVuln",
            "high",
            (
                "src/path.py:9 event field `pathParameters` read: path parameters (http-api)",
                "src/path.py:9 reaches `open()`: file opened at a path from input",
            ),
        ),
    ],
    "PathJoinVuln": [
        (
            "FG2006",
            "code.path-traversal",
            "src/path.py",
            14,
            "PathJoinVuln",
            "high",
            (
                "src/path.py:14 event field `pathParameters` read: path parameters (http-api)",
                "src/path.py:14 reaches `os.remove()`: file system operation on a path from input",
            ),
        ),
    ],
    "PathBasenameSafe": [],
    "PathRealpathSafe": [],
    "PathTarVuln": [
        (
            "FG2006",
            "code.path-traversal",
            "src/path.py",
            32,
            "PathTarVuln",
            "high",
            (
                "src/path.py:31 event field `body` read: request body (http-api)",
                "src/path.py:32 reaches `open().extractall()`: archive from input extracted without a member check",
            ),
        ),
    ],
    "XssHeaderVuln": [
        (
            "FG2007",
            "code.xss",
            "src/xss.py",
            6,
            "XssHeaderVuln",
            "high",
            (
                "src/xss.py:5 event field `queryStringParameters` read: query string (http-api)",
                "src/xss.py:9 built into a string",
                "src/xss.py:6 returned as the response: HTML response built from input",
            ),
        ),
    ],
    "XssMarkupVuln": [
        (
            "FG2007",
            "code.xss",
            "src/xss.py",
            14,
            "XssMarkupVuln",
            "high",
            (
                "src/xss.py:14 event field `body` read: request body (http-api)",
                "src/xss.py:14 returned as the response: HTML response built from input",
            ),
        ),
    ],
    "XssEscapedSafe": [],
    "XssJsonSafe": [],
    "DeserPickleVuln": [
        (
            "FG2008",
            "code.deserialization",
            "src/deser.py",
            8,
            "DeserPickleVuln",
            "high",
            (
                "src/deser.py:8 event field `body` read: request body (http-api)",
                "src/deser.py:8 reaches `pickle.loads()`: data from input deserialized",
            ),
        ),
    ],
    "DeserYamlVuln": [
        (
            "FG2008",
            "code.deserialization",
            "src/deser.py",
            12,
            "DeserYamlVuln",
            "high",
            (
                "src/deser.py:12 event field `body` read: request body (http-api)",
                "src/deser.py:12 reaches `yaml.load()`: YAML loaded with an unsafe loader",
            ),
        ),
    ],
    "DeserYamlDefaultVuln": [
        (
            "FG2008",
            "code.deserialization",
            "src/deser.py",
            16,
            "DeserYamlDefaultVuln",
            "high",
            (
                "src/deser.py:16 event field `body` read: request body (http-api)",
                "src/deser.py:16 reaches `yaml.load()`: YAML loaded with an unsafe loader",
            ),
        ),
    ],
    "DeserYamlSafe": [],
    "DeserSafeLoadSafe": [],
    "SsrfUrlVuln": [
        (
            "FG2009",
            "code.ssrf",
            "src/ssrf.py",
            10,
            "SsrfUrlVuln",
            "high",
            (
                "src/ssrf.py:10 event field `queryStringParameters` read: query string (http-api)",
                "src/ssrf.py:10 reaches `requests.get()`: outbound request to a URL from input",
            ),
        ),
    ],
    "SsrfUrlopenVuln": [
        (
            "FG2009",
            "code.ssrf",
            "src/ssrf.py",
            14,
            "SsrfUrlopenVuln",
            "high",
            (
                "src/ssrf.py:14 event field `body` read: request body (http-api)",
                "src/ssrf.py:14 reaches `request.urlopen()`: outbound request to a URL from input",
            ),
        ),
    ],
    "SsrfAllowlistSafe": [],
    "SsrfFixedHostVuln": [
        (
            "FG2009",
            "code.ssrf",
            "src/ssrf.py",
            26,
            "SsrfFixedHostVuln",
            "high",
            (
                "src/ssrf.py:25 event field `pathParameters` read: path parameters (http-api)",
                "src/ssrf.py:26 reaches `requests.get()`: outbound request to a URL from input",
            ),
        ),
    ],
    "XxeLxmlVuln": [
        (
            "FG2010",
            "code.xxe",
            "src/xxe.py",
            6,
            "XxeLxmlVuln",
            "high",
            (
                "src/xxe.py:6 event field `body` read: request body (http-api)",
                "src/xxe.py:6 reaches `etree.fromstring()`: XML from input parsed resolving external entities",
            ),
        ),
    ],
    "XxeLxmlDefaultSafe": [],
    "XxeSaxVuln": [
        (
            "FG2010",
            "code.xxe",
            "src/xxe.py",
            18,
            "XxeSaxVuln",
            "high",
            (
                "src/xxe.py:18 event field `body` read: request body (http-api)",
                "src/xxe.py:18 reaches `make_parser().parse()`: XML from input parsed resolving external entities",
            ),
        ),
    ],
    "XxeSaxDefaultSafe": [],
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[Row]]:
    findings, issues = analyze(FIXTURES / "sinks")
    assert issues == []
    return by_function(findings)


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_case(results: dict[str, list[Row]], function: str) -> None:
    assert results.get(function, []) == EXPECTED[function]


def test_no_finding_outside_the_cases(results: dict[str, list[Row]]) -> None:
    assert set(results) <= set(EXPECTED)


def test_vulnerable_and_safe_cases_are_named_for_their_expectation(
    results: dict[str, list[Row]],
) -> None:
    assert all(not rows for name, rows in EXPECTED.items() if name.endswith("Safe"))
    assert all(rows for name, rows in EXPECTED.items() if name.endswith("Vuln"))


def test_a_tainted_path_on_a_fixed_host_is_medium_severity() -> None:
    findings, _ = analyze(FIXTURES / "sinks")
    severities = {f.function: f.severity.value for f in findings if f.rule_id == "FG2009"}
    assert severities == {
        "SsrfUrlVuln": "high",
        "SsrfUrlopenVuln": "high",
        "SsrfFixedHostVuln": "medium",
    }
