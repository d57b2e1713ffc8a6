"""The `notify:` section of the config file: where to send notifications.

notify:
  webhooks:
    - {url: https://open.feishu.cn/open-apis/bot/v2/hook/..., format: feishu}
    - {url: http://127.0.0.1:9000/hook, format: json}
  desktop: true   # the TUI's bell and OSC 9/777 desktop notification; false turns them off
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui_ft.notify.mask import mask_url

FORMATS = ("json", "slack", "feishu", "dingtalk", "wecom")


class NotifyConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Webhook:
    url: str
    format: str = "json"


@dataclass
class NotifySettings:
    webhooks: list[Webhook] = field(default_factory=list)
    desktop: bool = True


def parse_notify(raw: Any, source: str = "config") -> NotifySettings:
    """Validate `notify:`; errors name the entry and the fix."""
    if raw is None:
        return NotifySettings()
    if not isinstance(raw, dict):
        raise NotifyConfigError(f"{source}: notify must be a mapping with `webhooks:`")
    unknown = sorted(set(raw) - {"webhooks", "desktop"})
    if unknown:
        raise NotifyConfigError(f"{source}: unknown notify setting(s) {', '.join(unknown)}")
    desktop = raw.get("desktop", True)
    if not isinstance(desktop, bool):
        raise NotifyConfigError(f"{source}: notify.desktop must be true or false")
    hooks = raw.get("webhooks") or []
    if not isinstance(hooks, list):
        raise NotifyConfigError(f"{source}: notify.webhooks must be a list of {{url, format}}")
    out = []
    for i, hook in enumerate(hooks):
        where = f"{source}: notify.webhooks[{i}]"
        if isinstance(hook, str):
            hook = {"url": hook}
        if not isinstance(hook, dict) or not isinstance(hook.get("url"), str):
            example = "{url: https://..., format: json}"
            raise NotifyConfigError(f"{where} needs a url (e.g. {example})")
        fmt = str(hook.get("format", "json")).lower()
        if fmt not in FORMATS:
            raise NotifyConfigError(f"{where}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        url = hook["url"]
        if not url.startswith(("http://", "https://")):
            shown = mask_url(url)  # the URL is the secret: not whole in an error
            raise NotifyConfigError(f"{where}: url {shown} must start with http:// or https://")
        out.append(Webhook(url, fmt))
    return NotifySettings(out, desktop)
