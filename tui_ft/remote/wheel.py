"""A wheel of the tui-ft installed here, for `remote setup --build` without a source checkout.

A laptop with `pip install tui-ft` has no pyproject.toml to build from, yet the installed
files are the wheel's files: its RECORD lists them. They are packed again into a wheel
(the same name, tag and metadata; a new RECORD with their hashes), which the box installs
like the one from the package index. Compiled caches and the install's own marks
(INSTALLER, REQUESTED, direct_url.json) are left out; console scripts come back from
entry_points.txt when the box installs it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from tui_ft.host.base import HostError

_INSTALL_MARKS = ("INSTALLER", "REQUESTED", "direct_url.json", "RECORD")


def _hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def repack_installed(out_dir: Path, name: str = "tui-ft") -> Path:
    """The installed `name` as a wheel in `out_dir`; HostError when it cannot be (an editable
    install has its files elsewhere: build from that checkout instead)."""
    try:
        dist = distribution(name)
    except PackageNotFoundError as exc:
        raise HostError(f"{name} is not installed here: pass --wheel FILE") from exc
    files = [f for f in dist.files or () if not str(f).startswith("..")]
    if any(str(f).endswith(".pth") for f in files):
        raise HostError(f"{name} is an editable install here: its checkout builds the wheel")
    info_dir = next((f.parts[0] for f in files if f.parts[0].endswith(".dist-info")), None)
    if info_dir is None:
        raise HostError(f"{name}'s install lists no .dist-info: pass --wheel FILE")
    wheel_meta = dist.read_text("WHEEL") or ""
    tag = next(
        (ln.split(":", 1)[1].strip() for ln in wheel_meta.splitlines() if ln.startswith("Tag:")),
        "py3-none-any",
    )
    stem = info_dir.removesuffix(".dist-info")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{stem}-{tag}.whl"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as whl:
        for f in sorted(files, key=str):
            rel = str(f)
            if "__pycache__" in f.parts or rel.endswith(".pyc"):
                continue
            if f.parts[0] == info_dir and f.name in _INSTALL_MARKS:
                continue
            data = Path(f.locate()).read_bytes()
            whl.writestr(rel, data)
            writer.writerow([rel, _hash(data), len(data)])
        writer.writerow([f"{info_dir}/RECORD", "", ""])
        whl.writestr(f"{info_dir}/RECORD", record.getvalue())
    return target
