"""LLaMA-Factory's template names and LlamaBoard's model-name → template rule.

The host's installed LLaMA-Factory is the source of truth (an editable checkout or an
older release registers other templates); the built-in copy of 0.9.5's tables is only
for a laptop without LLaMA-Factory, or a host where asking it fails.
"""

from __future__ import annotations

import importlib.util
import json
import posixpath
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from tui_ft.lf.probe import SCRIPT

if TYPE_CHECKING:
    from tui_ft.host.base import Host

# LlamaBoard's rule (llamafactory.extras.constants.register_model_group): only these
# kinds of models get their group's template; other known models get "default".
CHAT_SUFFIXES = ("-Chat", "-Distill", "-Instruct", "-Thinking")


@dataclass(frozen=True)
class Catalog:
    """What one LLaMA-Factory knows: template names and its model table."""

    version: str | None
    source: str
    """"installed" (asked the host's LLaMA-Factory) or "built-in" (tui-ft's copy)."""
    templates: tuple[str, ...]
    models: dict[str, tuple[str | None, tuple[str, ...]]] = field(repr=False)
    """Model name → (its default template or None, its hub ids)."""
    dataset_info: dict[str, Any] = field(default_factory=dict, repr=False)
    """What a dataset_info.json entry may hold (`lf.datainfo`); {} when not read."""

    def describe(self) -> str:
        where = "installed" if self.source == "installed" else "built-in copy of"
        return f"LLaMA-Factory {self.version or '?'} ({where})"


def _catalog_from(data: dict[str, object], source: str) -> Catalog:
    models = data.get("models") or {}
    assert isinstance(models, dict)
    templates = data.get("templates") or []
    assert isinstance(templates, list)
    return Catalog(
        version=str(data["version"]) if data.get("version") else None,
        source=source,
        templates=tuple(str(t) for t in templates),
        models={str(k): (v[0] or None, tuple(v[1])) for k, v in models.items()},
        dataset_info=dict(data.get("dataset_info") or {}),  # type: ignore[call-overload]
    )


@lru_cache(maxsize=1)
def builtin_catalog() -> Catalog:
    text = resources.files("tui_ft.lf").joinpath("builtin.json").read_text(encoding="utf-8")
    return _catalog_from(json.loads(text), "built-in")


_cache: dict[tuple[str, str], Catalog] = {}
_lock = threading.Lock()


def catalog(host: Host | None = None, *, refresh: bool = False) -> Catalog:
    """The catalog of `host`'s LLaMA-Factory (None: this machine), else the built-in copy.

    Asking runs the host's interpreter once (seconds: it imports LLaMA-Factory); the
    answer is kept per host and interpreter for the life of the process.
    """
    if host is None:
        if importlib.util.find_spec("llamafactory") is None:
            return builtin_catalog()  # the laptop without LLaMA-Factory: no subprocess
        from tui_ft.host.local import LocalHost

        host = LocalHost()
    key = (host.describe(), host.python)
    with _lock:
        if not refresh and key in _cache:
            return _cache[key]
    # the cache describes this interpreter's LLaMA-Factory: only for a host that runs it
    disk = _disk_cache_path() if not host.is_remote and host.python == sys.executable else None
    found = _read_disk(disk) if disk and not refresh else None
    if found is None:
        found = _ask(host)
        if disk and found.source == "installed":
            _write_disk(disk, found)
    with _lock:
        _cache[key] = found
    return found


def _disk_cache_path() -> str | None:
    """A cache file for this interpreter's LLaMA-Factory, named after its version and the
    mtimes of the files the catalog comes from: an upgrade or an edit of a checkout makes
    a new name, so the cache is never stale. Found without importing LLaMA-Factory."""
    import hashlib
    import os

    spec = importlib.util.find_spec("llamafactory")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = next(iter(spec.submodule_search_locations))
    parts = [sys.executable, root]
    for rel in ("data/template.py", "data/parser.py", "extras/constants.py"):
        try:
            parts.append(f"{rel}:{os.stat(os.path.join(root, rel)).st_mtime_ns}")
        except OSError:
            return None
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tui-ft", f"llamafactory-{digest}.json")


def _read_disk(path: str) -> Catalog | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return _catalog_from(json.load(fh), "installed")
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_disk(path: str, cat: Catalog) -> None:
    import os

    from tui_ft.atomic import atomic_write_text

    data = {
        "version": cat.version,
        "templates": list(cat.templates),
        "dataset_info": cat.dataset_info,
        "models": {k: [v[0], list(v[1])] for k, v in cat.models.items()},
    }
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write_text(path, json.dumps(data))
    except OSError:
        pass  # a read-only home: ask again next time


def _ask(host: Host) -> Catalog:
    from tui_ft.host.base import HostError
    from tui_ft.host.call import run_script

    try:
        data = run_script(host, SCRIPT, timeout=180)
    except (HostError, OSError):  # CallError included: no LLaMA-Factory there
        data = {}
    if not isinstance(data, dict) or "templates" not in data:
        return builtin_catalog()
    return _catalog_from(data, "installed")


def template_names(host: Host | None = None) -> list[str]:
    """LLaMA-Factory's template names on `host` (None: this machine), sorted."""
    return sorted(catalog(host).templates)


def suggest_template(model_path_or_name: str, host: Host | None = None) -> str | None:
    """LlamaBoard's template for a model, or None when LLaMA-Factory does not know it.

    Accepts LlamaBoard's model names ("Qwen2.5-7B-Instruct"), hub ids
    ("Qwen/Qwen2.5-7B-Instruct") and local folders named after either
    ("/models/Qwen2.5-7B-Instruct"). A known model that is not a chat model gets
    "default", as in LlamaBoard. Like `template_names`, the first call for a host with
    LLaMA-Factory takes seconds: call it from a worker in the TUI.
    """
    cat = catalog(host)
    name = _match(cat, model_path_or_name.strip().rstrip("/"))
    if name is None:
        return None
    return cat.models[name][0] or "default"


def _match(cat: Catalog, text: str) -> str | None:
    if not text:
        return None
    if text in cat.models:
        return text
    index = _index(cat)
    lowered = text.lower()
    for key in (lowered, posixpath.basename(lowered)):
        if key in index:
            return index[key]
    return None


_indexes: dict[int, tuple[Catalog, dict[str, str]]] = {}


def _index(cat: Catalog) -> dict[str, str]:
    """Lower-cased names, hub ids and hub-id basenames → model name (first one wins)."""
    found = _indexes.get(id(cat))
    if found is not None and found[0] is cat:
        return found[1]
    index: dict[str, str] = {}
    for name, (_template, paths) in cat.models.items():
        index.setdefault(name.lower(), name)
        for path in paths:
            index.setdefault(path.lower(), name)
    for name, (_template, paths) in cat.models.items():
        for path in paths:
            index.setdefault(posixpath.basename(path).lower(), name)
    _indexes[id(cat)] = (cat, index)
    return index
