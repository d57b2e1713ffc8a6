"""Fetch llama.cpp's converter from the llama-cpp-python source distribution, once.

The sdist of the installed version is downloaded with pip (the user's own index
settings apply) into the host's cache, and only the converter, its `conversion`
package, the LoRA converter and `gguf-py` are unpacked. Later calls, tests and CI reuse
the cache.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from tui_ft.host.base import Host, HostError

MARKER = ".complete-2"
"""Bumped whenever MEMBERS grows: a cache unpacked with fewer members is fetched again."""
MEMBERS = ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py", "conversion/", "gguf-py/")

_EXTRACT = """
import sys, tarfile, os
tarball, dest = sys.argv[1], sys.argv[2]
members, skip = sys.argv[3].split(","), [s for s in sys.argv[4].split(",") if s]
with tarfile.open(tarball) as tf:
    for info in tf.getmembers():
        parts = info.name.split("/")
        if len(parts) < 4 or parts[1:3] != ["vendor", "llama.cpp"]:
            continue
        rel = "/".join(parts[3:])
        if not any(rel == m or rel.startswith(m) for m in members):
            continue
        if any(rel.startswith(s) for s in skip):
            continue
        if not (info.isfile() or info.isdir()):
            continue
        info.name = rel
        if hasattr(tarfile, "data_filter"):  # filter=: Python 3.10.12+ / 3.11.4+
            tf.extract(info, dest, filter="data")
        elif not rel.startswith("/") and ".." not in rel.split("/"):
            tf.extract(info, dest)  # plain files and folders only (checked above)
"""


def cache_root(host: Host) -> str:
    if not host.is_remote:
        import os

        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(host.home(), ".cache")
        return os.path.join(base, "tui-ft", "llama-cpp-src")
    return posixpath.join(host.home(), ".cache", "tui-ft", "llama-cpp-src")


def extract(host: Host, python: str, tarball: str, dest: str, members=MEMBERS, skip=()) -> None:
    """Unpack `members` (prefixes) of the sdist's vendor/llama.cpp into `dest`, minus `skip`."""
    host.makedirs(dest)
    argv = [python, "-c", _EXTRACT, tarball, dest, ",".join(members), ",".join(skip)]
    host.run(argv, timeout=900).check()


def download_sdist(host: Host, python: str, version: str, say: Callable[[str], None]) -> str:
    """The llama-cpp-python `version` sdist in the cache (downloaded with pip when missing)."""
    root = cache_root(host)
    host.makedirs(root)
    tarball = posixpath.join(root, f"llama_cpp_python-{version}.tar.gz")
    if not host.exists(tarball):
        say(f"downloading the llama-cpp-python {version} sources (once) ...")
        argv = [python, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps"]
        argv += ["--no-build-isolation", "-d", root, f"llama-cpp-python=={version}"]
        res = host.run(argv, timeout=1800)
        if not res.ok or not host.exists(tarball):
            # Build isolation off avoids installing the build backend just to read metadata;
            # some pips insist on it, so retry the plain way.
            argv.remove("--no-build-isolation")
            res = host.run(argv, timeout=1800)
        if not res.ok or not host.exists(tarball):
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            raise HostError(
                f"could not download the llama-cpp-python {version} source distribution into "
                f"{root}: {' | '.join(tail)}; or set llama_cpp_dir to a llama.cpp checkout"
            )
    return tarball


def ensure_vendored(
    host: Host, python: str, version: str, progress: Callable[[str], None] | None = None
) -> str:
    """The folder holding the converter of llama-cpp-python `version`; fetched when missing."""
    say = progress or (lambda _line: None)
    dest = posixpath.join(cache_root(host), version)
    if host.exists(posixpath.join(dest, MARKER)):
        return dest
    tarball = download_sdist(host, python, version, say)
    say(f"unpacking llama.cpp's converter into {dest}")
    tmp = dest + ".partial"
    if host.exists(tmp):
        host.remove(tmp, recursive=True)
    extract(host, python, tarball, tmp)
    if not host.exists(posixpath.join(tmp, "convert_hf_to_gguf.py")):
        host.remove(tmp, recursive=True)
        raise HostError(f"{tarball} holds no vendor/llama.cpp/convert_hf_to_gguf.py")
    host.write_text(posixpath.join(tmp, MARKER), version + "\n")
    if host.exists(dest):
        host.remove(dest, recursive=True)
    host.rename(tmp, dest)
    host.remove(tarball)  # 70+ MB; the unpacked converter is all we use
    return dest
