"""Row types of the declarative taint tables (house style 16: knowledge is data, not code).

A row names a callee by its *qualified path*, the way the engine sees a value:

* a module member: ``subprocess.run``, ``os.path.join``, ``child_process.exec``;
* a method on what a call returned: ``sqlite3.connect().execute``,
  ``sqlite3.connect().cursor().execute``, ``mysql.createConnection().query`` (``()`` marks a
  call or ``new``; arguments are left out, except the first literal string argument of a
  factory listed in ``FACTORIES`` such as ``boto3.client(dynamodb).execute_statement``);
* any receiver: ``*.execute`` matches a method called ``execute`` on a value the engine could
  not name (lower confidence; use only for names that are unambiguous).

Conditions are a small closed set the engine implements (:data:`CONDITIONS`), so a new sink is
a row, not code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CMD",
    "CODE",
    "CONDITIONS",
    "DESER",
    "FACTORIES",
    "NOSQL",
    "PATH",
    "SQL",
    "SSRF",
    "TPL",
    "XSS",
    "XXE",
    "EventField",
    "FlagModel",
    "LanguageModels",
    "RouteModel",
    "SanitizerModel",
    "SinkModel",
    "SourceModel",
    "SummaryModel",
    "ValidatorModel",
]

# The sink categories of the taxonomy, in the short names every table row uses.
CMD = "code.command-injection"
SQL = "code.sql-injection"
NOSQL = "code.nosql-injection"
CODE = "code.code-injection"
TPL = "code.template-injection"
PATH = "code.path-traversal"
XSS = "code.xss"
DESER = "code.deserialization"
SSRF = "code.ssrf"
XXE = "code.xxe"

#: Sink conditions the engine understands.
CONDITIONS = {
    "shell": "the call runs a shell: keyword `shell=True`, or an options object with "
    "`shell: true` (JS), or argv[0] is a shell with `-c`",
    "shell-argv": "argv[0] is a shell (`sh`, `bash`, `cmd`...) followed by `-c`/`/c`: the "
    "dangerous argument is the command string after it",
    "unsafe-yaml-loader": "no `Loader=` or a loader other than SafeLoader/CSafeLoader/BaseLoader",
    "flag:xxe": "the parser argument (or the receiver) was created or configured to resolve "
    "external entities (see FlagModel rows)",
    "whole": "only the argument's own taint counts (an object taken whole from input), not "
    "tainted values placed inside a literal built by the code",
    "where-key": "an object literal with a `$where` key whose value is tainted",
    "string-arg": "the argument is a string (a code string, not a function): JS setTimeout",
}

#: Factories whose first literal string argument is part of the path (the AWS service).
FACTORIES = frozenset(
    {
        "boto3.client",
        "boto3.resource",
        "boto3.session.Session().client",
        "boto3.session.Session().resource",
        "boto3.Session().client",
        "boto3.Session().resource",
    }
)


@dataclass(frozen=True, slots=True)
class SinkModel:
    """A call that is dangerous when event data reaches one of its arguments.

    Attributes:
        callee: the qualified path of the callee (see the module docstring).
        category: the taxonomy category (``code.sql-injection``); it picks the FG2xxx rule.
        what: what happens there, for the trace and the message ("SQL query run").
        args: dangerous positional argument indexes (-1 for "the receiver").
        kwargs: dangerous keyword arguments (Python) or option-object keys (JS).
        condition: a key of :data:`CONDITIONS` that must hold, or None.
        fixture: the test fixture that exercises the row (documentation and a test check).
    """

    callee: str
    category: str
    what: str
    args: tuple[int, ...] = (0,)
    kwargs: tuple[str, ...] = ()
    condition: str | None = None
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class SanitizerModel:
    """A call whose result is safe for some sink categories.

    Attributes:
        callee: the qualified path.
        clears: sink categories the result is safe for; ``("*",)`` for all (a conversion to a
            number, a UUID).
        what: how it makes data safe ("quoted for a shell").
        fixture: the test fixture that exercises the row.
    """

    callee: str
    clears: tuple[str, ...]
    what: str
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class ValidatorModel:
    """A call or decorator that validates data in place (schema validation on the path).

    After ``validate(event=event, schema=S)`` the argument is validated: every later use of
    that variable is clean. As a decorator on the handler, the event parameter is clean.

    Attributes:
        callee: the qualified path of the validating function or decorator (factory).
        arg: positional index of the validated argument (-1: none, use ``kwarg``).
        kwarg: keyword naming the validated argument (``event``).
        decorator: True when the row is a decorator (``@validator(...)``, ``@event_parser``).
        guard: True for a validator that returns a verdict instead of raising (ajv's compiled
            function): it clears the argument only on the branch where the call is truthy.
        what: words for the trace.
    """

    callee: str
    what: str
    arg: int = 0
    kwarg: str | None = None
    decorator: bool = False
    guard: bool = False
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class SummaryModel:
    """What a library call does with taint: its result carries the taint of these arguments.

    Calls with no row propagate taint too, but as an approximation (medium confidence);
    a row makes the flow exact. ``args=(-1,)`` means the receiver (``s.strip()``).
    ``alias=True``: the result *is* the first listed argument (``util.promisify(exec)`` is
    still ``child_process.exec`` when called).
    """

    callee: str
    what: str
    args: tuple[int, ...] = (0,)
    kwargs: tuple[str, ...] = ()
    alias: bool = False
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class SourceModel:
    """Attacker-controlled data that does not come from the event parameter.

    Attributes:
        path: a qualified path; reading it (or anything below it, or calling it) is tainted:
            ``flask.request.args``, ``requests.get().json``, ``fetch()``.
        kind: ``"http"`` (a web framework's request: tainted when the function has an HTTP
            trigger or none), ``"third-party-response"`` (an outside service's response,
            reported as unvalidated-response), or a trigger kind value (``"s3"``).
        field: the field name reported ("query string", "response body").
        requires_tainted_arg: the source holds only when an argument of the call is tainted
            (an S3 object fetched with the event's key).
    """

    path: str
    kind: str
    field: str
    requires_tainted_arg: bool = False
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class FlagModel:
    """A constructor argument or method call that marks a value.

    For example an XML parser configured to resolve external entities gets flag ``xxe``.

    Attributes:
        callee: the qualified path of the constructor or method.
        flag: the flag set (``xxe``).
        kwarg: the keyword that must be passed (``resolve_entities``), or None.
        arg: the positional index that must be passed, or None.
        value: the literal the argument must have (True, False, 1); None: any value.
        on_receiver: a method call sets the flag on its receiver (``parser.setFeature``).
    """

    callee: str
    flag: str
    kwarg: str | None = None
    arg: int | None = None
    value: str | int | float | bool | None = True
    on_receiver: bool = False
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class RouteModel:
    """A web framework call that registers a route handler (``app.get('/x', (req, res) => ...)``).

    When the Lambda handler dispatches to the framework (its value's path is one of
    ``LanguageModels.dispatchers``, e.g. ``serverless-http()``), every registered route handler
    is an entry point: its parameters receive values with the given paths, so ``SourceModel``
    rows (``express.request.body``) and ``SinkModel`` rows (``express.response.send``) apply.

    Attributes:
        callee: the registering call's path; may be a glob (``express()*.get``).
        handler_arg: the position of the handler function among the call's arguments (-1: last).
        param_paths: the path given to each of the handler's parameters, in order.
    """

    callee: str
    handler_arg: int = -1
    param_paths: tuple[str, ...] = ()
    fixture: str = ""


@dataclass(frozen=True, slots=True)
class EventField:
    """An attacker-controlled part of a trigger's event.

    Attributes:
        kinds: the trigger kinds (``TriggerKind`` values) whose events carry it.
        path: the path below the event, ``*`` for any list index or map key
            (``("Records", "*", "s3", "object", "key")``).
        label: the name reported as the source ("S3 object key").
    """

    kinds: tuple[str, ...]
    path: tuple[str, ...]
    label: str


@dataclass(frozen=True, slots=True)
class LanguageModels:
    """All rows of one language."""

    language: str
    sinks: tuple[SinkModel, ...] = ()
    sanitizers: tuple[SanitizerModel, ...] = ()
    validators: tuple[ValidatorModel, ...] = ()
    summaries: tuple[SummaryModel, ...] = ()
    sources: tuple[SourceModel, ...] = ()
    flags: tuple[FlagModel, ...] = ()
    routes: tuple[RouteModel, ...] = ()
    #: Paths of values that hand the Lambda event to a web framework's routes when they are
    #: the exported handler (``serverless-http()``, ``@vendia/serverless-express()``) or called
    #: by it.
    dispatchers: tuple[str, ...] = ()
