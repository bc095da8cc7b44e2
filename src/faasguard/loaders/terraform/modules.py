"""Load a Terraform root module and the local modules it calls into evaluated resources.

Each module instance is a :class:`~.expressions.Scope`: its variables (defaults, ``.tfvars`` for
the root, the caller's arguments for a child), its ``locals`` (evaluated lazily, cycles reported)
and its module calls. Local modules (``source = "./..."``) are followed inside the scan root;
remote ones are reported, except the ``terraform-aws-modules/lambda/aws`` module, whose inputs
are kept so the model can build its function without downloading anything.
"""

from __future__ import annotations

import functools
import json
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from faasguard.errors import LoadError
from faasguard.fs import ScanFS
from faasguard.loaders.interface import IssueKind, LoadIssue, issue_from_error
from faasguard.loaders.terraform.convert import blocks
from faasguard.loaders.terraform.expressions import Evaluator, is_resolved
from faasguard.loaders.terraform.hcl import Attribute, Block, parse_hcl
from faasguard.loaders.terraform.values import (
    R_ATTRIBUTE,
    Encoded,
    JsonText,
    Ref,
    TfMap,
    decode_json,
)
from faasguard.loaders.yaml_safe import YamlMap
from faasguard.model import Location, Unknown

__all__ = ["LAMBDA_MODULE", "Item", "ModuleCall", "Project", "load_project"]

#: The community module whose inputs describe a function (no download needed).
LAMBDA_MODULE = "terraform-aws-modules/lambda/aws"
#: Module calls nested deeper than this are not followed.
MAX_MODULE_DEPTH = 16
#: Module instances one root module may expand to (modules calling modules twice each grow
#: exponentially); calls past it are not followed.
MAX_MODULE_INSTANCES = 256
#: A root module with more files than this is read only up to it.
MAX_FILES = 2000


class Item:
    """One ``resource`` or ``data`` block instance with its evaluated arguments.

    Arguments are evaluated on first use: most resources of a configuration (VPCs, subnets,
    dashboards...) are never read by the model, and evaluating them all cost more than
    parsing the files.

    Attributes:
        address: Terraform address (``module.api.aws_lambda_function.this``).
        type: resource type (``aws_lambda_function``).
        name: the block's name label.
        module: the module address prefix (``""`` for the root, ``module.api``).
        location: where the block is written.
        data: True for a ``data`` block.
        module_dir: the folder of the module that declares it.
    """

    __slots__ = (
        "_compute",
        "_values",
        "address",
        "block",
        "data",
        "location",
        "module",
        "module_dir",
        "name",
        "type",
    )

    def __init__(
        self,
        address: str,
        type: str,
        name: str,
        module: str,
        location: Location,
        values: YamlMap | Callable[[], YamlMap],
        *,
        data: bool = False,
        module_dir: str = "",
        block: Block | None = None,
    ) -> None:
        self.address, self.type, self.name, self.module = address, type, name, module
        self.location, self.data, self.module_dir = location, data, module_dir
        #: The HCL block (None for a plan's resources): its text says what it references.
        self.block = block
        self._values: YamlMap | None = values if isinstance(values, YamlMap) else None
        self._compute = None if isinstance(values, YamlMap) else values

    @property
    def values(self) -> YamlMap:
        """Evaluated arguments; nested blocks become lists of maps, every key keeps its line."""
        if self._values is None:
            compute, self._compute = self._compute, None
            self._values = compute() if compute is not None else YamlMap(self.location.line)
        return self._values


@dataclass(slots=True)
class ModuleCall:
    """A call of the ``terraform-aws-modules/lambda/aws`` module, its inputs evaluated."""

    address: str
    name: str
    location: Location
    inputs: YamlMap
    module_dir: str


@dataclass(slots=True)
class Project:
    """Everything loaded from one root module."""

    root: str
    files: tuple[str, ...]
    items: list[Item] = field(default_factory=list)
    lambda_modules: list[ModuleCall] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)
    #: Folders of every module instance (root first), to locate code relative to them.
    module_dirs: dict[str, str] = field(default_factory=dict)
    #: Parsed folders: a module called several times is parsed (and its errors reported) once.
    parsed: dict[str, list[Block]] = field(default_factory=dict)
    #: The module-instance budget was reached (reported once).
    over_budget: bool = False
    #: An expression nested past the evaluation budget (reported once).
    too_deep: bool = False
    #: The default ``aws`` provider's ``region`` in the root module (None when not written).
    region: Any = None


