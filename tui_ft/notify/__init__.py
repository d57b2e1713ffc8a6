"""Telling people what happened to a run: webhooks (json, Slack, Feishu, DingTalk, WeCom)."""

from tui_ft.notify.mask import mask_url, scrub
from tui_ft.notify.message import Event, render_text
from tui_ft.notify.settings import FORMATS, NotifySettings, Webhook, parse_notify
from tui_ft.notify.webhooks import Delivery, payload, send, send_all

__all__ = [
    "FORMATS",
    "Delivery",
    "Event",
    "NotifySettings",
    "Webhook",
    "mask_url",
    "parse_notify",
    "payload",
    "render_text",
    "scrub",
    "send",
    "send_all",
]
