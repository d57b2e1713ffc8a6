"""The estimate kept with each run, the peak it really reached, and the error over runs.

`fit.json` in the run folder: the estimate at launch (`save_estimate`, called by
`prepare_run`) and, when known, the observed peak (`save_observed`: a probe's
`torch.cuda.max_memory_allocated`, or the highest GPU memory the monitor's NVML
sampling saw while the run lived). `tui-ft fit --report` lists them side by side.
"""

from __future__ import annotations

import json
import posixpath
import time
from dataclasses import asdict, dataclass
from typing import Any

from tui_ft.host.base import Host
from tui_ft.train.rundir import RunPaths
from tui_ft.workspace import Workspace

FIT_FILE = "fit.json"
GIB = 1 << 30


def fit_path(paths: RunPaths) -> str:
    return posixpath.join(paths.root, FIT_FILE)


def read_fit(host: Host, paths: RunPaths) -> dict[str, Any]:
    try:
        data = json.loads(host.read_text(fit_path(paths)))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(host: Host, paths: RunPaths, data: dict[str, Any]) -> None:
    host.write_text(fit_path(paths), json.dumps(data, indent=1))


def save_estimate(host: Host, paths: RunPaths, raw: dict[str, Any]) -> dict[str, Any] | None:
    """Estimate `raw` at launch (no data tokenised: a cached measurement or cutoff_len) and keep
    it in the run folder. Never raises: an estimate that cannot be made is no reason to
    refuse a launch."""
    try:
        from tui_ft.fit.check import model_shape, settings_of
        from tui_ft.fit.estimate import estimate
        from tui_ft.fit.seqlen import Unmeasured, measure
        from tui_ft.fit.verdict import seq_for

        s = settings_of(host, raw)
        shape = model_shape(host, str(raw.get("model_name_or_path") or ""))
        lengths, source = None, f"cutoff_len {s.cutoff_len}"
        if not s.packing and not host.is_remote:
            names = [d.strip() for d in str(raw.get("dataset") or "").split(",") if d.strip()]
            try:
                lengths = measure(
                    host,
                    str(raw.get("model_name_or_path")),
                    str(raw.get("template") or "default"),
                    str(raw.get("dataset_dir") or "data"),
                    names,
                    cached_only=True,
                )
                source = "p99 (cached measurement)"
            except Unmeasured:
                pass
        devices = str(raw.get("_devices") or "")
        gpus = len([d for d in devices.split(",") if d.strip()]) or 1
        est = estimate(shape, s, seq_for(s, lengths), gpus)
    except Exception:
        return None
    data = {"estimated_at": time.time(), "seq_source": source, "estimate": est.to_dict()}
    try:
        _write(host, paths, data)
    except OSError:
        return None
    return data


def write_estimate(host: Host, paths: RunPaths, est: Any, source: str) -> None:
    """Keep `est` (an Estimate made with the measured data) as the run's estimate."""
    data = read_fit(host, paths)
    data.update(estimated_at=time.time(), seq_source=source, estimate=est.to_dict())
    _write(host, paths, data)


def save_observed(host: Host, paths: RunPaths, observed: dict[str, Any]) -> None:
    """Merge a peak reading into fit.json (`allocated`, `nvml`, `rss`, `source`)."""
    data = read_fit(host, paths)
    before = data.get("observed") or {}
    merged = dict(before)
    for key in ("allocated", "reserved", "nvml", "rss"):
        if observed.get(key) is not None:
            merged[key] = max(int(observed[key]), int(before.get(key) or 0))
    merged["source"] = observed.get("source") or before.get("source")
    merged["observed_at"] = time.time()
    data["observed"] = merged
    _write(host, paths, data)


@dataclass(frozen=True)
class CalibrationRow:
    run_id: str
    estimate: int | None
    """The estimated torch peak (allocated) in bytes."""
    estimate_total: int | None
    observed: int | None
    source: str

    @property
    def error(self) -> float | None:
        """(estimate - observed) / observed, on the same footing (torch peak or NVML)."""
        est = self.estimate if self.source != "nvml" else self.estimate_total
        if not est or not self.observed:
            return None
        return (est - self.observed) / self.observed

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "error": self.error}


def calibration_rows(ws: Workspace) -> list[CalibrationRow]:
    from tui_ft.train import list_runs

    rows = []
    for info in list_runs(ws):
        data = read_fit(ws.host, RunPaths(posixpath.join(ws.runs, info.run_id)))
        if not data:
            continue
        est = data.get("estimate") or {}
        obs = data.get("observed") or {}
        if obs.get("allocated"):
            observed, source = int(obs["allocated"]), "torch"
        elif obs.get("nvml"):
            observed, source = int(obs["nvml"]), "nvml"
        elif obs.get("rss"):
            observed, source = int(obs["rss"]), "cpu-rss"
        else:
            observed, source = None, ""
        rows.append(
            CalibrationRow(info.run_id, est.get("allocated"), est.get("total"), observed, source)
        )
    return rows


def render_rows(rows: list[CalibrationRow], where: str) -> list[str]:
    if not rows:
        return [f"no run in {where} has a saved estimate yet"]
    lines = [f"{'run':<40} {'estimate':>10} {'observed':>10} {'error':>8}  source"]
    for r in rows:
        est = r.estimate_total if r.source == "nvml" else r.estimate
        e = "—" if est is None else f"{est / GIB:.1f} GiB"
        o = "—" if r.observed is None else f"{r.observed / GIB:.1f} GiB"
        err = "—" if r.error is None else f"{r.error:+.0%}"
        lines.append(f"{r.run_id:<40} {e:>10} {o:>10} {err:>8}  {r.source or 'no peak recorded'}")
    errs = [abs(r.error) for r in rows if r.error is not None and r.source != "cpu-rss"]
    if errs:
        lines.append(f"mean absolute error over {len(errs)} GPU runs: {sum(errs) / len(errs):.0%}")
    return lines
