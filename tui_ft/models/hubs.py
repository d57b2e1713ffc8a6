"""Which hub a download uses, and at which endpoint: settled where the download runs.

Hub settings belong to the box: `tui-ft --host BOX model download` runs the box's own
tui-ft, which reads the box's config and environment, never the laptop's. On the
machine that downloads, first match wins:

1. the command's flags (`--hub`, `--hf-endpoint`, `--modelscope-endpoint`); over
   `--host` the laptop fills in those not given from its config's `hosts: {BOX: {...}}`
   entry (`hub_flags`), and from nothing else of its own;
2. this machine's tui-ft config (`hub`, `hf_endpoint`, `modelscope_endpoint`);
3. its environment (`USE_MODELSCOPE_HUB`, `HF_ENDPOINT`, `MODELSCOPE_ENDPOINT` or
   `MODELSCOPE_DOMAIN`), as LLaMA-Factory reads them;
4. ModelScope at its library's endpoint.

Tokens and caches (`HF_TOKEN`, `HF_HOME`, `MODELSCOPE_CACHE`, ...) are the libraries'
own settings of the machine that downloads: tui-ft never sends them anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from tui_ft.config import HUBS, Config

FLAGS = ("hub", "hf_endpoint", "modelscope_endpoint")
"""Hub settings a command line (and a per-host entry) may give: `--hub`, `--hf-endpoint`, ..."""

ENDPOINT_ENV = {"hf": ("HF_ENDPOINT",), "modelscope": ("MODELSCOPE_ENDPOINT", "MODELSCOPE_DOMAIN")}


@dataclass(frozen=True)
class HubChoice:
    hub: str
    endpoint: str | None
    """None: the library's own (its environment variable or built-in default)."""
    source: str
    """Where the hub came from: flag, config, environment or default."""
    endpoint_source: str = "default"

    @property
    def set_here(self) -> bool:
        """The endpoint came from a flag or tui-ft's config: the library must be told it."""
        return self.endpoint_source in ("flag", "config")

    def describe(self) -> str:
        where = self.endpoint or "its default endpoint"
        return f"{self.hub} at {where} (hub: {self.source}, endpoint: {self.endpoint_source})"


def env_hub(env: Mapping[str, str]) -> str | None:
    """The environment's choice: USE_MODELSCOPE_HUB, or hf when HF_ENDPOINT is set."""
    flag = env.get("USE_MODELSCOPE_HUB", "").lower()
    if flag in ("0", "false", "no") or env.get("HF_ENDPOINT"):
        return "hf"
    if flag in ("1", "true", "yes"):
        return "modelscope"
    return None


def choose_hub(
    flags: Mapping[str, str | None], config: Config, env: Mapping[str, str] | None = None
) -> HubChoice:
    """The hub and endpoint of a download on this machine (see the module's order)."""
    env = os.environ if env is None else env
    hub, source = flags.get("hub"), "flag"
    if not hub:
        hub, source = config.hub, "config"
    if not hub:
        hub, source = env_hub(env), "environment"
    if not hub:
        hub, source = "modelscope", "default"
    if hub not in HUBS:
        raise ValueError(f"unknown hub {hub!r}: use one of {', '.join(HUBS)}")
    key = f"{hub}_endpoint"
    if flags.get(key):
        return HubChoice(hub, flags[key], source, "flag")
    if getattr(config, key):
        return HubChoice(hub, getattr(config, key), source, "config")
    endpoint = next((env[v] for v in ENDPOINT_ENV[hub] if env.get(v)), None)
    return HubChoice(hub, endpoint, source, "environment" if endpoint else "default")


def hub_flags(given: Mapping[str, str | None], entry: Mapping[str, object]) -> list[str]:
    """The flags the laptop passes to the box's tui-ft: its own, else the per-host entry's."""
    argv: list[str] = []
    for key in FLAGS:
        value = given.get(key) or entry.get(key)
        if value:
            argv += [f"--{key.replace('_', '-')}", str(value)]
    return argv


@contextmanager
def modelscope_endpoint(endpoint: str | None) -> Iterator[None]:
    """MODELSCOPE_ENDPOINT for the duration: every modelscope version reads it from there."""
    if not endpoint:
        yield
        return
    before = os.environ.get("MODELSCOPE_ENDPOINT")
    os.environ["MODELSCOPE_ENDPOINT"] = endpoint
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MODELSCOPE_ENDPOINT", None)
        else:
            os.environ["MODELSCOPE_ENDPOINT"] = before
