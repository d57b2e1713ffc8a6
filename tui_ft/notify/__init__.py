"""Telling people what happened to a run: webhooks (json, Slack, Feishu, DingTalk, WeCom)."""

from tui_ft.notify.message import Event, render_text
from tui_ft.notify.settings import FORMATS, NotifySettings, Webhook, parse_notify
from tui_ft.notify.webhooks import Delivery, payload, send, send_all

__all__ = [
    "FORMATS",
    "Delivery",
    "Event",
    "NotifySettings",
    "Webhook",
    "parse_notify",
    "payload",
    "render_text",
    "send",
    "send_all",
]