class _Instance:
    """One module instance: the scope its expressions are evaluated in."""

    def __init__(
        self,
        project: Project,
        fs: ScanFS,
        *,
        folder: str,
        prefix: str,
        blocks: list[Block],
        inputs: dict[str, Any],
        stack: tuple[str, ...],
    ) -> None:
        self.project, self.fs, self.folder, self.prefix = project, fs, folder, prefix
        self.stack = stack
        self.inputs = inputs
        self.variables: dict[str, Block] = {}
        self.locals: dict[str, Attribute] = {}
        self.outputs: dict[str, Attribute] = {}
        self.modules: dict[str, Block] = {}
        self.resources: list[Block] = []
        self.data_blocks: dict[tuple[str, str], Block] = {}
        self.provider: Block | None = None
        for top in blocks:
            for block in top.blocks:
                self._index(block)
        self._local_values: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self._children: dict[str, _Instance | None] = {}
        self._data_values: dict[tuple[str, str], Any] = {}
        self.output_values: dict[str, Any] = {}

    def _index(self, block: Block) -> None:
        if block.type == "variable" and block.labels:
            self.variables[block.labels[0]] = block
        elif block.type == "locals":
            self.locals.update(block.attributes)
        elif block.type == "output" and block.labels and "value" in block.attributes:
            self.outputs[block.labels[0]] = block.attributes["value"]
        elif block.type == "module" and block.labels:
            self.modules[block.labels[0]] = block
        elif block.type == "resource" and len(block.labels) == 2:
            self.resources.append(block)
        elif block.type == "data" and len(block.labels) == 2:
            self.data_blocks[(block.labels[0], block.labels[1])] = block
        elif (
            block.type == "provider"
            and block.labels == ("aws",)
            and "alias" not in block.attributes  # the default provider, not an aliased one
        ):
            self.provider = block

    # -- Scope -----------------------------------------------------------------------------

    def eval_attr(self, attr: Attribute) -> Any:
        """Evaluate one attribute in this module's scope."""
        # No source text passed: it is decoded from the node only when an Unknown needs it.
        return Evaluator(self, line=attr.line, file=attr.file).evaluate(attr.expr)

    def variable(self, name: str) -> Any:
        if name in self.inputs:
            return self.inputs[name]
        block = self.variables.get(name)
        if block is not None and "default" in block.attributes:
            return self.eval_attr(block.attributes["default"])
        return Unknown(f"var.{name}", "variable without a value")

    def local(self, name: str) -> Any:
        if name in self._local_values:
            return self._local_values[name]
        attr = self.locals.get(name)
        if attr is None:
            return Unknown(f"local.{name}", "undefined local")
        if name in self._evaluating:
            self.project.issues.append(
                LoadIssue(
                    IssueKind.UNRESOLVED,
                    f"local.{name} refers to itself through a cycle of locals; its value is "
                    "unknown",
                    Location(attr.file, attr.line),
                )
            )
            value: Any = Unknown(f"local.{name}", "cyclic local")
            self._local_values[name] = value
            return value
        self._evaluating.add(name)
        try:
            value = self.eval_attr(attr)
        finally:
            self._evaluating.discard(name)
        self._local_values.setdefault(name, value)
        return self._local_values[name]

    def module_output(self, module: str, output: str) -> Any:
        text = f"module.{module}.{output}"
        child = self.child(module)
        if child is None:
            block = self.modules.get(module)
            if block is not None and _is_lambda_module(_source(block)):
                return Ref(text, R_ATTRIBUTE, (f"{self.prefix}module.{module}",))
            return Unknown(text, "module output not known")
        attr = child.outputs.get(output)
        if attr is None:
            return Unknown(text, "undefined module output")
        if output not in child.output_values:  # evaluated once, however often it is read
            child.output_values[output] = child.eval_attr(attr)
        return child.output_values[output]

    def data(self, kind: str, name: str, attr: str) -> Any:
        address = f"{self.prefix}data.{kind}.{name}"
        if kind == "aws_iam_policy_document" and attr == "json":
            key = (kind, name)
            if key not in self._data_values:
                block = self.data_blocks.get(key)
                self._data_values[key] = (
                    policy_document(self, block)
                    if block is not None
                    else Unknown(f"data.{kind}.{name}.json", "undefined data source")
                )
            return self._data_values[key]
        if kind == "template_file" and attr == "rendered":
            block = self.data_blocks.get((kind, name))
            if block is not None:
                return self._rendered(block)
        if kind == "aws_partition" and attr in _PARTITION:
            # As the CloudFormation loader reads ${AWS::Partition}: the commercial partition.
            return _PARTITION[attr]
        if kind == "aws_iam_policy" and attr == "arn":
            block = self.data_blocks.get((kind, name))
            arn = _managed_policy(self, block) if block is not None else None
            if arn is not None:
                return arn
        return Ref(f"data.{kind}.{name}.{attr}", R_ATTRIBUTE, (address,))

    def _rendered(self, block: Block) -> Any:
        """``data "template_file"``: its ``template`` rendered with its ``vars``."""
        values = self.block_values(block)
        template, variables = values.get("template"), values.get("vars") or {}
        if not isinstance(template, str) or not isinstance(variables, dict):
            return Unknown(f"data.template_file.{block.labels[-1]}.rendered", "template not known")
        attr = block.attributes.get("template")
        evaluator = Evaluator(self, line=attr.line if attr else block.line, file=block.file)
        return evaluator.render_with(template, variables)

    def address(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}.{name}"

    def path(self, which: str) -> str | Unknown:
        if which == "module":
            return _relative(self.folder, self.project.root)
        if which in ("root", "cwd"):
            return "."
        return Unknown(f"path.{which}", "unknown path")

    def too_deep(self, *, file: str, line: int) -> None:
        if self.project.too_deep:
            return  # once per root module: a deep chain hits the budget at every level
        issue = LoadIssue(
            IssueKind.BUDGET,
            "an expression (or a chain of locals, variables and module outputs) nests "
            "deeper than faasguard evaluates; its value is unknown",
            Location(file, line),
        )
        # Flagged only once recorded: at the recursion limit, building the issue may itself
        # fail, and an outer level (with more stack) must then record it.
        self.project.issues.append(issue)
        self.project.too_deep = True

    def read_file(self, path: str, *, file: str, line: int) -> str | Unknown:
        try:
            rel = self.fs.join(self.project.root, path, referrer=file, line=line)
            if not self.fs.exists(rel):
                self.project.issues.append(
                    LoadIssue(
                        IssueKind.UNRESOLVED,
                        f"file({path!r}): no such file in the project; the value is unknown",
                        Location(file, line),
                    )
                )
                return Unknown(f"file({path!r})", "file not found")
            return self.fs.read_text(rel)
        except LoadError as exc:
            issue = issue_from_error(exc)
            self.project.issues.append(
                LoadIssue(
                    issue.kind,
                    f"file({path!r}): {exc.detail}",
                    Location(file, line),
                )
            )
            return Unknown(f"file({path!r})", "file not read")

    # -- modules ---------------------------------------------------------------------------

    def child(self, name: str) -> _Instance | None:
        if name in self._children:
            return self._children[name]
        self._children[name] = None  # a module output read while loading it stays Unknown
        block = self.modules.get(name)
        if block is not None:
            self._children[name] = self._load_child(name, block)
        return self._children[name]

    def _load_child(self, name: str, block: Block) -> _Instance | None:
        source = _source(block)
        where = Location(block.file, block.line)
        address = f"{self.prefix}module.{name}"
        if _count_is_zero(self, block):
            return None
        if _is_lambda_module(source):
            self.project.lambda_modules.append(
                ModuleCall(address, name, where, self.block_values(block), self.folder)
            )
            return None
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            self.project.issues.append(
                LoadIssue(
                    IssueKind.UNSUPPORTED,
                    f"module `{name}` comes from {source!r}, which is not a local folder: "
                    "faasguard does not download modules, so its resources are not checked; "
                    "scan a plan (`terraform show -json plan.out > plan.json`), which holds "
                    "every module's resources, or vendor the module into the project",
                    where,
                )
            )
            return None
        try:
            folder = self.fs.join(self.folder, source, referrer=block.file, line=block.line)
        except LoadError as exc:
            self.project.issues.append(
                LoadIssue(
                    IssueKind.OUTSIDE_ROOT,
                    f"module `{name}`: {exc.detail}",
                    where,
                )
            )
            return None
        if folder in self.stack:
            self.project.issues.append(
                LoadIssue(
                    IssueKind.UNRESOLVED,
                    f"module `{name}` ({source}) calls itself through a cycle of modules; it was "
                    "not followed",
                    where,
                )
            )
            return None
        if len(self.stack) >= MAX_MODULE_DEPTH:
            self.project.issues.append(
                LoadIssue(
                    IssueKind.BUDGET,
                    f"module `{name}` is nested more than {MAX_MODULE_DEPTH} modules deep; it "
                    "was not followed",
                    where,
                )
            )
            return None
        if len(self.project.module_dirs) > MAX_MODULE_INSTANCES:
            if not self.project.over_budget:
                self.project.over_budget = True
                self.project.issues.append(
                    LoadIssue(
                        IssueKind.BUDGET,
                        f"the module calls expand to more than {MAX_MODULE_INSTANCES} module "
                        f"instances; `{name}` and the calls after it were not followed",
                        where,
                    )
                )
            return None
        if not self.fs.is_dir(folder):
            self.project.issues.append(
                LoadIssue(
                    IssueKind.PARSE_ERROR,
                    f"module `{name}`: folder {source!r} does not exist",
                    where,
                )
            )
            return None
        inputs = {
            key: self.eval_attr(attr)
            for key, attr in block.attributes.items()
            if key not in _META_ARGUMENTS
        }
        blocks = read_folder(self.fs, folder, self.project)
        child = _Instance(
            self.project,
            self.fs,
            folder=folder,
            prefix=f"{address}.",
            blocks=blocks,
            inputs=inputs,
            stack=(*self.stack, folder),
        )
        self.project.module_dirs[address] = folder
        return child

    # -- blocks ----------------------------------------------------------------------------

    def block_values(self, block: Block) -> YamlMap:
        """Evaluate a block's arguments and nested blocks into a line-keeping map."""
        out = TfMap(block.line, block.file)
        for name, attr in block.attributes.items():
            out[name] = self.eval_attr(attr)
            out.key_lines[name] = attr.line
        for nested in block.blocks:
            if nested.type == "dynamic":
                # Generated blocks: their contents are known only at plan time. An Unknown
                # keeps them visible (a dynamic policy statement must not vanish).
                label = nested.labels[0] if nested.labels else "dynamic"
                entries = out.setdefault(label, [])
                out.key_lines.setdefault(label, nested.line)
                if isinstance(entries, list):
                    entries.append(Unknown(f'dynamic "{label}"', "generated block"))
                continue
            out.setdefault(nested.type, [])
            out.key_lines.setdefault(nested.type, nested.line)
            value = out[nested.type]
            if isinstance(value, list):
                value.append(self.block_values(nested))
        return out

    def collect(self) -> None:
        """List every resource (evaluated lazily) of this instance and of its children."""
        for local_name, attr in self.locals.items():
            if "file(" in attr.text:
                self.local(local_name)  # a file() outside the root is reported even if unused
        for block in self.resources:
            kind, name = block.labels
            if _count_is_zero(self, block):
                continue
            item = Item(
                f"{self.prefix}{kind}.{name}",
                kind,
                name,
                self.prefix.rstrip("."),
                Location(block.file, block.line),
                functools.partial(self.block_values, block),
                module_dir=self.folder,
                block=block,
            )
            self.project.items.append(item)
            if block.reads_files:
                _ = item.values  # report a file() outside the root even if nothing reads it
        for (kind, name), block in self.data_blocks.items():
            if kind in _DATA_KEPT:
                self.project.items.append(
                    Item(
                        f"{self.prefix}data.{kind}.{name}",
                        kind,
                        name,
                        self.prefix.rstrip("."),
                        Location(block.file, block.line),
                        functools.partial(self.block_values, block),
                        data=True,
                        module_dir=self.folder,
                    )
                )
        for name in self.modules:
            child = self.child(name)
            if child is not None:
                child.collect()


