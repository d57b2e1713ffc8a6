"""Reading what predict wrote: the scores and the generated predictions."""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from dataclasses import dataclass

from tui_ft.host.base import Host

# The scores shown to the user, in order, with their labels.
METRIC_KEYS: tuple[tuple[str, str], ...] = (
    ("predict_bleu-4", "BLEU-4"),
    ("predict_rouge-1", "ROUGE-1"),
    ("predict_rouge-2", "ROUGE-2"),
    ("predict_rouge-l", "ROUGE-L"),
)


class EvalError(RuntimeError):
    """Evaluation could not start or its results could not be read; says what and where."""


@dataclass(frozen=True)
class Prediction:
    prompt: str
    predict: str
    label: str

    @property
    def exact(self) -> bool:
        return self.predict.strip() == self.label.strip()


def load_metrics(host: Host, output_dir: str) -> dict[str, float]:
    """predict_results.json as {key: value}; raises EvalError naming the file if absent/bad."""
    path = posixpath.join(output_dir, "predict_results.json")
    try:
        data = json.loads(host.read_text(path))
    except FileNotFoundError:
        raise EvalError(f"{path}: not found (the prediction did not finish)") from None
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}: line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise EvalError(f"{path}: expected a JSON object")
    missing = [k for k, _ in METRIC_KEYS if k not in data]
    if missing:
        raise EvalError(f"{path}: missing {', '.join(missing)}")
    return {k: float(v) for k, v in data.items() if isinstance(v, int | float)}


def load_predictions(host: Host, output_dir: str) -> list[Prediction]:
    """generated_predictions.jsonl, one record a line; a bad line is named by number."""
    path = posixpath.join(output_dir, "generated_predictions.jsonl")
    try:
        text = host.read_text(path)
    except FileNotFoundError:
        raise EvalError(f"{path}: not found (the prediction did not finish)") from None
    out: list[Prediction] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            out.append(Prediction(str(rec["prompt"]), str(rec["predict"]), str(rec["label"])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}: line {lineno}: not a prediction record ({exc})") from None
    return out


def word_diff(predict: str, label: str) -> list[tuple[str, str]]:
    """(op, text) pieces turning the label into the prediction: '=' same, '-' missing, '+' extra.

    Whitespace-split words for Latin text, characters for CJK (which has no spaces), so
    a Chinese answer is not one giant "changed" blob.
    """
    a, b = _tokens(label), _tokens(predict)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("=", _join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("-", _join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("+", _join(b[j1:j2])))
    return pieces


_TOKEN = re.compile(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+")


def _cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _tokens(text: str) -> list[str]:
    """Latin words whole, CJK characters (and full-width punctuation) one by one."""
    return _TOKEN.findall(text)


def _join(tokens: list[str]) -> str:
    text = ""
    for tok in tokens:
        text += join_gap(text, tok) + tok
    return text


def join_gap(left: str, right: str) -> str:
    """The space between two pieces: none where either side is CJK."""
    if not left or not right or _cjk(left[-1]) or _cjk(right[0]):
        return ""
    return " "
