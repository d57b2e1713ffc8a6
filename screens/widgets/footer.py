"""Textual's Footer without its leak: use this one wherever a screen shows a footer.

The Footer recomposes on every change of bindings (every area switch, every focus move)
and binds each new key's `compact` to itself (`data_bind`). Textual keeps those watchers
in the footer's "__watchers" list and drops them only when the footer goes, so every
removed key stays alive: about 0.45 MB per area switch, never released. After each
recompose the watchers of keys no longer mounted are dropped here. "__watchers" is a
private name (textual/reactive.py `_watch`); tests/test_memory_areas.py fails if it moves.
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import Footer as TextualFooter

WATCHERS = "__watchers"  # set with setattr by textual.reactive._watch: not name-mangled


class Footer(TextualFooter):
    async def recompose(self) -> None:
        await super().recompose()
        watchers = getattr(self, WATCHERS, {})
        for name, pairs in watchers.items():
            watchers[name] = [
                (node, callback)
                for node, callback in pairs
                if not isinstance(node, DOMNode) or node is self or node.is_attached
            ]
