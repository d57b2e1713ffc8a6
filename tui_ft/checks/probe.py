"""The torch probe: `python -c` on the box, answering one JSON line.

torch is imported only in that subprocess, so neither the UI nor `tui-ft check`
loads it (seconds of import, GBs of CUDA libraries), and the same probe runs on a
remote box through `host.run`.
"""

from __future__ import annotations

from typing import Any

from tui_ft.host.base import Host
from tui_ft.host.call import json_tail

PROBE = r"""
import json, sys
out = {"python": sys.version.split()[0], "executable": sys.executable}
try:
    import torch
except Exception as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
else:
    out["torch"] = torch.__version__
    out["cuda_build"] = torch.version.cuda
    try:
        out["cuda_available"] = bool(torch.cuda.is_available())
        n = torch.cuda.device_count() if out["cuda_available"] else 0
        out["devices"] = [torch.cuda.get_device_name(i) for i in range(n)]
        out["bf16"] = bool(n and torch.cuda.is_bf16_supported())
    except Exception as exc:
        out["cuda_available"] = False
        out["cuda_error"] = f"{type(exc).__name__}: {exc}"
print("\n" + json.dumps(out))
"""


def parse_json_tail(text: str) -> dict[str, Any] | None:
    """The JSON object that ends `text` (one line or indented; libraries may print before it)."""
    try:
        value = json_tail(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


_cache: dict[str, dict[str, Any]] = {}


def probe_torch(host: Host, timeout: float = 180.0, refresh: bool = False) -> dict[str, Any]:
    """Run the probe; on any failure a dict with an "error" key saying what happened.

    The answer is kept per host for this process (importing torch takes seconds and
    the install rarely changes); `refresh` asks again, as the screen's re-run does.
    """
    key = host.describe()
    if not refresh and key in _cache:
        return _cache[key]
    res = host.run([host.python, "-c", PROBE], timeout=timeout)
    data = parse_json_tail(res.stdout)
    if data is None:
        tail = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": f"probe exited {res.returncode}: {tail[0]}"}
    _cache[key] = data
    return data
