"""Find the LLaMA-Factory a host has, wherever the user installed it.

`PROBE` runs on the host with tui-ft's interpreter (`host.run([host.python, "-c", ...])`)
and answers one JSON line. It reads package metadata only (importing LLaMA-Factory
would pull in torch: seconds and GBs), needs nothing from tui-ft and keeps to Python 3.9
syntax, so any box interpreter answers it. It looks in four places, in this order:
1. tui-ft's own interpreter: a release in site-packages, or an editable install (PEP 610
   `direct_url.json` with `dir_info.editable`, or a package imported from outside
   site-packages: `setup.py develop`) and its checkout folder;
2. the `llamafactory-cli` beside that interpreter or on PATH, and the environment it
   belongs to (its version from that environment's `*.dist-info`, no second interpreter);
3. conda environments (`conda env list --json`, else ~/miniconda3/envs/*, ~/anaconda3/envs/*,
   /root/miniconda3/envs/*, /opt/conda/envs/*) that have a `llamafactory-cli`.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from typing import Any

from tui_ft.host.base import Host, HostError

PROBE = r"""
import glob, json, os, shutil, subprocess, sys, sysconfig
from urllib.parse import unquote
out = {"python": sys.version.split()[0], "executable": sys.executable}

def dist_info(site):
    # (version, editable, source folder) of the llamafactory dist-info in `site`, if any
    for d in sorted(glob.glob(os.path.join(site, "llamafactory-*.dist-info"))):
        version = os.path.basename(d)[len("llamafactory-"):-len(".dist-info")]
        editable, src = False, None
        try:
            with open(os.path.join(d, "direct_url.json")) as f:
                url = json.load(f)
            editable = bool(url.get("dir_info", {}).get("editable"))
            if url.get("url", "").startswith("file://"):
                src = unquote(url["url"][len("file://"):])
        except (OSError, ValueError):
            pass
        return {"version": version, "editable": editable, "source": src}
    return None

def env_of(cli):
    # the environment a bin/llamafactory-cli belongs to, and its dist-info
    prefix = os.path.dirname(os.path.dirname(os.path.realpath(cli)))
    if not os.path.isdir(os.path.join(prefix, "lib")):
        prefix = os.path.dirname(os.path.dirname(cli))
    for site in glob.glob(os.path.join(prefix, "lib", "python3*", "site-packages")):
        found = dist_info(site)
        if found:
            return dict(found, prefix=prefix)
    return {"prefix": prefix}

try:
    import importlib.metadata as md
    import importlib.util
    dist = md.distribution("llamafactory")
except Exception:
    out["installed"] = False
else:
    out["installed"] = True
    out["version"] = dist.version
    raw = dist.read_text("direct_url.json")
    url = json.loads(raw) if raw else {}
    out["editable"] = bool(url.get("dir_info", {}).get("editable"))
    if str(url.get("url", "")).startswith("file://"):
        out["source"] = unquote(url["url"][len("file://"):])
    spec = importlib.util.find_spec("llamafactory")
    where = None
    if spec is not None and spec.submodule_search_locations:
        where = list(spec.submodule_search_locations)[0]
    out["location"] = where
    sites = {os.path.realpath(p) for p in (sysconfig.get_paths()["purelib"],
                                          sysconfig.get_paths()["platlib"])}
    if where and os.path.realpath(os.path.dirname(where)) not in sites:
        out["editable"] = True  # imported from a checkout (setup.py develop, PYTHONPATH)
        out.setdefault("source", os.path.dirname(where))

beside = os.path.join(os.path.dirname(sys.executable), "llamafactory-cli")
cli = beside if os.access(beside, os.X_OK) else shutil.which("llamafactory-cli")
if cli:
    out["cli"] = cli
    out["cli_env"] = env_of(cli)

names = {}
conda = os.environ.get("CONDA_EXE") or shutil.which("conda")
if conda:
    try:
        res = subprocess.run([conda, "env", "list", "--json"], capture_output=True,
                             text=True, timeout=30)
        for p in json.loads(res.stdout).get("envs", []):
            names[p] = os.path.basename(p)
    except Exception:
        pass
for pattern in ("~/miniconda3/envs/*", "~/anaconda3/envs/*", "/root/miniconda3/envs/*",
                "/opt/conda/envs/*"):
    for p in glob.glob(os.path.expanduser(pattern)):
        names.setdefault(p, os.path.basename(p))
conda_envs = []
for prefix, name in sorted(names.items()):
    tool = os.path.join(prefix, "bin", "llamafactory-cli")
    if os.access(tool, os.X_OK):
        conda_envs.append(dict(env_of(tool), name=name, cli=tool))
out["conda"] = conda_envs
print(json.dumps(out))
"""


@dataclass(frozen=True)
class LFInstall:
    """One LLaMA-Factory found on a host."""

    kind: str
    """"site-packages", "editable", "conda" or "cli" (a CLI in another environment)."""
    version: str | None
    path: str
    """The checkout (editable), the package folder, the conda env or the CLI's env."""
    cli: str | None = None
    name: str = ""
    """The conda environment's name."""
    in_tui_ft_python: bool = True

    def describe(self) -> str:
        how = {
            "site-packages": f"in site-packages ({self.path})",
            "editable": f"editable checkout at {self.path}",
            "conda": f"conda env {self.name} ({self.path})",
            "cli": f"CLI only: {self.cli}",
        }[self.kind]
        return f"llamafactory {self.version or '(version unknown)'}, {how}"


@dataclass(frozen=True)
class Found:
    python: str
    primary: LFInstall | None
    """The one tui-ft trains with: in its own interpreter, else the CLI it would run."""
    others: tuple[LFInstall, ...] = field(default=())
    error: str = ""


def _classify(raw: dict[str, Any]) -> Found:
    python = f"Python {raw.get('python', '?')} ({raw.get('executable', '?')})"
    primary: LFInstall | None = None
    cli = raw.get("cli")
    if raw.get("installed"):
        editable = bool(raw.get("editable"))
        location = str(raw.get("location") or "?")
        where = raw.get("source") if editable else posixpath.dirname(location)
        primary = LFInstall(
            "editable" if editable else "site-packages",
            raw.get("version"),
            str(where or location),
            cli,
        )
    elif cli:
        env = raw.get("cli_env") or {}
        primary = LFInstall(
            "cli", env.get("version"), str(env.get("prefix") or cli), cli, in_tui_ft_python=False
        )
    others = []
    for env in raw.get("conda") or []:
        if primary is not None and env.get("cli") == primary.cli:
            continue
        install = LFInstall(
            "conda",
            env.get("version"),
            str(env.get("prefix")),
            env.get("cli"),
            str(env.get("name")),
            in_tui_ft_python=False,
        )
        if primary is None:
            primary = install
        else:
            others.append(install)
    return Found(python, primary, tuple(others))


def find_llamafactory(host: Host, timeout: float = 60.0) -> Found:
    """Where `host`'s LLaMA-Factory is; `Found.error` says why asking failed."""
    try:
        res = host.run([host.python, "-c", PROBE], timeout=timeout)
    except (HostError, OSError) as exc:
        return Found(host.python, None, error=f"{type(exc).__name__}: {exc}")
    lines = res.stdout.strip().splitlines()
    try:
        raw = json.loads(lines[-1]) if lines else None
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        return Found(host.python, None, error=f"probe exited {res.returncode}: {tail[0]}")
    return _classify(raw)
