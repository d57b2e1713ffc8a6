"""Webhook URLs are secrets: what tui-ft shows of one is its host and a masked path.

For Feishu, DingTalk, WeCom and Slack whoever has the URL can post as the bot; the
secret sits in the path (`.../hook/<token>`) or the query (`?access_token=...`). Every
log line, error, `watch --status`, `notify test` and --json output shows `mask_url`'s
form instead: `https://open.feishu.cn/…#1a2b3c`, the tail a short digest of the whole
URL so that two hooks on one host are told apart without giving either away.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

MASK = "…"
_PIECES = re.compile(r"[/?&=#;]")


def mask_url(url: str) -> str:
    """`scheme://host[:port]/…#digest`: no user, password, path or query of `url`."""
    digest = hashlib.sha256(url.encode("utf-8", "replace")).hexdigest()[:6]
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a malformed port or bracket: show nothing of it
        parts, host, port = None, "", ""
    if parts is None or not parts.scheme or not host:
        return f"{MASK}#{digest}"
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}/{MASK}#{digest}"


_MASKED = re.compile(rf"^([a-z][a-z0-9+.-]*://[^/@]+/)?{MASK}#[0-9a-f]{{6}}$")


def masked_deliveries(notifications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notification records with every delivery's URL in `mask_url`'s form: a state file
    of an older tui-ft showed short URLs whole, and it is shown again by --status."""

    def shown(url: str) -> str:
        return url if _MASKED.match(url) else mask_url(url)

    out = []
    for record in notifications:
        hooks = [d for d in record.get("deliveries") or [] if isinstance(d, dict)]
        masked = [{**d, "url": shown(str(d.get("url")))} for d in hooks]
        out.append({**record, "deliveries": masked})
    return out


def scrub(text: str, url: str) -> str:
    """`text` (an error message, a log line) with `url` and its secret pieces masked.

    Errors of URL libraries quote parts of what they were given (a bad port, the path);
    every path segment, query key or value of 6+ characters is taken out wherever it is.
    """
    text = text.replace(url, mask_url(url))
    try:
        parts = urlsplit(url)
        rest = f"{parts.path}?{parts.query}#{parts.fragment}"
        secret_bits = [parts.netloc.rpartition("@")[0]]
    except ValueError:
        rest, secret_bits = url, []
    secret_bits += _PIECES.split(rest)
    for bit in sorted({b for b in secret_bits if len(b) >= 6}, key=len, reverse=True):
        text = text.replace(bit, MASK)
    return text