#: ``data "aws_partition"`` attributes, read as the CloudFormation loader reads the pseudo
#: parameters ``AWS::Partition`` and ``AWS::URLSuffix``.
_PARTITION = {"partition": "aws", "dns_suffix": "amazonaws.com"}
#: Data sources the model needs as items (code archives); policy documents are rendered inline.
_DATA_KEPT = frozenset({"archive_file"})
_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


def _source(block: Block) -> Any:
    attr = block.attributes.get("source")
    if attr is None:
        return None
    text = attr.text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        source = text[1:-1].split("?")[0]
        return source if source in ("./", "../") else source.rstrip("/")
    return Unknown(text, "module source not literal")


def _is_lambda_module(source: Any) -> bool:
    """The lambda module from the registry (with or without host) or its GitHub repository."""
    if not isinstance(source, str):
        return False
    if source.removeprefix("registry.terraform.io/") == LAMBDA_MODULE:
        return True  # a "//modules/..." subfolder (alias, deploy) is another module
    return (
        "github.com/terraform-aws-modules/terraform-aws-lambda" in source
        and "//" not in (source.split("terraform-aws-lambda", 1)[1].split("?", 1)[0])
    )


def _managed_policy(instance: _Instance, block: Block) -> str | None:
    """ARN of an AWS managed policy looked up by ``data "aws_iam_policy"`` (by arn or name)."""
    values = instance.block_values(block)
    arn = values.get("arn")
    if isinstance(arn, str):
        return arn
    name = values.get("name")
    if not isinstance(name, str):
        return None
    # The AWS managed policy table the permission rules read anyway (names -> ARNs with paths).
    from faasguard.iam.managed import managed_policy

    found = managed_policy(name)
    return found.arn if found is not None else None


