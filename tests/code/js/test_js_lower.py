"""The JavaScript/TypeScript front-end: exact IR for each construct the taint engine relies on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.code import ir
from faasguard.code.interface import Language, SourceFile
from faasguard.code.javascript.lower import MAX_DEPTH, lower_module
from faasguard.code.parse import parse_script
from faasguard.loaders.interface import IssueKind


def lower(code: str, path: str = "handler.js") -> ir.Module:
    tree, issue = parse_script(path, code)
    language = Language.TYPESCRIPT if path.endswith(("ts", "tsx")) else Language.JAVASCRIPT
    source = SourceFile(path, language, code, tree, (issue,) if issue else ())
    return lower_module(source)


def body(code: str, path: str = "handler.js") -> tuple[ir.Stmt, ...]:
    return lower(code, path).body


def N(name: str, line: int = 1) -> ir.Name:  # noqa: N802 - reads like the IR
    return ir.Name(name, line)


def L(value: str | int | float | bool | None, line: int = 1) -> ir.Lit:  # noqa: N802
    return ir.Lit(value, line)


# -- modules ------------------------------------------------------------------------------------


def test_commonjs_requires_bind_the_module_or_its_members() -> None:
    code = (
        'const cp = require("child_process");\n'
        'const { exec, spawn: run } = require("child_process");\n'
        'const readFile = require("fs").readFile;\n'
    )
    assert body(code) == (
        ir.Import("cp", "child_process", None, 0, 1),
        ir.Import("exec", "child_process", "exec", 0, 2),
        ir.Import("run", "child_process", "spawn", 0, 2),
        ir.Import("readFile", "fs", "readFile", 0, 3),
    )


def test_a_module_called_where_it_is_required_gets_a_synthetic_binding() -> None:
    code = 'const knex = require("knex")({ client: "pg" });\n'
    assert body(code) == (
        ir.Import("require:knex", "knex", None, 0, 1),
        ir.Assign(
            N("knex"),
            ir.Call(N("require:knex"), (ir.Obj((L("client"),), (L("pg"),), 1),), (), 1),
            1,
        ),
    )


def test_esm_imports_default_of_a_package_is_the_package() -> None:
    code = (
        'import mysql from "mysql2/promise";\n'
        'import db, { find as lookup } from "./db.js";\n'
        'import * as path from "node:path";\n'
        'import type { Handler } from "aws-lambda";\n'
        'import { type Context, getItem } from "./types";\n'
    )
    assert body(code, "handler.ts") == (
        ir.Import("mysql", "mysql2/promise", None, 0, 1),
        ir.Import("db", "./db.js", "default", 0, 2),
        ir.Import("lookup", "./db.js", "find", 0, 2),
        ir.Import("path", "node:path", None, 0, 3),
        ir.Import("getItem", "./types", "getItem", 0, 5),
    )


def test_typescript_import_equals_require() -> None:
    assert body('import fs = require("fs");\n', "a.ts") == (ir.Import("fs", "fs", None, 0, 1),)


def test_commonjs_exports_in_every_spelling() -> None:
    code = (
        "exports.a = f;\nmodule.exports.b = g;\nmodule.exports = { c, d: h, e() { return 1; } };\n"
    )
    stmts = body(code)
    assert stmts[:4] == (
        ir.Export("a", N("f"), 1),
        ir.Export("b", N("g", 2), 2),
        ir.Export("c", N("c", 3), 3),
        ir.Export("d", N("h", 3), 3),
    )
    last = stmts[4]
    assert isinstance(last, ir.Export) and last.name == "e"
    assert isinstance(last.value, ir.FuncExpr)
    assert last.value.fn.body == (ir.Return(L(1, 3), 3),)


def test_chained_exports_share_one_value() -> None:
    stmts = body("exports.handler = exports.main = run;\n")
    assert stmts == (ir.Export("main", N("run"), 1), ir.Export("handler", N("run"), 1))


def test_barrel_re_exports_bind_the_whole_module() -> None:
    code = 'export * from "./reports";\nexport * as archive from "./archive.mjs";\n'
    assert body(code, "index.ts") == (
        ir.Import("require:./reports:*", "./reports", None, 0, 1),
        ir.Export("*", N("require:./reports:*"), 1),
        ir.Import("require:./archive.mjs:*", "./archive.mjs", None, 0, 2),
        ir.Export("archive", N("require:./archive.mjs:*", 2), 2),
    )


def test_a_method_call_in_a_chain_is_at_the_line_of_its_name() -> None:
    code = "const r = await db\n  .scan({ TableName: t })\n  .promise();\n"
    (stmt,) = body(code)
    assert isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Await)
    promise = stmt.value.value
    assert isinstance(promise, ir.Call) and promise.line == 3
    assert isinstance(promise.func, ir.Attr) and isinstance(promise.func.obj, ir.Call)
    assert promise.func.obj.line == 2


def test_module_exports_of_a_value_is_the_default_and_the_module_object() -> None:
    assert body("module.exports = router;\n") == (
        ir.Export("default", N("router"), 1),
        ir.Export("module.exports", N("router"), 1),
    )


def test_esm_exports() -> None:
    code = (
        "export const handler = async (event) => event.body;\n"
        "export function helper(x) { return x; }\n"
        "export { helper as alias };\n"
        'export { find } from "./db";\n'
        "export default helper;\n"
    )
    stmts = body(code)
    arrow = ir.FuncExpr(
        ir.FunctionDef(
            "handler",
            (ir.Param("event"),),
            (ir.Return(ir.Attr(N("event"), "body", 1), 1),),
            1,
            is_async=True,
        )
    )
    helper = ir.FunctionDef("helper", (ir.Param("x"),), (ir.Return(N("x", 2), 2),), 2)
    assert stmts == (
        ir.Assign(N("handler"), arrow, 1),
        ir.Export("handler", N("handler"), 1),
        ir.Def(helper),
        ir.Export("helper", N("helper", 2), 2),
        ir.Export("alias", N("helper", 3), 3),
        ir.Import("require:./db:find", "./db", "find", 0, 4),
        ir.Export("find", N("require:./db:find", 4), 4),
        ir.Export("default", N("helper", 5), 5),
    )


# -- expressions --------------------------------------------------------------------------------


def test_template_literals_and_string_concatenation_are_concat() -> None:
    code = "a = `ls ${dir} -l`;\nb = 'x' + y + z;\nc = n + 1;\n"
    assert body(code) == (
        ir.Assign(N("a"), ir.Concat((L("ls "), N("dir"), L(" -l")), 1), 1),
        ir.Assign(N("b", 2), ir.Concat((L("x", 2), N("y", 2), N("z", 2)), 2), 2),
        ir.Assign(N("c", 3), ir.Op("arith", (N("n", 3), L(1, 3)), 3), 3),
    )


def test_a_tagged_template_passes_literal_parts_then_values() -> None:
    assert body("q = sql`SELECT ${a} AND ${b}`;\n") == (
        ir.Assign(
            N("q"),
            ir.Call(
                N("sql"),
                (ir.Seq((L("SELECT "), L(" AND "), L("")), 1), N("a"), N("b")),
                (),
                1,
            ),
            1,
        ),
    )


def test_operators_map_to_the_ir_kinds_guards_need() -> None:
    code = "r = [a === b, a !== b, a && b, a || b, a ?? b, !a, typeof a, c ? d : e];\n"
    (stmt,) = body(code)
    assert isinstance(stmt, ir.Assign) and isinstance(stmt.value, ir.Seq)
    assert stmt.value.items == (
        ir.Op("compare:==", (N("a"), N("b")), 1),
        ir.Op("compare:!=", (N("a"), N("b")), 1),
        ir.Op("and", (N("a"), N("b")), 1),
        ir.Op("or", (N("a"), N("b")), 1),
        ir.Op("bool", (N("a"), N("b")), 1),
        ir.Op("not", (N("a"),), 1),
        ir.Op("typeof", (N("a"),), 1),
        ir.Op("cond", (N("d"), N("e")), 1),
    )


def test_objects_arrays_spread_and_optional_chaining() -> None:
    code = "o = { ...base, key: v, [k]: w, short };\narr = [...xs, 1];\ny = a?.b?.[c];\n"
    assert body(code) == (
        ir.Assign(
            N("o"),
            ir.Obj(
                (None, L("key"), N("k"), L("short")),
                (N("base"), N("v"), N("w"), N("short")),
                1,
            ),
            1,
        ),
        ir.Assign(N("arr", 2), ir.Seq((ir.Spread(N("xs", 2), 2), L(1, 2)), 2), 2),
        ir.Assign(N("y", 3), ir.Index(ir.Attr(N("a", 3), "b", 3), N("c", 3), 3), 3),
    )


def test_typescript_casts_and_non_null_assertions_disappear() -> None:
    code = "const n = (event.body as string)!;\nconst m = <string>event.path satisfies string;\n"
    assert body(code, "h.ts") == (
        ir.Assign(N("n"), ir.Attr(N("event"), "body", 1), 1),
        ir.Assign(N("m", 2), ir.Attr(N("event", 2), "path", 2), 2),
    )


def test_new_await_and_promise_callbacks() -> None:
    code = "const r = await new Client().query(sql).then((res) => res.rows);\n"
    (stmt,) = body(code)
    assert stmt == ir.Assign(
        N("r"),
        ir.Await(
            ir.Call(
                ir.Attr(
                    ir.Call(
                        ir.Attr(ir.Call(N("Client"), (), (), 1, new=True), "query", 1),
                        (N("sql"),),
                        (),
                        1,
                    ),
                    "then",
                    1,
                ),
                (
                    ir.FuncExpr(
                        ir.FunctionDef(
                            "<new Client().query(sql).then() callback>",
                            (ir.Param("res"),),
                            (ir.Return(ir.Attr(N("res"), "rows", 1), 1),),
                            1,
                        )
                    ),
                ),
                (),
                1,
            ),
            1,
        ),
        1,
    )


def test_functions_are_named_as_javascript_names_them() -> None:
    code = (
        "exports.handler = async (event) => {\n"
        "  items.forEach((item) => use(item));\n"
        "};\n"
        "const helper = function () {};\n"
        "module.exports = { parse: (x) => x, named: function inner() {} };\n"
    )
    stmts = body(code)
    names = []
    for stmt in stmts:
        value = stmt.value if isinstance(stmt, (ir.Export, ir.Assign)) else None
        if isinstance(value, ir.FuncExpr):
            names.append(value.fn.name)
    assert names == ["handler", "helper", "parse", "inner"]
    handler = stmts[0]
    assert isinstance(handler, ir.Export) and isinstance(handler.value, ir.FuncExpr)
    (loop,) = handler.value.fn.body
    assert isinstance(loop, ir.ExprStmt) and isinstance(loop.expr, ir.Call)
    callback = loop.expr.args[0]
    assert isinstance(callback, ir.FuncExpr)
    assert callback.fn.name == "<callback in handler>"


def test_a_callback_registered_at_module_level_is_named_after_the_call() -> None:
    (stmt,) = body('app.get("/files/:name", async (req, res) => res.send(req.params.name));\n')
    assert isinstance(stmt, ir.ExprStmt) and isinstance(stmt.expr, ir.Call)
    route = stmt.expr.args[1]
    assert isinstance(route, ir.FuncExpr)
    assert route.fn.name == '<app.get("/files/:name") callback>'
    assert route.fn.is_async


def test_nested_assignment_is_emitted_before_its_statement() -> None:
    assert body("f(a = b.c);\n") == (
        ir.Assign(N("a"), ir.Attr(N("b"), "c", 1), 1),
        ir.ExprStmt(ir.Call(N("f"), (N("a"),), (), 1), 1),
    )


# -- patterns and parameters --------------------------------------------------------------------


def test_destructuring_with_renames_defaults_nesting_holes_and_rest() -> None:
    code = "const { a, b: c = 1, d: { e }, ...rest } = x;\nconst [f, , g, ...h] = y;\n"
    assert body(code) == (
        ir.Assign(
            ir.Pattern(
                (("a", N("a")), ("b", N("c")), ("d", ir.Pattern((("e", N("e")),)))),
                N("rest"),
            ),
            N("x"),
            1,
        ),
        ir.Assign(
            ir.Pattern(((0, N("f", 2)), (2, N("g", 2))), N("h", 2)),
            N("y", 2),
            2,
        ),
    )


def test_a_computed_key_in_a_pattern_reads_any_field() -> None:
    assert body("const { [name]: value } = params;\n") == (
        ir.Assign(ir.Pattern((("*", N("value")),)), N("params"), 1),
    )


def test_parameters_patterns_defaults_rest_and_typescript_annotations() -> None:
    code = "function h({ body }, ctx = {}, ...more) {}\nconst t = (e: Event, n?: number) => e;\n"
    stmts = body(code, "h.ts")
    fn = stmts[0]
    assert isinstance(fn, ir.Def)
    assert fn.fn.params == (
        ir.Param("", pattern=ir.Pattern((("body", N("body")),))),
        ir.Param("ctx", default=ir.Obj((), (), 1)),
        ir.Param("more", kind="varargs"),
    )
    arrow = stmts[1]
    assert isinstance(arrow, ir.Assign) and isinstance(arrow.value, ir.FuncExpr)
    assert arrow.value.fn.params == (
        ir.Param("e", annotation="Event"),
        ir.Param("n", annotation="number"),
    )


# -- statements ---------------------------------------------------------------------------------


def test_classes_fields_parameter_properties_and_methods() -> None:
    code = (
        "class Repo extends Base {\n"
        "  table = process.env.TABLE;\n"
        "  constructor(private readonly pool: Pool) { super(); }\n"
        "  async find(id: string) { return this.pool.query(id); }\n"
        "}\n"
    )
    (stmt,) = body(code, "repo.ts")
    assert isinstance(stmt, ir.ClassStmt)
    cls = stmt.cls
    assert (cls.name, cls.bases, cls.line) == ("Repo", (N("Base"),), 1)
    assert cls.body == (
        ir.Assign(
            ir.Attr(N("this", 2), "table", 2),
            ir.Attr(ir.Attr(N("process", 2), "env", 2), "TABLE", 2),
            2,
        ),
    )
    constructor, find = cls.methods
    assert constructor.name == "constructor"
    assert constructor.body == (
        ir.Assign(ir.Attr(N("this", 3), "pool", 3), N("pool", 3), 3),
        ir.ExprStmt(ir.Call(N("super", 3), (), (), 3), 3),
    )
    assert find.is_async and find.name == "find"
    assert find.body == (
        ir.Return(
            ir.Call(ir.Attr(ir.Attr(N("this", 4), "pool", 4), "query", 4), (N("id", 4),), (), 4),
            4,
        ),
    )


def test_decorators_of_classes_and_methods_are_kept() -> None:
    code = (
        "@injectable()\n"
        "class Lambda {\n"
        "  @tracer.captureLambdaHandler()\n"
        "  @parser({ schema: Order })\n"
        "  public async handler(event: unknown) {}\n"
        "}\n"
    )
    (stmt,) = body(code, "h.ts")
    assert isinstance(stmt, ir.ClassStmt)
    assert stmt.cls.decorators == (ir.Call(N("injectable"), (), (), 1),)
    (method,) = stmt.cls.methods
    assert method.decorators == (
        ir.Call(ir.Attr(N("tracer", 3), "captureLambdaHandler", 3), (), (), 3),
        ir.Call(N("parser", 4), (ir.Obj((L("schema", 4),), (N("Order", 4),), 4),), (), 4),
    )


def test_a_constructor_function_with_prototype_methods_is_a_class() -> None:
    code = (
        "function Repo(pool) { this.pool = pool; }\n"
        "Repo.prototype.find = function (id) { return this.pool.query(id); };\n"
        "Repo.prototype = { count: function () { return 1; } };\n"
        "function helper() {}\n"
    )
    stmts = body(code)
    assert [type(s).__name__ for s in stmts] == ["ClassStmt", "Def"]
    cls = stmts[0]
    assert isinstance(cls, ir.ClassStmt)
    assert (cls.cls.name, [m.name for m in cls.cls.methods]) == (
        "Repo",
        ["constructor", "find", "count"],
    )
    assert cls.cls.methods[0].body == (ir.Assign(ir.Attr(N("this"), "pool", 1), N("pool"), 1),)


def test_control_flow_if_loops_switch_and_try() -> None:
    code = (
        "if (!ALLOWED.includes(x)) { throw new Error('no'); } else { y = 1; }\n"
        "for (const r of event.Records) { use(r); }\n"
        "switch (m) { case 'a': go(); }\n"
        "try { risky(); } catch (err) { log(err); }\n"
    )
    assert body(code) == (
        ir.If(
            ir.Op("not", (ir.Call(ir.Attr(N("ALLOWED"), "includes", 1), (N("x"),), (), 1),), 1),
            (ir.Raise(ir.Call(N("Error"), (L("no"),), (), 1, new=True), 1),),
            (ir.Assign(N("y"), L(1), 1),),
            1,
        ),
        ir.Loop(
            N("r", 2),
            ir.Attr(N("event", 2), "Records", 2),
            (ir.ExprStmt(ir.Call(N("use", 2), (N("r", 2),), (), 2), 2),),
            2,
        ),
        ir.If(
            ir.Op("compare:==", (N("m", 3), L("a", 3)), 3),
            (ir.ExprStmt(ir.Call(N("go", 3), (), (), 3), 3),),
            (),
            3,
        ),
        ir.ExprStmt(ir.Call(N("risky", 4), (), (), 4), 4),
        ir.Assign(N("err", 4), ir.Opaque(4, "caught error"), 4),
        ir.ExprStmt(ir.Call(N("log", 4), (N("err", 4),), (), 4), 4),
    )


def test_interfaces_and_type_aliases_are_dropped() -> None:
    code = "interface A { x: string }\ntype B = A;\nenum C { D }\nlet z = 1;\n"
    assert body(code, "t.ts") == (ir.Assign(N("z", 4), L(1, 4), 4),)


# -- hostile input ------------------------------------------------------------------------------


def test_a_partial_tree_still_yields_the_code_before_the_error() -> None:
    code = 'exports.handler = (e) => exec("a " + e.body);\n\nfunction broken( {\n'
    _tree, issue = parse_script("h.js", code)
    assert issue is not None and issue.kind is IssueKind.PARSE_ERROR
    assert issue.location.line == 3
    stmts = lower(code).body
    assert isinstance(stmts[0], ir.Export) and stmts[0].name == "handler"


@pytest.mark.parametrize(
    "code",
    [
        "x = " + "[\n" * 3000 + "1" + "]\n" * 3000 + ";\n",
        "x = " + "f(\n" * 3000 + "e.body" + ")\n" * 3000 + ";\n",
        "x = e.body" + "\n.then(() => 1)" * 3000 + ";\n",
        "if (a) {\n" * 2000 + "x();\n" + "}\n" * 2000,
        "x = " + "() => {\n" * 1500 + "}\n" * 1500 + ";\n",
    ],
    ids=["arrays", "calls", "promise-chain", "ifs", "closures"],
)
def test_nesting_over_the_cap_is_cut_and_reported(code: str) -> None:
    module = lower(code)
    assert module.truncated
    assert lower("x = [[1]];\n").truncated is False
    assert MAX_DEPTH == 80


def test_no_tree_gives_an_empty_module() -> None:
    source = SourceFile("min.js", Language.JAVASCRIPT, "", None)
    assert lower_module(source) == ir.Module("min.js", "javascript", (), 0, False)


_FRAGMENTS = st.sampled_from(
    [
        "exports.handler = async (e) => {",
        "}",
        "const { a, ...b } = require('m');",
        "import x, { y as z } from './q';",
        "export default class extends Base { #p = 1; static { init(); } }",
        "`${a}${`${b}`}`",
        "f(...args)?.[k]",
        "for await (const x of xs) {",
        "label: while (true) break label;",
        "<div>{x}</div>",
        "x => y => z",
        "a ??= b ||= c &&= d;",
        "(function* g() { yield* h(); })",
        "class A<T> implements B { constructor(private x: T) {} }",
        "@dec() class C {}",
        "new.target; import.meta.url;",
        "'\\u{1F600}\\x41\\",
        "/re[gex]/gi.test(s)",
        "(",
        ")",
        ";",
    ]
)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(_FRAGMENTS, max_size=12), suffix=st.sampled_from(["js", "ts", "tsx"]))
def test_any_mix_of_constructs_lowers_without_raising(parts: list[str], suffix: str) -> None:
    module = lower("\n".join(parts), f"fuzz.{suffix}")
    assert module.path == f"fuzz.{suffix}"
