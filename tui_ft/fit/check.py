"""`fit`: a training config's memory estimate per GPU, with the verdict and suggestions.

`fit_config` works where the files are (the model's config.json, the dataset, NVML);
`fit_on` is what callers use: in-process here, `python -m tui_ft fit - --json` on a box
with the config on stdin (one command over SSH, the data never leaves the box).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from tui_ft.fit.estimate import Estimate, estimate
from tui_ft.fit.seqlen import Lengths, Unmeasured, measure
from tui_ft.fit.settings import FitSettings, SettingsError, read_settings, read_zero, zero_from_json
from tui_ft.fit.shape import ModelShape, ShapeError, read_shape
from tui_ft.fit.verdict import NO_FIT, NO_GPU, Suggestion, judge, seq_for, suggestions
from tui_ft.host.base import Host


class FitError(ValueError):
    """Bad input for the estimate: one line saying what and where."""


@dataclass
class GPUFree:
    index: int
    name: str
    total: int
    free: int
    verdict: str = ""


@dataclass
class FitReport:
    model: str
    estimate: Estimate
    seq_source: str
    gpus: list[GPUFree] = field(default_factory=list)
    gpu_note: str = ""
    suggestions: list[Suggestion] = field(default_factory=list)
    lengths: Lengths | None = None

    @property
    def verdict(self) -> str:
        """The worst verdict over the GPUs the run uses ("no GPU" without one)."""
        order = ("won't fit", "tight", "fits")
        found = [g.verdict for g in self.gpus]
        return next((v for v in order if v in found), NO_GPU)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "verdict": self.verdict,
            "estimate": self.estimate.to_dict(),
            "seq_source": self.seq_source,
            "gpus": [g.__dict__ for g in self.gpus],
            "gpu_note": self.gpu_note,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "lengths": self.lengths.to_dict() if self.lengths else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FitReport:
        return cls(
            model=str(d.get("model", "")),
            estimate=Estimate.from_dict(d["estimate"]),
            seq_source=str(d.get("seq_source", "")),
            gpus=[GPUFree(**g) for g in d.get("gpus", [])],
            gpu_note=str(d.get("gpu_note", "")),
            suggestions=[Suggestion(**s) for s in d.get("suggestions", [])],
            lengths=Lengths.from_dict(d["lengths"]) if d.get("lengths") else None,
        )


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.I)


def parse_size(text: str) -> int:
    """`24GiB`, `80G`, `81920M` or bytes -> bytes (binary units); ValueError otherwise."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a size like 24GiB")
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


def settings_of(host: Host, raw: dict[str, Any]) -> FitSettings:
    """The settings of a config mapping, its DeepSpeed file read on `host`."""
    from tui_ft.train.config_keys import deepspeed_stage_of

    try:
        zero = read_zero(host, raw)
        if zero is None and raw.get("deepspeed_stage") is not None:  # the form's choice
            from tui_ft.train.deepspeed import deepspeed_config

            zero = zero_from_json(deepspeed_config(int(raw["deepspeed_stage"])), "deepspeed")
        elif zero is None and raw.get("deepspeed") and deepspeed_stage_of(raw["deepspeed"]) is None:
            raise FitError(f"deepspeed: {raw['deepspeed']}: no ZeRO stage found")
        return read_settings(raw, zero)
    except SettingsError as exc:
        raise FitError(str(exc)) from exc


def model_shape(host: Host, model: str) -> ModelShape:
    if not model:
        raise FitError("model_name_or_path: empty (the model folder with its config.json)")
    try:
        return read_shape(host, model)
    except ShapeError as exc:
        raise FitError(str(exc)) from exc


def sequence(
    host: Host,
    raw: dict[str, Any],
    s: FitSettings,
    measure_data: bool = True,
) -> tuple[int, str, Lengths | None]:
    """The sequence length to plan for, where it comes from, and the measured lengths."""
    if s.packing:
        return s.cutoff_len, f"cutoff_len {s.cutoff_len} (packing fills every row)", None
    if not measure_data:
        return s.cutoff_len, f"cutoff_len {s.cutoff_len} (data not measured)", None
    names = [d.strip() for d in str(raw.get("dataset") or "").split(",") if d.strip()]
    try:
        lengths = measure(
            host,
            str(raw.get("model_name_or_path") or ""),
            str(raw.get("template") or "default"),
            str(raw.get("dataset_dir") or "data"),
            names,
        )
    except Unmeasured as exc:
        return s.cutoff_len, f"cutoff_len {s.cutoff_len} (data not measured: {exc})", None
    p99 = lengths.percentile(99)
    seq = seq_for(s, lengths)
    how = "with the template" if lengths.templated else "plain text, no template"
    src = f"p99 of {lengths.records} records = {p99} tokens ({how})"
    if seq < p99:
        src += f", capped by cutoff_len {s.cutoff_len}"
    return seq, src, lengths


