"""Start a run detached on the host, and resume one from its last checkpoint.

The process is `llamafactory-cli train RUN_DIR/training_args.yaml` inside a tiny `sh`
wrapper that records the exit code when it returns (the TUI may be long gone by then).
The wrapper defers SIGABRT/SIGTERM, so a graceful stop reaches LLaMA-Factory, which with
LLAMABOARD_ENABLED=1 finishes the current step, saves and exits 0; the wrapper then
writes `exit_code`. A SIGKILL of the process group leaves no exit code: "killed".
"""

from __future__ import annotations

import json
import os
import posixpath
import time
from collections.abc import Mapping

from tui_ft.host.base import Host
from tui_ft.train.config import TrainConfig
from tui_ft.train.discover import RunInfo, run_info
from tui_ft.train.rundir import RunPaths, checkpoints, new_run_id, read_status, slug, write_status
from tui_ft.train.validate import validate
from tui_ft.workspace import Workspace

# A CPU run without OMP_NUM_THREADS gets the cores that are free at launch (at least one):
# torch's default, one thread per core, crawls 10-60x slower as soon as another process
# wants a core (each op's barrier waits for a descheduled thread; 6 s a demo step was seen
# on a busy 2-core box, against 0.07 s with one thread). A set OMP_NUM_THREADS is kept.
CPU_THREADS = (
    'if [ -z "${OMP_NUM_THREADS-}" ] && [ -z "${CUDA_VISIBLE_DEVICES-}" ] '
    "&& [ ! -e /dev/nvidiactl ] && [ -r /proc/loadavg ]; then "
    "n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1); read load _ < /proc/loadavg; "
    't=$((n - ${load%%.*})); [ "$t" -ge 1 ] || t=1; export OMP_NUM_THREADS=$t; '
    'echo "tui-ft: CPU run: OMP_NUM_THREADS=$t ($t of $n cores free at launch;'
    ' set OMP_NUM_THREADS to choose)"; fi; '
)
# $1: exit-code file; the rest: the command. `trap :` (not '') so the child gets the
# default handlers back at exec, while the shell itself waits for it.
WRAPPER = (
    CPU_THREADS + 'trap : ABRT TERM INT HUP; code_file=$1; shift; "$@"; '
    'echo $? > "$code_file.tmp"; mv "$code_file.tmp" "$code_file"'
)


def run_env(output_dir: str, devices: str | None = None) -> dict[str, str]:
    """The environment of a run: LLaMA Board logging and SIGABRT stop, GPU choice."""
    env = {"LLAMABOARD_ENABLED": "1", "LLAMABOARD_WORKDIR": output_dir}
    if devices:
        env["CUDA_VISIBLE_DEVICES"] = devices
        if len([d for d in devices.split(",") if d.strip()]) > 1:
            env["FORCE_TORCHRUN"] = "1"  # LLaMA-Factory's own torchrun launch on one node
    return env


def _bin_dir(host: Host) -> str:
    """The folder of the host's tui-ft Python: its llamafactory-cli and torchrun live there."""
    return posixpath.dirname(host.python)


def launch_argv(host: Host, paths: RunPaths) -> list[str]:
    cli = host.tool("llamafactory-cli") or "llamafactory-cli"
    return ["sh", "-c", WRAPPER, "tui-ft-run", paths.exit_code, cli, "train", paths.args]


def prepare_run(
    ws: Workspace,
    cfg: TrainConfig,
    *,
    name: str | None = None,
    run_id: str | None = None,
    base_dir: str | None = None,
) -> RunPaths:
    """Validate `cfg` and write a new run directory (not started yet).

    A config that names an `output_dir` trains into it, as `llamafactory-cli train` would
    (a relative one counts from `base_dir`, the caller's folder; default the host's home):
    the run folder's `output` is then a link to it and status.json records it.
    Without one, the run trains into its own `output/`.
    """
    host = ws.host
    validate(cfg, host)
    host.makedirs(ws.runs)
    run_id = run_id or new_run_id(host, ws.runs, name or slug(cfg.model_name_or_path))
    paths = RunPaths(posixpath.join(ws.runs, run_id))
    cfg = TrainConfig.from_dict(cfg.to_dict())  # a copy the run may change
    own = user_output_dir(host, cfg, base_dir)
    host.makedirs(paths.root)
    if own:
        host.makedirs(own)
        link_output(host, own, paths.output)
        cfg.output_dir = own
    else:
        host.makedirs(paths.output)
        cfg.output_dir = paths.output
    if cfg.deepspeed_stage is not None and not cfg.deepspeed:
        cfg.deepspeed = _write_deepspeed(host, paths, cfg.deepspeed_stage)
    host.write_text(paths.args, cfg.to_yaml())
    status: dict[str, object] = {"run_id": run_id, "created_at": time.time(), "launches": []}
    if own:
        status["output_dir"] = own
    if cfg.uses_v1:
        status["env"] = {"USE_V1": "1"}  # LLaMA-Factory's v1 engine reads this config
    write_status(host, paths, status)
    from tui_ft.fit.record import save_estimate

    save_estimate(host, paths, cfg.to_dict())  # fit.json: `tui-ft fit --report` compares the peak
    return paths


