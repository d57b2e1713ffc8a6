"""`fit --probe`: run the real config for a few steps and read the peak it reached.

The run is an ordinary detached run (`prepare_run` + `launch`, named `fit-probe`) with
`max_steps` set low, no checkpoints, no evaluation. A `sitecustomize` written into its
run folder (and put first on PYTHONPATH) records, when each Python process of the run
exits, `torch.cuda.max_memory_allocated`/`max_memory_reserved` on a GPU and the peak
RSS (the CPU path); the peak lands in the run's fit.json next to the estimate.
"""

from __future__ import annotations

import json
import os
import posixpath
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from tui_ft.fit.estimate import Estimate
from tui_ft.workspace import Workspace

GIB = 1 << 30
HOOK = '''"""tui-ft fit probe: this process's memory peak at exit; then the real sitecustomize."""
import atexit, json, os, resource, sys

def _tui_ft_peak():
    out = {"pid": os.getpid(), "argv": sys.argv[:3],
           "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
            out["allocated"] = int(torch.cuda.max_memory_allocated())
            out["reserved"] = int(torch.cuda.max_memory_reserved())
            out["device"] = torch.cuda.get_device_name()
    except Exception as exc:
        out["cuda_error"] = repr(exc)
    out["trained"] = "transformers" in sys.modules
    folder = os.environ.get("TUI_FT_PEAK_DIR")
    if folder:
        path = os.path.join(folder, "peak-%d.json" % os.getpid())
        with open(path + ".tmp", "w") as fh:
            json.dump(out, fh)
        os.replace(path + ".tmp", path)

atexit.register(_tui_ft_peak)
_here = os.path.dirname(os.path.abspath(__file__))
_saved = sys.path[:]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]
del sys.modules["sitecustomize"]
try:
    import sitecustomize  # noqa: F401  (the environment's own, if any)
except ImportError:
    pass
finally:
    sys.path[:] = _saved
'''


class ProbeError(RuntimeError):
    pass


@dataclass
class Probe:
    run_id: str
    steps: int
    allocated: int | None
    reserved: int | None
    rss: int | None
    seconds: float

    @property
    def on_gpu(self) -> bool:
        return self.allocated is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self, est: Estimate) -> str:
        if self.on_gpu and self.allocated:
            err = (est.allocated - self.allocated) / self.allocated
            return (
                f"probe    {self.steps} steps in {self.seconds:.0f}s (run {self.run_id}): "
                f"torch peak {self.allocated / GIB:.2f} GiB, "
                f"reserved {(self.reserved or 0) / GIB:.2f} GiB; "
                f"estimate {est.allocated / GIB:.2f} GiB ({err:+.0%})"
            )
        rss = f"{self.rss / GIB:.2f} GiB" if self.rss else "unknown"
        return (
            f"probe    {self.steps} steps in {self.seconds:.0f}s on the CPU (run {self.run_id}): "
            f"peak RSS {rss} (process memory, not comparable to a GPU estimate of "
            f"{est.allocated / GIB:.2f} GiB)"
        )


def probe_config(raw: dict[str, Any], steps: int) -> dict[str, Any]:
    """The config for the probe: the same model, data and batch; `steps` steps, nothing saved."""
    out = {k: v for k, v in raw.items() if not k.startswith("_")}
    for key in ("resume_from_checkpoint", "eval_steps", "eval_strategy", "load_best_model_at_end"):
        out.pop(key, None)
    out.update(
        max_steps=steps,
        logging_steps=1,
        save_steps=10 * steps + 1000,
        save_strategy="no",
        report_to="none",
        overwrite_output_dir=True,
        val_size=0.0,
        plot_loss=False,
        output_dir="",
    )
    return out


def run_probe(
    ws: Workspace,
    raw: dict[str, Any],
    est: Estimate,
    *,
    steps: int = 10,
    devices: str | None = None,
    timeout: float = 3600,
    progress: Callable[[str], None] = lambda _m: None,
) -> Probe:
    """Run `raw` for `steps` steps, wait for it, and return the peak it reached."""
    from tui_ft.fit.record import save_observed, write_estimate
    from tui_ft.train import TrainConfig, TrainConfigError
    from tui_ft.train.discover import run_info
    from tui_ft.train.launch import launch, prepare_run

    host = ws.host
    cfg = TrainConfig.from_dict(probe_config(raw, steps))
    if raw.get("deepspeed_stage") is not None and not cfg.deepspeed:
        cfg.deepspeed_stage = int(raw["deepspeed_stage"])
    try:
        paths = prepare_run(ws, cfg, name="fit-probe")
    except TrainConfigError as exc:
        raise ProbeError(str(exc)) from exc
    write_estimate(host, paths, est, "fit --probe")
    hook_dir = posixpath.join(paths.root, "fit-hook")
    host.makedirs(hook_dir)
    host.write_text(posixpath.join(hook_dir, "sitecustomize.py"), HOOK)
    pythonpath = hook_dir
    if not host.is_remote and os.environ.get("PYTHONPATH"):
        pythonpath += os.pathsep + os.environ["PYTHONPATH"]
    env = {"PYTHONPATH": pythonpath, "TUI_FT_PEAK_DIR": paths.root}
    started = time.monotonic()
    launch(host, paths, devices=devices, env_extra=env)
    progress(f"probe: run {paths.run_id}, {steps} steps")
    info = run_info(host, paths)
    while info.alive or info.state in ("created",):
        if time.monotonic() - started > timeout:
            raise ProbeError(f"run {paths.run_id} still running after {timeout:.0f}s")
        time.sleep(1.0)
        info = run_info(host, paths)
    seconds = time.monotonic() - started
    peaks = _peaks(host, paths.root)
    if info.state not in ("finished", "stopped"):
        tail = _log_tail(host, paths.launch_log)
        if "out of memory" in tail.lower():
            raise ProbeError(
                f"run {paths.run_id} ran out of GPU memory: the estimate's verdict "
                "holds; try a suggestion"
            )
        raise ProbeError(
            f"run {paths.run_id} {info.detail}: {tail.splitlines()[-1] if tail else ''}"
        )
    trained = [p for p in peaks if p.get("trained")] or peaks
    allocated = max((int(p["allocated"]) for p in trained if p.get("allocated")), default=None)
    reserved = max((int(p["reserved"]) for p in trained if p.get("reserved")), default=None)
    rss = max((int(p["rss"]) for p in trained if p.get("rss")), default=None)
    probe = Probe(paths.run_id, steps, allocated, reserved, rss, seconds)
    save_observed(
        host, paths, {"allocated": allocated, "reserved": reserved, "rss": rss, "source": "probe"}
    )
    return probe


def _peaks(host, root: str) -> list[dict[str, Any]]:
    found = []
    for entry in host.listdir(root):
        if entry.name.startswith("peak-") and entry.name.endswith(".json"):
            try:
                found.append(json.loads(host.read_text(entry.path)))
            except (FileNotFoundError, ValueError):
                continue
    return found


def _log_tail(host, path: str) -> str:
    try:
        return "\n".join(host.read_text(path).strip().splitlines()[-20:])
    except FileNotFoundError:
        return ""