def _count_is_zero(instance: _Instance, block: Block) -> bool:
    if not block.mentions(b"count"):
        return False  # without reading the block's arguments: most never are
    attr = block.attributes.get("count")
    return attr is not None and instance.eval_attr(attr) == 0


def _relative(folder: str, root: str) -> str:
    rel = posixpath.relpath(folder or ".", root or ".")
    return rel


def policy_document(instance: _Instance, block: Block) -> Any:
    """Render an ``aws_iam_policy_document`` data source to a policy (statements keep lines)."""
    values = instance.block_values(block)
    statements: list[Any] = []
    for key in ("source_policy_documents", "source_json"):
        statements.extend(_statements_of(values.get(key)))
    raw_statements = values.get("statement")
    for raw in raw_statements if isinstance(raw_statements, list) else []:
        if isinstance(raw, Unknown):  # a `dynamic "statement"`: present, not readable
            statements.append(raw)
            continue
        if not isinstance(raw, TfMap):
            continue
        statement = TfMap(raw.line, block.file)
        statement.key_lines = raw.key_lines
        for tf, cfn in _STATEMENT_KEYS:
            if tf in raw:
                statement[cfn] = raw[tf]
        statement.setdefault("Effect", "Allow")
        for tf, cfn in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            if tf in raw:
                principal: dict[str, Any] = {}
                for entry in blocks(raw[tf]):
                    principal.setdefault(str(entry.get("type")), []).extend(
                        entry.get("identifiers") or []
                    )
                statement[cfn] = principal
        if "condition" in raw:
            condition: dict[str, Any] = {}
            for entry in blocks(raw["condition"]):
                test = condition.setdefault(str(entry.get("test")), {})
                test[str(entry.get("variable"))] = entry.get("values")
            statement["Condition"] = condition
        statements.append(statement)
    for key in ("override_policy_documents", "override_json"):
        statements.extend(_statements_of(values.get(key)))
    document = TfMap(block.line, block.file)
    document["Version"] = "2012-10-17"
    document["Statement"] = statements
    if is_resolved(document):
        return JsonText.of(document)
    return Encoded(f"data.aws_iam_policy_document.{block.labels[-1]}.json", R_ATTRIBUTE, document)


