"""Round-trip YAML for the fix: change what must change, keep every comment and key order.

ruamel.yaml's round-trip mode keeps comments, key order, quoting and CloudFormation short tags
(``!Ref``, ``!GetAtt``, ``!Sub``) of everything it does not touch; PyYAML (which the loaders use
for speed and safety) drops comments, so it cannot write a template back. ruamel's round-trip
loader builds only plain containers and tagged scalars: it never constructs Python objects
from tags, so loading a hostile template here is as safe as in the loaders.

The indentation of block sequences is guessed from the file, so new lists look like the old.
"""

from __future__ import annotations

import io
import itertools
import re
from typing import Any

__all__ = [
    "FixError",
    "cfn_arn",
    "comment_before",
    "dump",
    "key_column",
    "load",
    "new_map",
    "new_seq",
    "replace_value",
    "serverless_arn",
    "shared_node",
    "tagged",
    "unique_key",
]

_DASH = re.compile(r"^(\s*)- ")
_KEY = re.compile(r"^(\s*)[^\s#-][^:]*:\s*(#.*)?$")
_SUB_VAR = re.compile(r"\$\{([^}]+)\}")
_CFN_REF = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?")
_PSEUDO = frozenset({"AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::URLSuffix"})


class FixError(Exception):
    """The fix cannot be applied; the message starts with the file (and line)."""


