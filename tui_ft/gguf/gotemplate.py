"""Render the subset of Go's text/template that Ollama Modelfile TEMPLATEs use.

Ollama renders TEMPLATE with Go; tui-ft has no Go, but has to know what prompt Ollama
will build to compare it with the training template. Supported: text, `{{ .Field }}`,
`$var`, `$var := pipe`, `if` / `else if` / `else` / `end`, `range` (with `$i, $v :=`),
the functions eq, ne, and, or, not, len, parentheses and `{{-` / `-}}` trimming.
Anything else raises GoTemplateError naming the construct, so a caller never compares
a half-rendered prompt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_ACTION = re.compile(r"\{\{(.*?)\}\}", re.S)
_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|`[^`]*`|:=|\(|\)|,|[^\s(),]+)')


class GoTemplateError(ValueError):
    """The template uses something this renderer does not support (or is malformed)."""


@dataclass
class _Node:
    kind: str  # text | expr | if | range
    text: str = ""
    branches: list[tuple[str | None, list[_Node]]] = field(default_factory=list)


def _lex(src: str) -> list[tuple[str, str]]:
    """[("text", s) | ("action", inner)] with `{{-`/`-}}` trimming applied."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _ACTION.finditer(src):
        text = src[pos : m.start()]
        inner = m.group(1)
        if inner.startswith("-") and (len(inner) == 1 or inner[1].isspace()):
            text = text.rstrip()
            inner = inner[1:]
        trim_right = len(inner) >= 2 and inner.endswith("-") and inner[-2].isspace()
        if trim_right:
            inner = inner[:-1]
        out.append(("text", text))
        out.append(("action", inner.strip()))
        pos = m.end()
        if trim_right:
            while pos < len(src) and src[pos].isspace():
                pos += 1
    out.append(("text", src[pos:]))
    return [(k, v) for k, v in out if k == "action" or v]


def _parse(items: list[tuple[str, str]], i: int, stop: tuple[str, ...]) -> tuple[list[_Node], int]:
    body: list[_Node] = []
    while i < len(items):
        kind, val = items[i]
        if kind == "text":
            body.append(_Node("text", val))
            i += 1
            continue
        word = val.split(None, 1)[0] if val else ""
        if word in stop or val.startswith("else"):
            return body, i
        if val.startswith("/*"):
            i += 1
        elif word in ("if", "range"):
            node = _Node(word)
            cond: str | None = val[len(word) :].strip()
            i += 1
            while True:
                part, i = _parse(items, i, ("end",))
                node.branches.append((cond, part))
                if i >= len(items):
                    raise GoTemplateError(f"{{{{ {word} }}}} without {{{{ end }}}}")
                tail = items[i][1]
                i += 1
                if tail == "end":
                    break
                if tail.startswith("else if ") and word == "if":
                    cond = tail[len("else if ") :].strip()
                elif tail == "else":
                    cond = None
                else:
                    raise GoTemplateError(f"unsupported template action {{{{ {tail} }}}}")
            body.append(node)
        elif word in ("with", "define", "template", "block", "break", "continue"):
            raise GoTemplateError(f"unsupported template action {{{{ {word} }}}}")
        else:
            body.append(_Node("expr", val))
            i += 1
    return body, i


def _truthy(value: Any) -> bool:
    return bool(value) if value is not None else False


class _Scope:
    def __init__(self, root: dict[str, Any]) -> None:
        self.vars: dict[str, Any] = {"$": root}

    def lookup(self, token: str, dot: Any) -> Any:
        if token.startswith('"'):
            return json.loads(token)
        if token.startswith("`"):
            return token[1:-1]
        if token in ("true", "false"):
            return token == "true"
        if re.fullmatch(r"-?\d+", token):
            return int(token)
        if token == ".":
            return dot
        if token.startswith("$"):
            name, _, rest = token.partition(".")
            if name not in self.vars:
                raise GoTemplateError(f"undefined variable {name}")
            return _fields(self.vars[name], rest)
        if token.startswith("."):
            return _fields(dot, token[1:])
        raise GoTemplateError(f"unsupported template word {token!r}")


