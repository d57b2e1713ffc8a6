"""After a merge, the merged tokenizer builds the prompts training built.

LLaMA-Factory's export saves the tokenizer through transformers, whose save drops what it
takes for a default: the demo's `add_bos_token: false` went, so llama.cpp and Ollama put
a BOS before every prompt, which training never saw. (It also adds `padding_side`,
`pad_token` and `split_special_tokens`: they build no prompt, and training had the same.)

What training saw:
- `add_bos_token` / `add_eos_token`: the base model's tokenizer_config.json, as training
  loaded it (LLaMA-Factory never changes these);
- the chat template and special tokens: the tokenizer the run saved beside its adapter
  (LLaMA-Factory fixes both per template, the same way in training and in the export);
- the template: the one the run records (`training_args.yaml`).

Plain JSON on the host, beside the files: no heavy imports, also over SSH.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from tui_ft.host.base import Host
from tui_ft.lf.recorded import training_template

TOKENIZER_CONFIG = "tokenizer_config.json"
CHAT_TEMPLATE_FILE = "chat_template.jinja"
"""Where transformers 5 saves the chat template (older versions: in tokenizer_config.json)."""
FLAGS = ("add_bos_token", "add_eos_token")
SPECIAL = (
    "bos_token",
    "eos_token",
    "unk_token",
    "additional_special_tokens",  # transformers 4
    "extra_special_tokens",  # transformers 5
)


@dataclass
class TokenizerSync:
    fixed: list[str] = field(default_factory=list)
    """What was set back to training's value, one line each."""
    differences: list[str] = field(default_factory=list)
    """What differs from training and could not be fixed here, one line each with its fix."""

    @property
    def ok(self) -> bool:
        return not self.differences


def _config(host: Host, folder: str | None) -> dict[str, Any] | None:
    if not folder:
        return None
    try:
        data = json.loads(host.read_text(posixpath.join(folder, TOKENIZER_CONFIG)))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _chat_template(host: Host, folder: str, config: dict[str, Any]) -> str | None:
    path = posixpath.join(folder, CHAT_TEMPLATE_FILE)
    if host.exists(path):
        return host.read_text(path)
    value = config.get("chat_template")
    return value if isinstance(value, str) else None


def _text(value: Any) -> Any:
    """A special token as its text (transformers writes a string or an AddedToken dict)."""
    if isinstance(value, dict):
        return value.get("content")
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _known_tokens(host: Host, folder: str, config: dict[str, Any]) -> set[str]:
    """The added tokens of a tokenizer: tokenizer_config.json's `added_tokens_decoder`
    (transformers 4) and tokenizer.json's `added_tokens` (what transformers 5 keeps)."""
    decoder = config.get("added_tokens_decoder")
    entries = list(decoder.values()) if isinstance(decoder, dict) else []
    try:
        fast = json.loads(host.read_text(posixpath.join(folder, "tokenizer.json")))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        fast = {}
    if isinstance(fast, dict) and isinstance(fast.get("added_tokens"), list):
        entries += fast["added_tokens"]
    return {str(e.get("content")) for e in entries if isinstance(e, dict)}


def sync_tokenizer(
    host: Host, merged: str, base: str, adapter: str | None = None, template: str | None = None
) -> TokenizerSync:
    """Set `merged`'s tokenizer settings that shape the prompt back to training's (atomic
    writes); name what cannot be set back. `template` is the one the export used."""
    sync = TokenizerSync()
    cfg = _config(host, merged)
    if cfg is None:
        sync.differences.append(
            f"{merged}/{TOKENIZER_CONFIG} is missing or unreadable: copy the base model's "
            "tokenizer files into it"
        )
        return sync
    trained = training_template(host, adapter) if adapter else None
    if template and trained and template != trained:
        sync.differences.append(
            f"merged with template {template!r} but the run trained with {trained!r}: "
            f"export again with --template {trained}"
        )
    changed = False
    base_cfg = _config(host, base) or {}
    for key in FLAGS:
        if key in base_cfg and cfg.get(key) != base_cfg[key]:
            was = "missing" if key not in cfg else json.dumps(cfg[key])
            cfg[key] = base_cfg[key]
            changed = True
            sync.fixed.append(
                f"{key}: {json.dumps(base_cfg[key])} as in the base model (the merge left {was})"
            )
    train_cfg = _config(host, adapter)
    if train_cfg is not None and adapter:
        changed |= _sync_special(host, cfg, train_cfg, merged, adapter, sync)
        ours, theirs = _chat_template(host, merged, cfg), _chat_template(host, adapter, train_cfg)
        if theirs is not None and ours != theirs and not sync.differences:
            # A template mismatch is named above: copying one would hide it.
            _write_chat_template(host, merged, cfg, theirs)
            changed = True
            sync.fixed.append(f"chat template: the one training saved in {adapter}")
    if changed:
        text = json.dumps(cfg, ensure_ascii=False, indent=2) + "\n"
        host.write_text(posixpath.join(merged, TOKENIZER_CONFIG), text)  # atomic
    return sync


def _sync_special(
    host: Host,
    cfg: dict[str, Any],
    train_cfg: dict[str, Any],
    merged: str,
    adapter: str,
    sync: TokenizerSync,
) -> bool:
    changed = False
    known: set[str] | None = None
    for key in SPECIAL:
        if key not in train_cfg or _text(cfg.get(key)) == _text(train_cfg[key]):
            continue
        known = _known_tokens(host, merged, cfg) if known is None else known
        want = _text(train_cfg[key])
        tokens = want if isinstance(want, list) else [want]
        if all(t is None or t in known for t in tokens):
            cfg[key] = train_cfg[key]
            changed = True
            sync.fixed.append(f"{key}: {json.dumps(want, ensure_ascii=False)} as in training")
        else:  # a token the merged vocabulary lacks: a config edit can't add it
            sync.differences.append(
                f"{key} is {json.dumps(_text(cfg.get(key)), ensure_ascii=False)} in {merged} "
                f"but {json.dumps(want, ensure_ascii=False)} in training ({adapter}): export "
                "again with the run's template"
            )
    return changed


def _write_chat_template(host: Host, merged: str, cfg: dict[str, Any], text: str) -> None:
    path = posixpath.join(merged, CHAT_TEMPLATE_FILE)
    if host.exists(path) or "chat_template" not in cfg:
        host.write_text(path, text)
        cfg.pop("chat_template", None)  # one place, as transformers 5 keeps it
    else:
        cfg["chat_template"] = text