def gpu_frees(devices: str | None) -> tuple[list[GPUFree], str]:
    """Free memory of the GPUs the run will use (CUDA_VISIBLE_DEVICES-style `devices`)."""
    from tui_ft.gpu import gpu_unavailable_reason, read_gpus

    gpus = read_gpus()
    if not gpus:
        reason = gpu_unavailable_reason() or "none found"
        return [], reason.split(": ")[-1]  # the library's words, not the exception's class
    chosen = devices or os.environ.get("CUDA_VISIBLE_DEVICES")
    if chosen:
        wanted = {d.strip() for d in chosen.split(",") if d.strip()}
        gpus = [g for g in gpus if str(g.index) in wanted or g.uuid in wanted] or gpus
    return [
        GPUFree(g.index, g.name, g.memory_total, g.memory_total - g.memory_used) for g in gpus
    ], ""


def fit_config(
    host: Host,
    raw: dict[str, Any],
    *,
    devices: str | None = None,
    free: int | None = None,
    gpus: int | None = None,
    measure_data: bool = True,
) -> FitReport:
    """The estimate of `raw` (LLaMA-Factory arguments) on this machine's GPUs.

    `free` and `gpus` plan for other hardware instead (bytes free per GPU, GPU count);
    without `free`, $TUI_FT_FIT_FREE (bytes, or a size like 24GiB) does the same for every
    caller (the Train form's line on a laptop that plans for a box it has not rented yet).
    """
    if free is None and os.environ.get("TUI_FT_FIT_FREE"):
        free = parse_size(os.environ["TUI_FT_FIT_FREE"])
    s = settings_of(host, raw)
    shape = model_shape(host, str(raw.get("model_name_or_path") or ""))
    seq, source, lengths = sequence(host, raw, s, measure_data)
    if free is not None:
        found = [GPUFree(i, "planned", free, free) for i in range(max(1, gpus or 1))]
        note = "planned"
    else:
        found, note = gpu_frees(devices)
    listed = [d for d in (devices or "").split(",") if d.strip()]
    n = gpus or len(found) or len(listed) or 1  # no NVML: as many as --devices names
    est = estimate(shape, s, seq, n)
    for g in found:
        g.verdict = judge(est.total, g.free)
    report = FitReport(
        str(raw.get("model_name_or_path")), est, source, found, note, lengths=lengths
    )
    if report.verdict in (NO_FIT, "tight"):
        report.suggestions = suggestions(shape, s, lengths, n, min(g.free for g in found))
    return report


def fit_on(
    host: Host,
    raw: dict[str, Any],
    *,
    devices: str | None = None,
    free: int | None = None,
    gpus: int | None = None,
    measure_data: bool = True,
    timeout: float = 600,
    isolate: bool = False,
) -> FitReport:
    """`fit_config` where the files are: here, or on the box in one command.

    `isolate`: in a child process here too (the TUI: tokenising the data imports
    transformers and torch, which the TUI process never holds)."""
    if not host.is_remote and not isolate:
        return fit_config(
            host, raw, devices=devices, free=free, gpus=gpus, measure_data=measure_data
        )
    from tui_ft.host.call import call
    from tui_ft.lf import yamlio

    argv = ["fit", "-", "--json", "--on-box"]
    argv += ["--devices", devices] if devices else []
    argv += ["--free", str(free)] if free is not None else []
    argv += ["--gpus", str(gpus)] if gpus else []
    argv += [] if measure_data else ["--no-data"]
    # Any exit code: "won't fit" and a bad config are answers (the JSON says which).
    data = call(
        host, argv, input=yamlio.dump(raw), env={"HF_HUB_OFFLINE": "1"}, timeout=timeout, ok=None
    ).value
    if "error" in data:
        raise FitError(str(data["error"]))
    return FitReport.from_dict(data)


def dumps(report: FitReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False)