def user_output_dir(host: Host, cfg: TrainConfig, base_dir: str | None = None) -> str | None:
    """The config's own output_dir as an absolute path on the host, or None when it has none."""
    value = (cfg.output_dir or "").strip()
    if not value:
        return None
    if value.startswith("~"):
        value = host.home() + value[1:]
    if not posixpath.isabs(value):
        value = posixpath.join(base_dir or host.home(), value)
    return posixpath.normpath(value)


def output_notice(host: Host, paths: RunPaths) -> str:
    """Where the run writes its checkpoints and adapter, and why there (one line, for the
    CLI and the Train screen)."""
    own = read_status(host, paths).get("output_dir")
    if own:
        return f"{own} (the YAML's output_dir, as llamafactory-cli would use it)"
    return f"{paths.output} (the YAML names no output_dir)"


def link_output(host: Host, target: str, link: str) -> None:
    """`link` → `target`: the followers, metrics and checkpoints code reads `run/output`."""
    host.run(["ln", "-sfn", "--", target, link], timeout=30).check()


def _write_deepspeed(host: Host, paths: RunPaths, stage: int) -> str:
    from tui_ft.train.deepspeed import deepspeed_config

    path = posixpath.join(paths.root, f"ds_z{stage}_config.json")
    host.write_text(path, json.dumps(deepspeed_config(stage), indent=2))
    return path


def launch(host: Host, paths: RunPaths, *, devices: str | None = None, env_extra=None) -> int:
    """Start (or restart) the run in `paths` detached; returns the wrapper's pid."""
    status = read_status(host, paths)
    host.remove(paths.exit_code)
    env: dict[str, str] = run_env(paths.output, devices or status.get("devices"))
    env.update(status.get("env") or {})  # what the config needs (USE_V1=1 for v1 configs)
    if not host.is_remote and _bin_dir(host):  # torchrun (several GPUs) from the same env
        env["PATH"] = os.pathsep.join([_bin_dir(host), os.environ.get("PATH", "")])
    if env_extra:
        env.update(env_extra)
    argv = launch_argv(host, paths)
    pid = host.spawn_detached(
        argv, cwd=paths.root, log_path=paths.launch_log, pid_path=paths.pid, env=env
    )
    status.setdefault("launches", []).append({"started_at": time.time(), "pid": pid})
    status["devices"] = devices or status.get("devices")
    status["command"] = argv[5:]
    status.pop("stop_requested_at", None)
    write_status(host, paths, status)
    return pid


def start_run(
    ws: Workspace,
    cfg: TrainConfig,
    *,
    name: str | None = None,
    devices: str | None = None,
    env: Mapping[str, str] | None = None,
    run_id: str | None = None,
    base_dir: str | None = None,
) -> RunPaths:
    """Validate, write the run directory and launch it detached."""
    paths = prepare_run(ws, cfg, name=name, run_id=run_id, base_dir=base_dir)
    launch(ws.host, paths, devices=devices, env_extra=env)
    return paths


def _drop_partial_checkpoints(host: Host, paths: RunPaths) -> None:
    """Remove checkpoint folders a kill cut short (no trainer_state.json): never resumable,
    and a later auto-detection of the last checkpoint must not pick one."""
    complete = set(checkpoints(host, paths))
    try:
        entries = host.listdir(paths.output)
    except FileNotFoundError:
        return
    for entry in entries:
        step = entry.name.removeprefix("checkpoint-")
        if entry.is_dir and step != entry.name and step.isdigit() and int(step) not in complete:
            host.remove(entry.path, recursive=True)


class ResumeError(RuntimeError):
    pass


def resume_run(host: Host, paths: RunPaths, *, env: Mapping[str, str] | None = None) -> RunInfo:
    """Restart a stopped, failed or killed run from its last complete checkpoint."""
    info = run_info(host, paths)
    if info.state in ("running", "stopping"):
        raise ResumeError(f"run {info.run_id} is still {info.state} (pid {info.pid})")
    if info.state == "finished":
        raise ResumeError(f"run {info.run_id} finished: nothing to resume")
    cfg = TrainConfig.from_yaml(host.read_text(paths.args), source=paths.args)
    _drop_partial_checkpoints(host, paths)
    # No complete checkpoint (killed before the first save): start over in the same run;
    # LLaMA-Factory refuses a non-empty output folder otherwise.
    cfg.overwrite_output_dir = info.checkpoint is None
    cfg.resume_from_checkpoint = (
        posixpath.join(paths.output, f"checkpoint-{info.checkpoint}") if info.checkpoint else None
    )
    host.write_text(paths.args, cfg.to_yaml())
    status = read_status(host, paths)
    if status.get("launches") and info.ended_at:
        status["launches"][-1].setdefault("ended_at", info.ended_at)
        write_status(host, paths, status)
    launch(host, paths, env_extra=env)
    return run_info(host, paths)