def _fields(value: Any, path: str) -> Any:
    for name in filter(None, path.split(".")):
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
    return value


_FUNCS = {
    "eq": lambda a, *bs: any(a == b for b in bs),
    "ne": lambda a, b: a != b,
    "not": lambda a: not _truthy(a),
    "len": lambda a: len(a),
}


def _eval(tokens: list[str], scope: _Scope, dot: Any) -> Any:
    if len(tokens) >= 2 and tokens[1] == ":=" and tokens[0].startswith("$"):
        scope.vars[tokens[0]] = _eval(tokens[2:], scope, dot)
        return ""
    args = _group(tokens)
    if not args:
        raise GoTemplateError("empty template action")
    head = args[0]
    if isinstance(head, str) and head in ("and", "or"):
        vals = [_term(a, scope, dot) for a in args[1:]]
        # Go returns the first argument that decides the result, else the last one.
        decides = (lambda v: not _truthy(v)) if head == "and" else _truthy
        return next((v for v in vals if decides(v)), vals[-1])
    if isinstance(head, str) and head in _FUNCS:
        return _FUNCS[head](*[_term(a, scope, dot) for a in args[1:]])
    if len(args) != 1:
        raise GoTemplateError(f"unsupported template expression {' '.join(tokens)!r}")
    return _term(head, scope, dot)


def _term(arg: str | list, scope: _Scope, dot: Any) -> Any:
    return _eval(arg, scope, dot) if isinstance(arg, list) else scope.lookup(arg, dot)


def _group(tokens: list[str]) -> list[str | list]:
    """Nest parenthesised sub-expressions."""
    stack: list[list] = [[]]
    for tok in tokens:
        if tok == "(":
            stack.append([])
        elif tok == ")":
            if len(stack) == 1:
                raise GoTemplateError("unbalanced ) in template")
            inner = stack.pop()
            stack[-1].append(inner)
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise GoTemplateError("unbalanced ( in template")
    return stack[0]


def _render(nodes: list[_Node], scope: _Scope, dot: Any, out: list[str]) -> None:
    for node in nodes:
        if node.kind == "text":
            out.append(node.text)
        elif node.kind == "expr":
            value = _eval(_TOKEN.findall(node.text), scope, dot)
            out.append("" if value is None else str(value))
        elif node.kind == "if":
            for cond, body in node.branches:
                if cond is None or _truthy(_eval(_TOKEN.findall(cond), scope, dot)):
                    _render(body, scope, dot, out)
                    break
        else:
            _range(node, scope, dot, out)


def _range(node: _Node, scope: _Scope, dot: Any, out: list[str]) -> None:
    spec, body = node.branches[0]
    tokens = _TOKEN.findall(spec or "")
    names: list[str] = []
    if ":=" in tokens:
        at = tokens.index(":=")
        names = [t for t in tokens[:at] if t != ","]
        tokens = tokens[at + 1 :]
    items = _eval(tokens, scope, dot) or []
    for idx, item in enumerate(items):
        if len(names) == 2:
            scope.vars[names[0]], scope.vars[names[1]] = idx, item
        elif len(names) == 1:
            scope.vars[names[0]] = item
        _render(body, scope, item, out)
    if len(node.branches) > 1 and not items:
        _render(node.branches[1][1], scope, dot, out)


def render(template: str, data: dict[str, Any]) -> str:
    """Render `template` with `data` as the root (`.`); raises GoTemplateError."""
    nodes, i = _parse(_lex(template), 0, ())
    items = _lex(template)
    if i < len(items):
        raise GoTemplateError(f"unexpected {{{{ {items[i][1]} }}}} in template")
    out: list[str] = []
    _render(nodes, _Scope(data), data, out)
    return "".join(out)
