"""Start predict detached (it survives the TUI and the SSH link) and follow its log."""

from __future__ import annotations

import posixpath
import re
import signal
from dataclasses import dataclass, field

import yaml

from tui_ft.evaluate.config import PredictSpec, build_predict_config, check_inputs
from tui_ft.evaluate.results import EvalError
from tui_ft.host.base import FileFollower, Host

# tqdm redraws with "\r", so the newest bar may sit in an unterminated line.
_BAR = re.compile(rb"(\d+)/(\d+) \[")
_TAIL_BYTES = 4096
_STAGES = (
    ("Loading dataset", "loading the dataset"),
    ("Running tokenizer", "tokenising"),
    ("all params", "model loaded"),
    ("Running Prediction", "predicting"),
    ("predict metrics", "scoring"),
    ("Saving prediction results", "saving"),
)


@dataclass
class PredictProgress:
    state: str  # "running", "done" or "failed"
    stage: str = "starting"
    done: int = 0
    total: int = 0
    error: str = ""
    lines: list[str] = field(default_factory=list)  # the log lines read by this poll

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass
class PredictJob:
    host: Host
    spec: PredictSpec
    pid: int
    log_path: str
    offset: int = 0  # of the log, so a restarted viewer goes on where it stopped

    def __post_init__(self) -> None:
        self._follower: FileFollower = self.host.follow(self.log_path, self.offset)
        self._stage = "starting"
        self._tail: list[str] = []
        self._bar_from: int | None = None  # log offset where the prediction's bar starts

    @property
    def output_dir(self) -> str:
        return self.spec.output_dir

    def poll(self) -> PredictProgress:
        """Read the new log lines and say where the prediction stands."""
        alive = self.host.is_alive(self.pid, expect="llamafactory")
        lines = self._follower.poll()
        self.offset = self._follower.offset
        for line in lines:
            for marker, stage in _STAGES:
                if marker in line:
                    self._stage = stage
            if "Running Prediction" in line:
                self._bar_from = self._follower.offset
        self._tail = (self._tail + [ln for ln in lines if ln.strip()])[-20:]
        done, total = self._bar()
        progress = PredictProgress("running", self._stage, done, total, lines=lines)
        if alive:
            return progress
        if self.host.exists(posixpath.join(self.output_dir, "predict_results.json")):
            progress.state, progress.stage = "done", "done"
            progress.done = progress.total = max(total, 1)
            return progress
        progress.state = "failed"
        progress.error = self._error_line()
        return progress

    def cancel(self) -> bool:
        return self.host.signal(self.pid, signal.SIGTERM)

    def _bar(self) -> tuple[int, int]:
        if self._bar_from is None:
            return 0, 0  # earlier bars (tokenising) are not the prediction's
        st = self.host.stat(self.log_path)
        if st is None:
            return 0, 0
        data = self.host.read_bytes(self.log_path, max(self._bar_from, st.size - _TAIL_BYTES))
        found = _BAR.findall(data)
        if not found:
            return 0, 0
        done, total = found[-1]
        return int(done), int(total)

    def _error_line(self) -> str:
        for line in reversed(self._tail):
            if "Error" in line or "error:" in line:
                return f"predict failed: {line.strip()} (log: {self.log_path})"
        last = self._tail[-1].strip() if self._tail else "no output"
        return f"predict exited without results: {last} (log: {self.log_path})"


def launch_predict(host: Host, spec: PredictSpec) -> PredictJob:
    """Write predict.yaml into the output folder and start `llamafactory-cli train` on it."""
    check_inputs(host, spec)
    if spec.adapter and not host.exists(posixpath.join(spec.adapter, "adapter_config.json")):
        raise EvalError(f"{spec.adapter}: not a LoRA adapter (no adapter_config.json)")
    cli = host.tool("llamafactory-cli")
    if cli is None:
        raise EvalError(f"llamafactory-cli not found on {host.describe()} (install tui-ft[train])")
    host.makedirs(spec.output_dir)
    # A stale result would pass for this run's: clear it first.
    for name in ("predict_results.json", "generated_predictions.jsonl"):
        host.remove(posixpath.join(spec.output_dir, name))
    cfg_path = posixpath.join(spec.output_dir, "predict.yaml")
    cfg = build_predict_config(spec)
    host.write_text(cfg_path, yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    log_path = posixpath.join(spec.output_dir, "predict.log")
    offset = st.size if (st := host.stat(log_path)) else 0
    pid = host.spawn_detached(
        [cli, "train", cfg_path],
        cwd=spec.output_dir,
        log_path=log_path,
        pid_path=posixpath.join(spec.output_dir, "predict.pid"),
        env={"DISABLE_VERSION_CHECK": "1", "TOKENIZERS_PARALLELISM": "false"},
    )
    return PredictJob(host, spec, pid, log_path, offset)