_STATEMENT_KEYS = (
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def _statements_of(value: Any) -> list[Any]:
    docs = value if isinstance(value, list) else [value] if value is not None else []
    out: list[Any] = []
    for doc in docs:
        parsed = decode_json(doc)
        if isinstance(parsed, dict):
            stmts = parsed.get("Statement")
            out.extend(stmts if isinstance(stmts, list) else [stmts] if stmts else [])
    return out


def read_folder(fs: ScanFS, folder: str, project: Project) -> list[Block]:
    """Parse every ``.tf`` file of ``folder`` (sorted); parse errors become issues."""
    if folder in project.parsed:
        return project.parsed[folder]
    blocks: list[Block] = []
    project.parsed[folder] = blocks
    try:
        entries = sorted(entry.name for entry in (fs.root / folder).iterdir())
    except OSError:
        return blocks
    names = [n for n in entries if n.endswith(".tf") and not n.startswith(".")]
    for name in (n for n in entries if n.endswith(".tf.json")):
        project.issues.append(
            LoadIssue(
                IssueKind.UNSUPPORTED,
                "Terraform's JSON syntax is not read: the resources of this file are not "
                "checked; scan a plan (`terraform show -json plan.out > plan.json`) instead",
                Location(posixpath.join(folder, name) if folder not in ("", ".") else name, 1),
            )
        )
    if len(names) > MAX_FILES:
        project.issues.append(
            LoadIssue(
                IssueKind.BUDGET,
                f"the module has {len(names)} .tf files; only the first {MAX_FILES} were read",
                Location(folder or ".", None),
            )
        )
    for name in names[:MAX_FILES]:
        rel = posixpath.join(folder, name) if folder not in ("", ".") else name
        try:
            blocks.append(parse_hcl(fs.read_text(rel), file=rel))
        except LoadError as exc:
            project.issues.append(issue_from_error(exc))
    return blocks


def _tfvars(fs: ScanFS, folder: str, project: Project) -> dict[str, Any]:
    """Values from ``terraform.tfvars``, ``*.auto.tfvars`` and their ``.json`` forms."""
    values: dict[str, Any] = {}
    try:
        names = sorted(entry.name for entry in (fs.root / folder).iterdir())
    except OSError:
        return values
    ordered = [n for n in names if n in ("terraform.tfvars", "terraform.tfvars.json")] + [
        n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))
    ]
    literal = _Instance(project, fs, folder=folder, prefix="", blocks=[], inputs={}, stack=())
    for name in ordered:
        rel = posixpath.join(folder, name) if folder not in ("", ".") else name
        try:
            text = fs.read_text(rel)
            if name.endswith(".json"):
                data = json.loads(text)
                if isinstance(data, dict):
                    values.update(data)
                continue
            top = parse_hcl(text, file=rel)
        except LoadError as exc:
            project.issues.append(issue_from_error(exc))
            continue
        except (ValueError, RecursionError) as exc:
            project.issues.append(
                LoadIssue(IssueKind.PARSE_ERROR, f"invalid JSON: {exc}", Location(rel))
            )
            continue
        for key, attr in top.attributes.items():
            values[key] = literal.eval_attr(attr)
    return values


def load_project(fs: ScanFS, folder: str, *, variables: Mapping[str, str] | None = None) -> Project:
    """Load the root module in ``folder`` (POSIX, relative to the scan root).

    Args:
        fs: the confined scan root.
        folder: the root module's folder.
        variables: values given on the command line (``--parameter name=value``); as with
            ``terraform -var``, they win over ``.tfvars`` files and defaults.
    """
    folder = "" if folder in ("", ".") else folder
    project = Project(root=folder, files=())
    blocks = read_folder(fs, folder, project)
    project.files = tuple(block.file for block in blocks)
    project.module_dirs[""] = folder
    root = _Instance(
        project,
        fs,
        folder=folder,
        prefix="",
        blocks=blocks,
        inputs={**_tfvars(fs, folder, project), **(variables or {})},
        stack=(folder,),
    )
    if root.provider is not None and "region" in root.provider.attributes:
        project.region = root.eval_attr(root.provider.attributes["region"])
    root.collect()
    return project
