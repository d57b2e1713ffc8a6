"""A small OpenAI-style streaming client on the standard library (laptop base install).

`http.client` speaks HTTP/1.1 with chunked bodies; Server-Sent Events are `data:`
lines, ended by `data: [DONE]`. A stream that stops before `[DONE]` is a cut reply
(`ReplyCut`), never a silently short answer.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from tui_ft.chat.base import ChatError, ReplyCut

CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 300.0  # a first token on CPU may take minutes


def _connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ChatError(f"{url}: only http://host:port URLs are supported")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    return conn, parts.path or "/"


def get_status(url: str, headers: dict[str, str], timeout: float = 2.0) -> int | None:
    """The HTTP status of GET `url`; None when nothing answers (yet)."""
    conn, path = _connection(url, timeout)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def stream_events(
    url: str, body: dict[str, Any], headers: dict[str, str], *, label: str
) -> Iterator[dict[str, Any]]:
    """POST `body` as JSON and yield each `data:` event, decoded, until `[DONE]`."""
    conn, path = _connection(url, CONNECT_TIMEOUT)
    got_any = False
    try:
        try:
            conn.request(
                "POST",
                path,
                body=json.dumps(body).encode("utf-8"),
                headers={
                    **headers,
                    "Content-Type": "application/json",
                    "Accept": "text/event-stream",
                },
            )
            resp = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            raise ChatError(f"{label}: {url}: {exc}") from exc
        if resp.status != 200:
            detail = resp.read().decode("utf-8", "replace")[:300]
            raise ChatError(f"{label}: {url} answered {resp.status}: {detail}")
        if conn.sock is not None:
            conn.sock.settimeout(READ_TIMEOUT)
        try:
            for raw in resp:  # one line at a time, chunked encoding undone
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    event = json.loads(data)
                except ValueError as exc:
                    raise ChatError(f"{label}: {url} sent a bad event: {data[:200]}") from exc
                got_any = True
                yield event
        except (OSError, http.client.HTTPException) as exc:
            raise ReplyCut(f"{label}: reply cut: {exc}") from exc
        what = "reply cut" if got_any else "no reply"
        raise ReplyCut(f"{label}: {what}: the stream ended before [DONE]")
    finally:
        conn.close()
