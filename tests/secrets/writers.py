"""Every file tui-ft writes, each through its real writer, for the mode table.

A writer takes the host, a folder of it to write in and the demo workspace, and returns
the file it wrote. On this machine `python -m tests.secrets.writers ROOT DEMO` runs them
all in one process (the test starts it under umask 022 and 077) and prints, as JSON, the
mode of each file and of its folder; on the box the same writers go through SSH.
"""

from __future__ import annotations

import json
import posixpath
import sys
import time
from collections.abc import Callable

from tui_ft.host.base import Host

Writer = Callable[[Host, str, str], str]


def config_yaml(host: Host, root: str, demo: str) -> str:
    from pathlib import Path

    from tui_ft.config import Config

    hook = {"url": "https://open.feishu.cn/x/SECRET", "format": "feishu"}
    return str(Config(notify={"webhooks": [hook]}).save(Path(root, "config", "config.yaml")))


def watch_settings(host: Host, root: str, demo: str) -> str:
    """The daemon's settings.json (and, below, its state.json): started and stopped for real."""
    from tui_ft.config import Config
    from tui_ft.watch.control import start_daemon, stop_daemon
    from tui_ft.watch.files import WatchFiles

    ws = posixpath.join(root, "ws")
    host.makedirs(posixpath.join(ws, "runs"))
    cfg = Config(notify={"webhooks": [{"url": "http://127.0.0.1:9/hook/SECRET"}]},
                 watch={"interval": 0.2})  # fmt: skip
    start_daemon(host, ws, cfg)
    files = WatchFiles(ws)
    deadline = time.time() + 90
    while not host.exists(files.state) and time.time() < deadline:
        time.sleep(0.1)
    stop_daemon(host, ws)
    return files.settings


def watch_state(host: Host, root: str, demo: str) -> str:
    from tui_ft.watch.files import WatchFiles

    return WatchFiles(posixpath.join(root, "ws")).state  # written by the daemon above


def modelfile(host: Host, root: str, demo: str) -> str:
    from tui_ft.gguf.modelfile import write_modelfile

    gguf = posixpath.join(root, "export", "tiny.gguf")
    host.makedirs(posixpath.dirname(gguf))
    model = posixpath.join(demo, "models", "tiny-llama-demo")
    return write_modelfile(host, model, "default", gguf)  # FROM only names the GGUF


def recipe(host: Host, root: str, demo: str) -> str:
    from tui_ft.recipes.store import save_recipe
    from tui_ft.workspace import Workspace

    return save_recipe(Workspace(host, posixpath.join(root, "ws")), "mine", "steps: []\n")


def dataset_info(host: Host, root: str, demo: str) -> str:
    from tui_ft.datasets.info import INFO, load_info, register

    folder = posixpath.join(root, "data")
    host.makedirs(folder)
    register(host, load_info(host, folder), "one", {"file_name": "one.json"})
    register(host, load_info(host, folder), "two", {"file_name": "two.json"})  # and a .bak
    return posixpath.join(folder, INFO)


def dataset_info_backup(host: Host, root: str, demo: str) -> str:
    from tui_ft.datasets.info import INFO

    return posixpath.join(root, "data", f"{INFO}.bak")  # written by dataset_info above


def filled_dataset(host: Host, root: str, demo: str) -> str:
    from tui_ft.datasets.placeholders import fill_placeholders

    src = posixpath.join(root, "data", "names.json")
    host.write_text(src, '[{"instruction": "who", "output": "{{name}}"}]')
    return fill_placeholders(host, src, {"name": "Ada"})[0]


def run_status(host: Host, root: str, demo: str) -> str:
    from tui_ft.train.rundir import RunPaths, write_status

    paths = RunPaths(posixpath.join(root, "ws", "runs", "r1"))
    host.makedirs(paths.root)
    write_status(host, paths, {"run_id": "r1"})
    return paths.status


def probe_sets(host: Host, root: str, demo: str) -> str:
    from tui_ft.chat.probes import PROBES_FILE, save_probe_sets

    save_probe_sets(host, posixpath.join(root, "ws"), {"mine": ["who are you?"]})
    return posixpath.join(root, "ws", PROBES_FILE)


# name -> (is a secret, its writer); order matters where one writer reads another's file.
WRITERS: dict[str, tuple[bool, Writer]] = {
    "config.yaml (webhook URLs)": (True, config_yaml),
    "watch settings.json": (True, watch_settings),
    "watch state.json": (True, watch_state),
    "Modelfile": (False, modelfile),
    "recipe": (False, recipe),
    "dataset_info.json": (False, dataset_info),
    "dataset_info.json.bak": (False, dataset_info_backup),
    "filled dataset file": (False, filled_dataset),
    "run status.json": (False, run_status),
    "probe sets": (False, probe_sets),
}
LOCAL_ONLY = {"config.yaml (webhook URLs)"}  # the laptop's own config


def write_all(host: Host, root: str, demo: str) -> dict[str, list[int]]:
    """{writer: [file mode, folder mode]} (stat here: the box of the tests is this machine)."""
    import os
    import stat

    out = {}
    for name, (_secret, writer) in WRITERS.items():
        if host.is_remote and name in LOCAL_ONLY:
            continue
        path = writer(host, root, demo)
        out[name] = [stat.S_IMODE(os.stat(p).st_mode) for p in (path, os.path.dirname(path))]
    return out


if __name__ == "__main__":
    from tui_ft.host.local import LocalHost

    print(json.dumps(write_all(LocalHost(), sys.argv[1], sys.argv[2])))
