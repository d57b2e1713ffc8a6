"""Download a model repository with the hub's own library, then verify it at once.

ModelScope (`modelscope`, endpoint from MODELSCOPE_DOMAIN) or Hugging Face
(`huggingface_hub`, endpoint from HF_ENDPOINT, e.g. a mirror). Both libraries keep
partial files and resume them when the download is started again. For a Hugging
Face download the hub's ETag of each LFS file is its sha256: the files are hashed
against those right after the download.
"""

from __future__ import annotations

import os

from tui_ft.models.manifest import ManifestEntry
from tui_ft.models.report import ModelReport
from tui_ft.models.verify import verify_dir

HUBS = ("modelscope", "hf")


class DownloadError(RuntimeError):
    """The hub refused or could not be reached; the message names the repo and the hub."""


def default_hub() -> str:
    flag = os.environ.get("USE_MODELSCOPE_HUB", "").lower()
    if flag in ("0", "false", "no") or os.environ.get("HF_ENDPOINT"):
        return "hf"
    return "modelscope"


def hf_etag_manifest(dest: str) -> dict[str, ManifestEntry]:
    """sha256 of the LFS files as huggingface_hub recorded their ETags in local_dir/.cache."""
    meta_root = os.path.join(dest, ".cache", "huggingface", "download")
    out: dict[str, ManifestEntry] = {}
    for dirpath, _dirs, files in os.walk(meta_root):
        for name in files:
            if not name.endswith(".metadata"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name[: -len(".metadata")]), meta_root)
            with open(os.path.join(dirpath, name), encoding="utf-8") as fh:
                lines = fh.read().splitlines()
            etag = lines[1].strip('"').lower() if len(lines) > 1 else ""
            if len(etag) == 64 and all(c in "0123456789abcdef" for c in etag):
                size = (
                    os.path.getsize(os.path.join(dest, rel))
                    if os.path.exists(os.path.join(dest, rel))
                    else None
                )
                out[rel] = ManifestEntry(rel, size, etag)
    return out


def download(repo: str, dest: str, hub: str, revision: str | None = None) -> ModelReport:
    """Download (or resume) `repo` into `dest` and return the verification of the result."""
    if hub not in HUBS:
        raise DownloadError(f"unknown hub {hub!r}: use one of {', '.join(HUBS)}")
    os.makedirs(dest, exist_ok=True)
    try:
        if hub == "hf":
            from huggingface_hub import snapshot_download

            snapshot_download(
                repo, revision=revision, local_dir=dest, endpoint=os.environ.get("HF_ENDPOINT")
            )
        else:
            from modelscope import snapshot_download as ms_download

            ms_download(repo, revision=revision, local_dir=dest)
    except ImportError as exc:
        lib = "huggingface_hub" if hub == "hf" else "modelscope"
        raise DownloadError(f"{lib} is not installed: pip install {lib}") from exc
    except Exception as exc:  # the libraries raise many kinds (HTTP, offline, not found)
        where = os.environ.get("HF_ENDPOINT" if hub == "hf" else "MODELSCOPE_DOMAIN") or "default"
        raise DownloadError(
            f"{repo} from {hub} (endpoint {where}): {type(exc).__name__}: {exc}".splitlines()[0]
        ) from exc
    manifest = hf_etag_manifest(dest) if hub == "hf" else None
    return verify_dir(dest, manifest, sha256=bool(manifest))
