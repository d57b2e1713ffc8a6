"""Saving a YAML mapping over the text it was read from: only the entries that change.

A config the user wrote carries comments, blank lines, its own quoting and number spelling
(`1e-4`, `5.0e-5`). Emitting the new mapping whole would rewrite all of it, and even
ruamel.yaml's round-trip dump normalises what it did not parse as a comment (sequence
indentation, spacing). So the text is edited in place instead: ruamel.yaml's round-trip
composer gives each top-level entry's exact span, and only entries whose value changed,
went or came are rewritten; every other byte stays. A changed scalar keeps the old one's
style (quotes, exponent form, `True` vs `true`); a new collection is laid out with the
document's own indentation (ruamel's guess of it).

Values follow yamlio's rules (LLaMA-Factory's OmegaConf loader), not ruamel's YAML 1.2 ones:
the result is read back with yamlio and must equal the mapping asked for, else the whole
mapping is written with yamlio.dump (values first: never a file that means something else).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.util import load_yaml_guess_indent

from tui_ft.lf import yamlio


@dataclass(frozen=True)
class _Entry:
    key: Any
    start: int  # the key's first character
    value_start: int
    value_end: int  # after the value's last character (before an inline comment)
    node: Any  # the value's ruamel node

    @property
    def inline_scalar(self) -> bool:
        """A one-line scalar whose text can be swapped where it stands."""
        node = self.node
        return type(node).__name__ == "ScalarNode" and node.style not in ("|", ">")


def edit(
    text: str,
    new: dict[str, Any],
    *,
    order: Sequence[str] = (),
    swaps: Iterable[str] = (),
) -> str:
    """`text` with its top-level mapping changed to `new`, touching only what differs.

    `order` places a new key (after the nearest key before it in `order` that the text
    has); `swaps`: keys of one setting (bf16/fp16), so one that replaces another takes its
    line. Raises yaml.YAMLError when `text` itself is not valid YAML.
    """
    old = yamlio.load(text) or {}
    entries = _entries(text) if isinstance(old, dict) else None
    if entries is None or [e.key for e in entries] != [str(k) for k in old]:
        return yamlio.dump(new)  # not one plain block mapping (flow style, merge keys, ...)
    by_key = dict(zip(old, entries, strict=True))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), spans never overlap

    removed = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    swap_set = set(swaps)
    for key in list(added):
        if key in swap_set:
            gone = next((k for k in removed if k in swap_set), None)
            if gone is not None:  # bf16 -> fp16: the new switch goes on the old one's line
                removed.remove(gone)
                added.remove(key)
                e = by_key[gone]
                edits.append((e.start, _value_end(text, e), _entry_text(key, new[key], text)))

    for key, e in by_key.items():
        if key in new and not _same(old[key], new[key]):
            edits.append(_change(text, e, key, old[key], new[key]))
    for key in removed:
        e = by_key[key]
        edits.append((_line_start(text, e.start), _line_end(text, _value_end(text, e)), ""))

    kept = [k for k in old if k in new]
    inserts: dict[int, list[tuple[int, str]]] = {}
    for n, key in enumerate(added):
        at = _insert_at(text, key, kept, by_key, order)
        rank = order.index(key) if key in order else len(order) + n
        inserts.setdefault(at, []).append((rank, _entry_text(key, new[key], text) + "\n"))
    for at, items in inserts.items():
        block = "".join(t for _rank, t in sorted(items, key=lambda i: i[0]))
        if at > 0 and text[at - 1] != "\n":
            block = "\n" + block  # after a last line that has no line break
        edits.append((at, at, block))

    out = text
    for start, end, repl in sorted(edits, key=lambda x: (x[0], x[1]), reverse=True):
        out = out[:start] + repl + out[end:]
    try:
        if _same(yamlio.load(out) or {}, new):
            return out
    except yaml.YAMLError:  # an edit that does not parse is never kept
        pass
    return yamlio.dump(new)


# -- where the entries are ---------------------------------------------------------------


def _entries(text: str) -> list[_Entry] | None:
    """The top-level mapping's entries with their spans, or None when it is not a block map."""
    try:
        root = YAML(typ="rt").compose(text)
    except RuamelError:
        return None
    if root is None or type(root).__name__ != "MappingNode" or root.flow_style:
        return None
    out = []
    for key_node, value_node in root.value:
        if type(key_node).__name__ != "ScalarNode":
            return None
        start, end = value_node.start_mark.index, _end(value_node)
        if start == end and type(value_node).__name__ == "ScalarNode":  # `key:` (null)
            start = end = text.index(":", key_node.end_mark.index) + 1
        out.append(_Entry(key_node.value, key_node.start_mark.index, start, end, value_node))
    return out


