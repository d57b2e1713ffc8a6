"""A fake training run on a host (local or over SSH), launched the way training is: the
exit-code wrapper, detached, with status.json naming its pid. The trainer writes
`steps` log lines and exits 0 (tests/watch/test_daemon.py's TRAINER)."""

from __future__ import annotations

import json
import posixpath

from tests.watch.test_daemon import TRAINER
from tui_ft.host.base import Host
from tui_ft.train.launch import WRAPPER
from tui_ft.train.rundir import RunPaths


def start_box_run(host: Host, ws: str, name: str, steps: int) -> RunPaths:
    paths = RunPaths(posixpath.join(ws, "runs", name))
    trainer = posixpath.join(ws, "trainer.py")
    host.write_text(trainer, TRAINER)
    host.write_text(paths.args, "model_name_or_path: tiny\n")
    host.makedirs(paths.output)
    argv = ["sh", "-c", WRAPPER, "tui-ft-run", paths.exit_code, host.python, trainer,
            paths.trainer_log, str(steps), "0", paths.args]  # fmt: skip
    pid = host.spawn_detached(argv, cwd=paths.root, log_path=paths.launch_log, pid_path=paths.pid)
    host.write_text(paths.status, json.dumps({"launches": [{"pid": pid}]}))
    return paths
