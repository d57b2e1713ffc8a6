"""sha256 of model files: large reads, one thread per file.

hashlib releases the GIL while it hashes a buffer (and file reads release it too),
so threads hash several shards on several cores at once; within one file the read
size (4 MiB) keeps Python overhead far below the hashing cost.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

CHUNK = 4 * 1024 * 1024

Progress = Callable[[int, int], None]
"""progress(done_bytes, total_bytes), called from worker threads."""


def sha256_file(path: str, on_bytes: Callable[[int], None] | None = None) -> str:
    h = hashlib.sha256()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
            if on_bytes is not None:
                on_bytes(n)
    return h.hexdigest()


def sha256_files(
    paths: Sequence[str], workers: int | None = None, progress: Progress | None = None
) -> dict[str, str]:
    """Hash every path in parallel; returns {path: hex digest}. Raises OSError on a bad file."""
    if not paths:
        return {}
    total = sum(os.path.getsize(p) for p in paths)
    done = 0
    lock = threading.Lock()

    def on_bytes(n: int) -> None:
        nonlocal done
        with lock:
            done += n
            now = done
        if progress is not None:
            progress(now, total)

    workers = workers or min(len(paths), os.cpu_count() or 1)
    # Largest first: the long files start at once and the small ones fill the gaps.
    order = sorted(paths, key=os.path.getsize, reverse=True)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sha256") as pool:
        digests = dict(zip(order, pool.map(lambda p: sha256_file(p, on_bytes), order), strict=True))
    return {p: digests[p] for p in paths}