def _end(node: Any) -> int:
    """Where a node's text ends: a block collection ends at its last item, not at the
    next key (its end mark lies past the comments and blank lines between)."""
    kind = type(node).__name__
    if kind in ("SequenceNode", "MappingNode") and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if kind == "MappingNode" else last)
    return int(node.end_mark.index)


def _value_end(text: str, e: _Entry) -> int:
    end = e.value_end
    while end > e.value_start and text[end - 1] in "\r\n":  # a block scalar's line breaks
        end -= 1
    return end


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    """After the line break of the line holding `at` (its inline comment goes too)."""
    nl = text.find("\n", at)
    return len(text) if nl < 0 else nl + 1


def _insert_at(
    text: str, key: str, kept: list[str], by_key: dict[Any, _Entry], order: Sequence[str]
) -> int:
    """A new key's place: after the nearest earlier key of `order` the text keeps (before
    that key's trailing comments and blank lines: they head the next section), else before
    the nearest later one, else after the last entry."""
    if key in order:
        rank = order.index(key)
        before = [k for k in kept if k in order and order.index(k) < rank]
        if before:
            anchor = max(before, key=order.index)
            return _line_end(text, _value_end(text, by_key[anchor]))
        after = [k for k in kept if k in order]
        if after:
            return _line_start(text, by_key[min(after, key=order.index)].start)
    if kept:
        return _line_end(text, _value_end(text, by_key[kept[-1]]))
    return len(text)


# -- what goes there ----------------------------------------------------------------------


def _change(text: str, e: _Entry, key: str, old: Any, new: Any) -> tuple[int, int, str]:
    end = _value_end(text, e)
    if e.inline_scalar and not isinstance(new, (dict, list)):
        spelled = _scalar(new, text[e.value_start : e.value_end], e.node.style, old)
        if e.value_start == end:  # `key:` had no value text
            spelled = " " + spelled
        return (e.value_start, end, spelled)
    flow = bool(getattr(e.node, "flow_style", False)) and isinstance(new, (dict, list))
    entry = _entry_text(key, new, text, flow=flow)
    return (e.start, end, entry)


def _entry_text(key: str, value: Any, doc: str, *, flow: bool = False) -> str:
    """`key: value` as YAML lines (no final line break) in the style of the text `doc`."""
    if not isinstance(value, (dict, list)):
        return f"{_plain_key(key)}: {_scalar(value, None, None, None)}"
    if flow:  # `[a, b]` stays on its one line
        text = yaml.dump(
            value, Dumper=yamlio.LFDumper, default_flow_style=True, width=4096, allow_unicode=True
        ).rstrip("\n")
        return f"{_plain_key(key)}: {text}"
    y = YAML(typ="rt")
    y.width = 4096  # never fold a long path
    sequence, dash = _indent(doc)
    y.indent(mapping=sequence - dash if dash else sequence, sequence=sequence, offset=dash)
    buf = io.StringIO()
    y.dump({key: value}, buf)
    text = buf.getvalue().rstrip("\n")
    try:
        if _same(yamlio.load(text), {key: value}):
            return text
    except yaml.YAMLError:  # ruamel's YAML 1.2 spelling that yamlio cannot read
        pass
    return yamlio.dump({key: value}).rstrip("\n")