def _yaml(text: str) -> Any:
    from ruamel.yaml import YAML  # imported on use: only --fix pays for it

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines the author wrote on one line
    mapping, sequence, offset = _indents(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _indents(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation as the file uses them (defaults 2, 4, 2)."""
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    mapping = offset = None
    for previous, line in itertools.pairwise(lines):
        prev = _KEY.match(previous)
        if prev is None:
            continue
        base = len(prev.group(1))
        dash = _DASH.match(line)
        if dash is not None and offset is None:
            offset = max(0, len(dash.group(1)) - base)
        elif dash is None and mapping is None:
            step = len(line) - len(line.lstrip()) - base
            if step > 0:
                mapping = step
        if mapping is not None and offset is not None:
            break
    mapping = mapping or 2
    offset = 2 if offset is None else offset
    return mapping, offset + 2, offset


def load(text: str, *, file: str) -> tuple[Any, Any]:
    """Parse ``text`` round-trip; return the YAML instance (to dump with) and the data.

    Raises:
        FixError: the text is not YAML (or JSON) ruamel can read back; names file and line.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _yaml(text)
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise FixError(
            f"{file}{line}: cannot be parsed round-trip, so --fix cannot rewrite it: "
            f"{exc.problem or exc.context}"
        ) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        raise FixError(
            f"{file}: cannot be parsed round-trip ({type(exc).__name__}: {exc})"
        ) from None
    if not hasattr(data, "get"):
        raise FixError(f"{file}: the template is not a mapping; --fix cannot rewrite it")
    return yaml, data


def dump(yaml: Any, data: Any) -> str:
    """The document as text, formatted like the original where it was not changed."""
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def new_map(items: list[tuple[str, Any]] | None = None) -> Any:
    """A new round-trip mapping (keeps insertion order and can carry comments)."""
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(items or [])


def new_seq(items: list[Any] | None = None) -> Any:
    """A new round-trip sequence."""
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(items or [])


def tagged(tag: str, value: str) -> Any:
    """A scalar with a CloudFormation short tag (``!Ref X``, ``!GetAtt X.Arn``, ``!Sub ...``)."""
    from ruamel.yaml.comments import TaggedScalar

    return TaggedScalar(value=value, tag=tag)


def comment_before(mapping: Any, key: str, text: str, *, indent: int) -> None:
    """Put ``# text`` on its own line above ``key`` (faasguard's notes in the template)."""
    mapping.yaml_set_comment_before_after_key(key, before=text, indent=indent)


def key_column(mapping: Any, key: str, default: int) -> int:
    """The column ``key`` starts at in ``mapping`` as loaded, or ``default`` (a new key)."""
    try:
        return int(mapping.lc.key(key)[1])
    except (AttributeError, KeyError, TypeError):
        return default


def unique_key(mapping: Any, wanted: str) -> str:
    """``wanted``, or ``wanted2``, ``wanted3``... the first that is not a key of ``mapping``."""
    name = wanted
    index = 2
    while name in mapping:
        name = f"{wanted}{index}"
        index += 1
    return name


def cfn_arn(arn: str) -> Any:
    """An ARN as CloudFormation writes it: plain, ``!GetAtt X.Arn``, ``!Ref X`` or ``!Sub``."""
    whole = re.fullmatch(r"\$\{([A-Za-z0-9]+)(\.Arn|\.StreamArn)?\}", arn)
    if whole:
        ref, attr = whole.groups()
        return tagged("!GetAtt", f"{ref}{attr}") if attr else tagged("!Ref", ref)
    if "${" in arn:
        return tagged("!Sub", arn)
    return arn


def serverless_arn(arn: str) -> Any:
    """An ARN for serverless.yml: pseudo parameters as Serverless variables, else intrinsics.

    ``${AWS::Region}`` inside a plain string would be read by Serverless's own variable syntax,
    so deploy-time pseudo parameters become ``${aws:region}``/``${aws:accountId}`` (Serverless
    v3+ resolves them) and references to resources become ``Fn::GetAtt``/``Ref``/``Fn::Join``.
    """
    plain = (
        arn.replace("${AWS::Region}", "${aws:region}")
        .replace("${AWS::AccountId}", "${aws:accountId}")
        .replace("${AWS::Partition}", "aws")
    )
    refs = [v for v in _SUB_VAR.findall(plain) if _CFN_REF.fullmatch(v)]
    if not refs:
        return plain
    whole = re.fullmatch(r"\$\{([A-Za-z0-9]+)(\.Arn|\.StreamArn)?\}", arn)
    if whole:
        ref, attr = whole.groups()
        if attr:
            return new_map([("Fn::GetAtt", new_seq([ref, attr[1:]]))])
        return new_map([("Ref", ref)])
    parts: list[Any] = []
    position = 0
    for match in _SUB_VAR.finditer(plain):
        name = match.group(1)
        if not _CFN_REF.fullmatch(name):
            continue  # a Serverless variable: resolved by the framework, kept in the text
        if match.start() > position:
            parts.append(plain[position : match.start()])
        if name in _PSEUDO:
            parts.append(new_map([("Ref", name)]))
        elif "." in name:
            ref, attr = name.split(".", 1)
            parts.append(new_map([("Fn::GetAtt", new_seq([ref, attr]))]))
        else:
            parts.append(new_map([("Ref", name)]))
        position = match.end()
    if position < len(plain):
        parts.append(plain[position:])
    return new_map([("Fn::Join", new_seq(["", new_seq(parts)]))])


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """The deepest last element of ``node``: (container, key or index, comment slot)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    found: tuple[Any, Any, int] | None = None
    while isinstance(node, (CommentedMap, CommentedSeq)) and len(node):
        if isinstance(node, CommentedMap):
            key: Any = list(node)[-1]
            found = (node, key, 2)
        else:
            key = len(node) - 1
            found = (node, key, 0)
        node = node[key]
    return found


def replace_value(mapping: Any, key: str, value: Any) -> None:
    """Set ``mapping[key] = value``, keeping the blank lines and comments that followed the old.

    ruamel keeps what follows a block (the blank line before the next resource, a comment) on
    the old value's last element; replacing the value would drop it and glue the next key on.
    """
    old = _last_slot(mapping.get(key))
    mapping[key] = value
    new = _last_slot(value)
    if old is None or new is None:
        return
    container, index, slot = old
    entry = container.ca.items.get(index)
    token = entry[slot] if entry and len(entry) > slot else None
    if token is None:
        return
    text = str(getattr(token, "value", ""))
    if text.lstrip(" ").startswith("#"):
        # An end-of-line comment about the removed value: only the blank lines go on.
        if "\n" not in text:
            return
        token.value = text[text.index("\n") :]
    target, target_index, target_slot = new
    items = target.ca.items.setdefault(target_index, [None, None, None, None])
    while len(items) <= target_slot:
        items.append(None)
    items[target_slot] = token


def shared_node(node: Any) -> bool:
    """True when ``node`` is a YAML anchor (``&x``) or merges one (``<<: *x``).

    An edit there would also change every alias of it, or could be undone by the merge: the
    fix leaves such definitions alone and says why.
    """
    anchor = getattr(node, "anchor", None)
    if anchor is not None and getattr(anchor, "value", None):
        return True
    return bool(getattr(node, "merge", None))
