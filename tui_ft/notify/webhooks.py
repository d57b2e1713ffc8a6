"""Send an `Event` to incoming webhooks in each service's own payload shape.

- json:     the event itself ({"kind", "run", "last_loss", ..., "text"})
- slack:    {"text": ...}                                    (Slack incoming webhook)
- feishu:   {"msg_type": "text", "content": {"text": ...}}   (Feishu/Lark custom bot)
- dingtalk: {"msgtype": "text", "text": {"content": ...}}    (DingTalk custom robot)
- wecom:    {"msgtype": "text", "text": {"content": ...}}    (WeCom group robot)

The chat services answer HTTP 200 with an error code in the body when they refuse a
message (bad token, keyword filter): that counts as a failure too. Only the standard
library is used, so the watch daemon needs nothing more on the box.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from tui_ft.notify.mask import mask_url, scrub
from tui_ft.notify.message import Event, render_text
from tui_ft.notify.settings import Webhook


@dataclass
class Delivery:
    url: str
    format: str
    ok: bool
    detail: str


def payload(fmt: str, event: Event) -> dict[str, Any]:
    text = render_text(event)
    if fmt == "slack":
        return {"text": text}
    if fmt == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    if fmt in ("dingtalk", "wecom"):
        return {"msgtype": "text", "text": {"content": text}}
    return event.to_json()


def _refused(fmt: str, body: bytes) -> str | None:
    """The service's own error in a 200 answer, or None when it took the message."""
    if fmt not in ("feishu", "dingtalk", "wecom"):
        return None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code not in (0, None):
        msg = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage") or ""
        return f"refused: code {code} {msg}".strip()
    return None


def send(hook: Webhook, event: Event, timeout: float = 10.0) -> Delivery:
    """Post `event`; the Delivery shows the URL masked, never whole (it is the secret)."""
    shown = mask_url(hook.url)
    data = json.dumps(payload(hook.format, event), ensure_ascii=False).encode("utf-8")
    try:
        req = urllib.request.Request(
            hook.url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError as exc:
        return Delivery(shown, hook.format, False, scrub(f"HTTP {exc.code} {exc.reason}", hook.url))
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Delivery(shown, hook.format, False, scrub(f"unreachable: {reason}", hook.url))
    except (ValueError, http.client.HTTPException) as exc:  # a bad port, an odd answer
        return Delivery(shown, hook.format, False, scrub(f"{type(exc).__name__}: {exc}", hook.url))
    refused = _refused(hook.format, body)
    if refused:
        return Delivery(shown, hook.format, False, scrub(refused, hook.url))
    return Delivery(shown, hook.format, True, "sent")


def send_all(hooks: list[Webhook], event: Event, timeout: float = 10.0) -> list[Delivery]:
    return [send(h, event, timeout) for h in hooks]
