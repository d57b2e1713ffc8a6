"""Verify a Hugging Face-layout model folder on this machine.

Catches what makes a training fail minutes in, or a model load fail with an opaque
error: shards named in the index but missing, truncated shards, git-LFS pointer
files left instead of weights, corrupt headers, missing config or tokenizer, and
files whose size or sha256 differ from the published manifest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from tui_ft.checks.base import FAIL, OK, WARN, CheckResult
from tui_ft.models.hashing import Progress, sha256_files
from tui_ft.models.manifest import ManifestEntry
from tui_ft.models.report import FileEntry, ModelReport
from tui_ft.models.safetensors_check import check_safetensors
from tui_ft.units import human_bytes

LFS_PREFIX = b"version https://git-lfs.github.com/spec/v1"
INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "tokenizer_config.json")
REFETCH = "download the file again (the downloader resumes), or git lfs pull in a git clone"


def list_files(root: str) -> list[FileEntry]:
    """Every file below `root` except hidden folders (.git, the downloaders' .cache)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            out.append(FileEntry(os.path.relpath(full, root), os.path.getsize(full)))
    return out


class _Verifier:
    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.report = ModelReport(self.root)

    def add(self, status: str, name: str, reason: str, fix: str = "", rel: str = "") -> None:
        path = os.path.join(self.root, rel) if rel else self.root
        self.report.findings.append(CheckResult(name, status, reason, fix, path, group="model"))
        if rel:
            self.report.mark(rel, status, reason)

    def run(self, manifest, sha256: bool, progress: Progress | None) -> ModelReport:
        if not os.path.isdir(self.root):
            self.add(FAIL, "model folder", f"{self.root} is not a folder", "check the path")
            return self.report
        self.report.files = list_files(self.root)
        sizes = {f.path: f.size for f in self.report.files}
        self.layout(sizes)
        self.weights(sizes)
        if manifest is not None:
            self.against_manifest(manifest, sizes, sha256, progress)
        elif sha256:
            self.hash_all(progress)
        if not any(c.status != OK for c in self.report.findings):
            weights = sum(1 for p in sizes if p.endswith(WEIGHT_SUFFIXES))
            self.add(
                OK,
                "model files",
                f"{len(sizes)} files, {weights} weight file(s), {human_bytes(sum(sizes.values()))}",
            )
        return self.report

    def layout(self, sizes: dict[str, int]) -> None:
        adapter = "adapter_config.json" in sizes
        if not adapter and "config.json" not in sizes:
            self.add(FAIL, "config", "config.json missing", "download the whole repository")
        if not adapter and not any(t in sizes for t in TOKENIZER_FILES):
            self.add(
                FAIL,
                "tokenizer",
                "no tokenizer files (tokenizer.json, tokenizer.model, vocab.json)",
                "download the tokenizer files of the repository too",
            )
        if not any(p.endswith(WEIGHT_SUFFIXES) for p in sizes):
            self.add(FAIL, "weights", "no weight files (*.safetensors, *.bin)", REFETCH)

    def weights(self, sizes: dict[str, int]) -> None:
        headers: dict[str, set[str]] = {}
        for rel, size in sizes.items():
            full = os.path.join(self.root, rel)
            if size <= 1024 and _is_lfs_pointer(full):
                self.add(
                    FAIL,
                    rel,
                    f"git-LFS pointer ({size} bytes) instead of the real file",
                    REFETCH,
                    rel,
                )
                continue
            if rel.endswith(".safetensors"):
                info = check_safetensors(full, size)
                if info.problem:
                    self.add(FAIL, rel, info.problem, REFETCH, rel)
                headers[rel] = set(info.tensors)
            elif rel.endswith(".bin") and size > 1024 and not _zip_complete(full, size):
                self.add(WARN, rel, "no zip end record: the file may be truncated", REFETCH, rel)
        for index in INDEXES:
            if index in sizes:
                self.index(index, sizes, headers)

    def index(self, index: str, sizes: dict[str, int], headers: dict[str, set[str]]) -> None:
        try:
            with open(os.path.join(self.root, index), encoding="utf-8") as fh:
                weight_map = json.load(fh)["weight_map"]
            shards: dict[str, list[str]] = {}
            for tensor, shard in weight_map.items():
                shards.setdefault(shard, []).append(tensor)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.add(FAIL, index, f"index unreadable ({exc.__class__.__name__})", REFETCH, index)
            return
        for shard, tensors in sorted(shards.items()):
            if shard not in sizes:
                self.add(
                    FAIL,
                    shard,
                    f"missing: named in {index} ({len(tensors)} tensors) but not in the folder",
                    f"download {shard}",
                    shard,
                )
            elif shard in headers and headers[shard] and (gone := set(tensors) - headers[shard]):
                first = sorted(gone)[0]
                self.add(
                    FAIL,
                    shard,
                    f"{len(gone)} tensor(s) of {index} not in this shard (e.g. {first!r})",
                    REFETCH,
                    shard,
                )

    def against_manifest(
        self,
        manifest: dict[str, ManifestEntry],
        sizes: dict[str, int],
        sha256: bool,
        progress: Progress | None,
    ) -> None:
        to_hash = []
        for rel, entry in sorted(manifest.items()):
            if rel not in sizes:
                self.add(FAIL, rel, "missing: listed in the manifest", f"download {rel}", rel)
            elif entry.size is not None and sizes[rel] != entry.size:
                self.add(
                    FAIL,
                    rel,
                    f"size {sizes[rel]} bytes, the manifest says {entry.size}",
                    REFETCH,
                    rel,
                )
            elif sha256 and entry.sha256:
                to_hash.append(rel)
        digests = self.hash(to_hash, progress)
        for rel in to_hash:
            if digests[rel] != manifest[rel].sha256:
                self.add(
                    FAIL,
                    rel,
                    f"sha256 {digests[rel][:12]}… differs from the manifest's "
                    f"{manifest[rel].sha256[:12]}…",  # type: ignore[index]
                    REFETCH,
                    rel,
                )
        self.report.sha256_checked = sha256

    def hash_all(self, progress: Progress | None) -> None:
        self.hash([f.path for f in self.report.files], progress)
        self.report.sha256_checked = True

    def hash(self, rels: list[str], progress: Progress | None) -> dict[str, str]:
        digests = sha256_files([os.path.join(self.root, r) for r in rels], progress=progress)
        by_rel = {os.path.relpath(p, self.root): d for p, d in digests.items()}
        for f in self.report.files:
            if f.path in by_rel:
                f.sha256 = by_rel[f.path]
        return by_rel


def _is_lfs_pointer(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(len(LFS_PREFIX)) == LFS_PREFIX


def _zip_complete(path: str, size: int) -> bool:
    """torch's zip-format .bin ends with an end-of-central-directory record."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head != b"PK\x03\x04":
            return True  # legacy pickle format: nothing cheap to check
        fh.seek(max(0, size - 22))
        return fh.read(4) == b"PK\x05\x06"


def verify_dir(
    path: str,
    manifest: dict[str, ManifestEntry] | None = None,
    sha256: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ModelReport:
    """Verify `path` in this process (this machine's files)."""
    return _Verifier(path).run(manifest, sha256, progress)
