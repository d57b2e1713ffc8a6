"""Loopback servers answering the hubs' file APIs: huggingface_hub (HF_ENDPOINT) and
modelscope (MODELSCOPE_ENDPOINT), each serving one repository from memory.

Both honour byte ranges; `drop_once` cuts the first transfer of a file halfway, as a
flaky link would, to prove a download resumes; `ranges` records (path, Range header)
of every file GET. The server set-up is `tests.loopback.LoopbackServer`'s.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, unquote, urlparse

from tests.loopback import LoopbackServer, Request

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class _RepoServer(LoopbackServer):
    def __init__(self, repo: str, files: dict[str, bytes]) -> None:
        super().__init__()
        self.repo, self.files = repo, files
        self.drop_once: set[str] = set()
        self.ranges: list[tuple[str, str]] = []  # (path, Range header) of the file GETs

    def serve(self, request: Request, name: str, data: bytes, head: bool, headers: dict) -> None:
        if not head:
            self.ranges.append((name, request.headers.get("Range") or ""))
        cut = not head and name in self.drop_once
        if cut:
            self.drop_once.discard(name)
        request.send_file(data, head=head, cut=cut, headers=headers)


class HubServer(_RepoServer):
    """Hugging Face: repo info, the tree with LFS sha256, resolve URLs with ETags."""

    def __init__(self, repo: str, files: dict[str, bytes], etags: dict[str, str] | None = None):
        super().__init__(repo, files)
        self.etags = etags or {}  # path -> sha256 to announce (default: the real one)

    def lfs(self, path: str) -> bool:
        return path.endswith(".safetensors")

    def sha(self, path: str) -> str:
        return self.etags.get(path) or hashlib.sha256(self.files[path]).hexdigest()

    def tree(self) -> list[dict]:
        out = []
        for path, data in sorted(self.files.items()):
            blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
            entry = {"type": "file", "path": path, "size": len(data), "oid": blob}
            if self.lfs(path):
                entry["lfs"] = {"oid": self.sha(path), "size": len(data), "pointerSize": 134}
            out.append(entry)
        return out

    def handle(self, request: Request, method: str) -> None:
        path = unquote(urlparse(request.path).path)
        api = f"/api/models/{self.repo}"
        if method == "GET" and path in (api, f"{api}/revision/main", f"{api}/revision/{COMMIT}"):
            siblings = [{"rfilename": p} for p in sorted(self.files)]
            request.send_json({"id": self.repo, "sha": COMMIT, "siblings": siblings})
            return
        if method == "GET" and path.startswith(f"{api}/tree/"):
            request.send_json(self.tree())
            return
        prefix = f"/{self.repo}/resolve/"
        rest = path[len(prefix) :].split("/", 1) if path.startswith(prefix) else []
        if len(rest) != 2 or rest[1] not in self.files:
            request.send_error(404)
            return
        name, data = rest[1], self.files[rest[1]]
        etag = self.sha(name) if self.lfs(name) else hashlib.sha1(data).hexdigest()
        headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{etag}"'}
        self.serve(request, name, data, method == "HEAD", headers)


class ModelScopeServer(_RepoServer):
    """ModelScope: `GET /api/v1/models/{repo}/repo/files` lists the files with the Sha256
    it publishes; `GET /api/v1/models/{repo}/repo?Revision=..&FilePath=..` serves one.
    `served` replaces what is sent for a file (the listing keeps the real hash)."""

    def __init__(self, repo: str, files: dict[str, bytes]):
        super().__init__(repo, files)
        self.served: dict[str, bytes] = {}

    def listing(self) -> list[dict]:
        out = [{"Name": "sub", "Path": "sub", "Type": "tree", "Size": 0, "Sha256": ""}]
        for path, data in sorted(self.files.items()):
            out.append({
                "Name": path.rsplit("/", 1)[-1], "Path": path, "Type": "blob",
                "Size": len(data), "Sha256": hashlib.sha256(data).hexdigest(),
                "Revision": COMMIT, "IsLFS": path.endswith(".safetensors"),
            })  # fmt: skip
        return out

    def handle(self, request: Request, method: str) -> None:
        url = urlparse(request.path)
        base = f"/api/v1/models/{self.repo}"
        if method == "GET" and url.path == f"{base}/repo/files":
            request.send_json({"Code": 200, "Data": {"Files": self.listing()}, "Success": True,
                               "Message": "success", "RequestId": "loopback"})  # fmt: skip
            return
        name = parse_qs(url.query).get("FilePath", [""])[0]
        if method != "GET" or url.path != f"{base}/repo" or name not in self.files:
            request.send_error(404)
            return
        self.serve(request, name, self.served.get(name, self.files[name]), False, {})
