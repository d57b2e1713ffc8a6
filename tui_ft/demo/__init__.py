"""The embedded demo: a tiny Llama and an identity dataset, made offline and deterministically."""

from tui_ft.demo.identity import IDENTITY_RECORDS, identity_records
from tui_ft.demo.template import DEFAULT_CHAT_TEMPLATE

__all__ = ["DEFAULT_CHAT_TEMPLATE", "IDENTITY_RECORDS", "identity_records"]