def _plain_key(key: str) -> str:
    if isinstance(key, str) and _reads_as(key, key):
        return key
    return yamlio.dump({key: 0}).rsplit(": ", 1)[0]  # quoted as yamlio would


@functools.lru_cache(maxsize=4)  # a full parse: only for collections, once per text
def _indent(text: str) -> tuple[int, int]:
    """(sequence indent, dash offset) the document uses (ruamel's guess), else (2, 0)."""
    try:
        _data, sequence, dash = load_yaml_guess_indent(text)
    except RuamelError:  # a guess only
        return 2, 0
    return (sequence or 2), (dash or 0)


def _scalar(value: Any, old_text: str | None, style: str | None, old: Any) -> str:
    """`value` spelled like the scalar it replaces (quotes, exponent form, case), when
    yamlio reads that spelling back as `value`; else as yamlio.dump spells it."""
    spelled = _styled(value, old_text or "", style, old)
    if spelled is not None and _reads_as(spelled, value):
        return spelled
    return yamlio.dump([value])[2:].rstrip("\n")  # "- X\n": a scalar as a list item


def _styled(value: Any, old_text: str, style: str | None, old: Any) -> str | None:
    if value is None:
        return "null"
    if isinstance(value, bool):
        word = "true" if value else "false"
        if isinstance(old, bool) and old_text:
            if old_text.lower() in ("yes", "no"):
                word = "yes" if value else "no"
            if old_text.isupper():
                return word.upper()
            if old_text[:1].isupper():
                return word.title()
        return word
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_spelling(value, old_text if isinstance(old, float) else None)
    if isinstance(value, str):
        if style == "'":
            return "'" + value.replace("'", "''") + "'"
        if style == '"':
            import json

            return json.dumps(value, ensure_ascii=False)
        return value
    return None


def float_spelling(value: float, like: str | None = None) -> str:
    """A float written the way `like` writes one: `1e-4` -> `2e-4`, `5.0e-5` -> `1.0e-5`,
    `0.1` -> `0.05`. Always a spelling OmegaConf reads as a float (never a bare `3`)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == 0:
        return "0.0"
    exp_form = like is not None and ("e" in like or "E" in like)
    if like is None:
        exp_form = abs(value) < 1e-3 or abs(value) >= 1e16
        like = "1.0e-4"
    if not exp_form:
        plain = format(Decimal(repr(value)), "f")
        return plain if "." in plain else plain + ".0"
    mant_like, e_char, exp_like = _split_exp(like)
    sign, digits, exp = Decimal(repr(value)).normalize().as_tuple()
    assert isinstance(exp, int)
    text_digits = "".join(map(str, digits))
    power = exp + len(text_digits) - 1
    mantissa = text_digits[0] + ("." + text_digits[1:] if len(text_digits) > 1 else "")
    if "." in mant_like and "." not in mantissa:
        mantissa += ".0"
    width = len(exp_like.lstrip("+-"))
    exp_sign = "-" if power < 0 else ("+" if exp_like.startswith("+") else "")
    return f"{'-' if sign else ''}{mantissa}{e_char}{exp_sign}{abs(power):0{width}d}"


def _split_exp(like: str) -> tuple[str, str, str]:
    e_char = "e" if "e" in like else "E"
    mantissa, exponent = like.split(e_char, 1)
    return mantissa, e_char, exponent


def _reads_as(spelled: str, value: Any) -> bool:
    try:
        return _same(yamlio.load(f"k: {spelled}\n"), {"k": value})
    except yaml.YAMLError:  # not a scalar yamlio reads
        return False


def _same(a: Any, b: Any) -> bool:
    """Equal as LLaMA-Factory sees it, type included (True is not 1, 3 is not 3.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)
