"""Download a model repository with the hub's own library, then verify it at once.

ModelScope (`modelscope`) or Hugging Face (`huggingface_hub`), at the endpoint
`tui_ft.models.hubs` chose on this machine (flag, config, environment). Both
libraries keep partial files and resume them. Right after the download every file is
hashed against the sha256 the hub published: ModelScope lists one per file in its file
list, Hugging Face's ETag of each LFS file is its sha256.
"""

from __future__ import annotations

import os

from tui_ft.config import HUBS
from tui_ft.models.hubs import modelscope_endpoint
from tui_ft.models.manifest import ManifestEntry, parse_manifest
from tui_ft.models.report import ModelReport
from tui_ft.models.verify import verify_dir

__all__ = ["HUBS", "DownloadError", "download"]


class DownloadError(RuntimeError):
    """The hub refused or could not be reached; the message names the repo and the hub."""


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


def ms_published_manifest(repo: str, revision: str | None) -> dict[str, ManifestEntry]:
    """The sha256 and size ModelScope publishes for each file of `repo` (its file list)."""
    revision = revision or "master"
    try:  # modelscope >= 1.40 talks through modelscope_hub, whose listing keeps the hashes
        from modelscope_hub import HubApi as Hub

        infos = Hub().list_repo_files(repo, "model", revision=revision, recursive=True)
        files = [{"Path": f.path, "Size": f.size, "Sha256": f.sha256,
                  "Type": "tree" if f.is_dir else "blob"} for f in infos]  # fmt: skip
    except ImportError:  # older modelscope: its own listing has the raw entries
        from modelscope.hub.api import HubApi

        files = HubApi().get_model_files(repo, revision=revision, recursive=True)
    manifest = parse_manifest({"Data": {"Files": files}}, f"{repo} file list")
    return {p: e for p, e in manifest.items() if e.sha256}


def _endpoint(hub: str) -> str:
    if hub == "hf":
        return os.environ.get("HF_ENDPOINT") or "default"
    return os.environ.get("MODELSCOPE_ENDPOINT") or os.environ.get("MODELSCOPE_DOMAIN") or "default"


def download(
    repo: str, dest: str, hub: str, revision: str | None = None, endpoint: str | None = None
) -> ModelReport:
    """Download (or resume) `repo` into `dest` and return the verification of the result.

    `endpoint` None: the library's own (its environment variable, else its default).
    """
    if hub not in HUBS:
        raise DownloadError(f"unknown hub {hub!r}: use one of {', '.join(HUBS)}")
    os.makedirs(dest, exist_ok=True)
    manifest: dict[str, ManifestEntry] | None = None
    try:
        if hub == "hf":
            from huggingface_hub import snapshot_download

            endpoint = endpoint or os.environ.get("HF_ENDPOINT")
            snapshot_download(repo, revision=revision, local_dir=dest, endpoint=endpoint)
        else:
            with modelscope_endpoint(endpoint):
                from modelscope import snapshot_download as ms_download

                ms_download(repo, revision=revision, local_dir=dest)
                manifest = ms_published_manifest(repo, revision)
    except ImportError as exc:
        lib = "huggingface_hub" if hub == "hf" else "modelscope"
        raise DownloadError(f"{lib} is not installed: pip install {lib}") from exc
    except Exception as exc:  # the libraries raise many kinds (HTTP, offline, not found)
        # modelscope puts the failing file (hash mismatch, 404) on the lines after the first
        lines = [ln.strip(" -") for ln in str(exc).splitlines() if ln.strip()][:3]
        raise DownloadError(
            f"{repo} from {hub} (endpoint {endpoint or _endpoint(hub)}): {type(exc).__name__}: "
            + "; ".join(lines)
        ) from exc
    if hub == "hf":
        manifest = hf_etag_manifest(dest)
    return verify_dir(dest, manifest, sha256=bool(manifest))
