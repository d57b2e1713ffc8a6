"""A loopback server answering huggingface_hub's file API (through HF_ENDPOINT).

It serves one repository from memory: repo info, the tree listing with LFS sha256,
HEAD/GET on resolve URLs with ETags and byte ranges. `drop_once` cuts the first
transfer of a file halfway, as a flaky link would, to prove the download resumes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class HubServer:
    def __init__(self, repo: str, files: dict[str, bytes], etags: dict[str, str] | None = None):
        self.repo, self.files = repo, files
        self.etags = etags or {}  # path -> sha256 to announce (default: the real one)
        self.drop_once: set[str] = set()
        self.ranges: list[tuple[str, str]] = []  # (path, Range header) of the GETs
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> HubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

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

    def _handler(self):
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _json(self, value) -> None:
                body = json.dumps(value).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _file(self, head: bool) -> None:
                prefix = f"/{hub.repo}/resolve/"
                path = unquote(urlparse(self.path).path)
                rest = path[len(prefix) :].split("/", 1) if path.startswith(prefix) else []
                if len(rest) != 2 or rest[1] not in hub.files:
                    self.send_error(404)
                    return
                name, data = rest[1], hub.files[rest[1]]
                etag = hub.sha(name) if hub.lfs(name) else hashlib.sha1(data).hexdigest()
                start = 0
                rng = self.headers.get("Range")
                if not head:
                    hub.ranges.append((name, rng or ""))
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                self.send_response(206 if start else 200)
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("ETag", f'"{etag}"')
                self.send_header("Content-Length", str(len(data) - start))
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if head:
                    return
                body = data[start:]
                if name in hub.drop_once:
                    hub.drop_once.discard(name)
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def do_HEAD(self) -> None:
                self._file(head=True)

            def do_GET(self) -> None:
                path = urlparse(self.path).path
                api = f"/api/models/{hub.repo}"
                if path in (api, f"{api}/revision/main", f"{api}/revision/{COMMIT}"):
                    siblings = [{"rfilename": p} for p in sorted(hub.files)]
                    self._json({"id": hub.repo, "sha": COMMIT, "siblings": siblings})
                elif path.startswith(f"{api}/tree/"):
                    self._json(hub.tree())
                else:
                    self._file(head=False)

        return Handler


class ModelScopeServer:
    """A loopback server answering the modelscope library's file API (MODELSCOPE_ENDPOINT).

    `GET /api/v1/models/{repo}/repo/files` lists the files with the Sha256 ModelScope
    publishes; `GET /api/v1/models/{repo}/repo?Revision=..&FilePath=..` serves one,
    honouring byte ranges. `drop_once` cuts a file's first transfer halfway; `served`
    replaces what is sent for a file (the listing keeps announcing the real hash).
    """

    def __init__(self, repo: str, files: dict[str, bytes]):
        self.repo, self.files = repo, files
        self.served: dict[str, bytes] = {}
        self.drop_once: set[str] = set()
        self.ranges: list[tuple[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    url = HubServer.url

    def __enter__(self) -> ModelScopeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def listing(self) -> list[dict]:
        out = [{"Name": "sub", "Path": "sub", "Type": "tree", "Size": 0, "Sha256": ""}]
        for path, data in sorted(self.files.items()):
            out.append({
                "Name": path.rsplit("/", 1)[-1], "Path": path, "Type": "blob",
                "Size": len(data), "Sha256": hashlib.sha256(data).hexdigest(),
                "Revision": COMMIT, "IsLFS": path.endswith(".safetensors"),
            })  # fmt: skip
        return out

    def _handler(self):
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, data) -> None:
                body = json.dumps({"Code": 200, "Data": data, "Message": "success",
                                   "Success": True, "RequestId": "loopback"}).encode()  # fmt: skip
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                from urllib.parse import parse_qs

                url = urlparse(self.path)
                base = f"/api/v1/models/{hub.repo}"
                if url.path == f"{base}/repo/files":
                    self._json({"Files": hub.listing()})
                elif url.path == f"{base}/repo":
                    self._file(parse_qs(url.query).get("FilePath", [""])[0])
                else:
                    self.send_error(404)

            def _file(self, name: str) -> None:
                if name not in hub.files:
                    self.send_error(404)
                    return
                data = hub.served.get(name, hub.files[name])
                rng = self.headers.get("Range") or ""
                hub.ranges.append((name, rng))
                start = int(rng[6:].split("-")[0]) if rng.startswith("bytes=") else 0
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(data) - start))
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                body = data[start:]
                if name in hub.drop_once:
                    hub.drop_once.discard(name)
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        return Handler
