"""A box shared with another Unix user (the `neighbour`), reached over a real sshd.

The neighbour cannot read the watch daemon's settings (webhook URLs) nor get an answer
from the chat server's port without its key; it can read the GGUF and Modelfile the box
user made under umask 022, as a colleague or an `ollama` service user must.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

import psutil
import pytest
import yaml

from tui_ft.config import Config
from tui_ft.watch.control import start_daemon, stop_daemon
from tui_ft.watch.files import WatchFiles

pytestmark = pytest.mark.ssh

SECRET = "b4d7e0c2-5f1a-4c4e-9d3e-secret-token"
HOOK = f"https://open.feishu.cn/open-apis/bot/v2/hook/{SECRET}"


def mode(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_neighbour_cannot_read_the_watch_daemons_settings(ssh_host, box, box_tmp, neighbour):
    ws = box_tmp / "ws"
    files = WatchFiles(str(ws))
    # What an older tui-ft left on the box: settings 0644 in a 0755 folder.
    old = f"umask 022; mkdir -p {ws}/runs {files.folder} && echo '{{}}' > {files.settings}"
    box.run(["sh", "-c", old])
    assert (mode(files.folder), mode(files.settings)) == (0o755, 0o644)

    cfg = Config(notify={"webhooks": [{"url": HOOK, "format": "feishu"}]}, watch={"interval": 0.5})
    _pid, started = start_daemon(ssh_host, str(ws), cfg)
    try:
        assert started
        deadline = time.time() + 90
        while not os.path.exists(files.state) and time.time() < deadline:
            time.sleep(0.2)
        assert SECRET in Path(files.settings).read_text()  # the daemon's copy, on the box
        modes = [mode(p) for p in (files.folder, files.settings, files.state)]
        assert modes == [0o700, 0o600, 0o600]
        for path in (files.settings, files.state, files.log):
            got = neighbour.run(["cat", path])
            assert got.returncode != 0 and "Permission denied" in got.stderr, got
        assert neighbour.run(["ls", files.folder]).returncode != 0
    finally:
        stop_daemon(ssh_host, str(ws))


def test_hosts_yaml_is_private(ssh_host, ssh_home):
    from tui_ft.hosts import memory_path, remember

    remember(ssh_host, workspace="/data/ws")
    assert (mode(memory_path()), mode(memory_path().parent)) == (0o600, 0o700)


@pytest.mark.lf
def test_chat_server_answers_only_with_its_key(ssh_host, box, box_demo, neighbour):
    from tui_ft.chat.base import ChatParams
    from tui_ft.chat.server import LlamaFactoryServer

    server = LlamaFactoryServer(ssh_host, str(box_demo / "models" / "tiny-llama-demo"))
    try:
        server.start()
        url = f"http://127.0.0.1:{server.port}"  # the port on the box, as the neighbour sees it
        ask = (
            "import sys, urllib.request, urllib.error\n"
            "heads = dict(a.split(': ', 1) for a in sys.argv[2:])\n"
            "req = urllib.request.Request(sys.argv[1], headers=heads)\n"
            "try:\n    print(urllib.request.urlopen(req, timeout=20).status)\n"
            "except urllib.error.HTTPError as e:\n    print(e.code)\n"
        )
        python = box.python  # in the box user's 0755 home: anyone may run it
        assert neighbour.run([python, "-c", ask, f"{url}/v1/models"]).stdout.strip() == "401"
        guess = "Authorization: Bearer guess"
        wrong = neighbour.run([python, "-c", ask, f"{url}/v1/models", guess])
        assert wrong.stdout.strip() == "401"
        # The key file is gone once read, and the key is on no command line on the box.
        assert not ssh_host.exists(f"{server.log_path[:-4]}.key")
        for proc in psutil.process_iter(["cmdline"]):
            assert server.api_key not in " ".join(proc.info["cmdline"] or [])
        # tui-ft's own client sends the key: it gets its answer.
        hello = [{"role": "user", "content": "hi"}]
        assert list(server.stream(hello, ChatParams(max_new_tokens=4)))
        assert mode(os.path.dirname(server.log_path)) == 0o700  # the key's folder
    finally:
        server.close()


@pytest.mark.lf
@pytest.mark.gguf
def test_neighbour_reads_a_gguf_and_modelfile_made_under_umask_022(
    ssh_host, box, box_tmp, box_demo, demo_gguf, neighbour
):
    from tui_ft.gguf.finish import FinishRequest
    from tui_ft.gguf.remote import finish_on

    assert ssh_host.box_umask() == 0o022, "the fixture's sshd should give the box umask 022"
    gguf = f"{box_tmp}/export/tiny-f16.gguf"
    ssh_host.write_bytes(gguf, demo_gguf.read_bytes())  # a GGUF sent to the box
    model = str(box_demo / "models" / "tiny-llama-demo")
    # The Modelfile as `tui-ft export --gguf` writes it on the box: gguf-finish there.
    done = finish_on(ssh_host, FinishRequest(gguf, model, template="default", modelfile=True))
    assert done.modelfile == f"{box_tmp}/export/Modelfile"
    assert (mode(gguf), mode(done.modelfile)) == (0o644, 0o644)
    read = neighbour.run(["sha256sum", gguf])
    assert read.stdout.split()[:1] == [hashlib.sha256(demo_gguf.read_bytes()).hexdigest()], read
    got = neighbour.run(["cat", done.modelfile])
    assert got.returncode == 0 and "FROM ./tiny-f16.gguf" in got.stdout, got


def test_notify_test_on_a_broken_box_does_not_echo_the_urls(
    ssh_home, box, box_tmp, tmp_path, monkeypatch, capsys
):
    """A box whose python fails and prints what it was given (the webhooks, on stdin)."""
    from tui_ft.cli import main

    bad = box_tmp / "python-that-fails"
    bad.write_text("#!/bin/sh\ncat >&2\nexit 3\n")
    bad.chmod(0o755)
    box.chown(bad)
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"notify": {"webhooks": [{"url": HOOK, "format": "feishu"}]},
                                   "hosts": {"box": {"python": str(bad)}}}))  # fmt: skip
    monkeypatch.setenv("TUI_FT_CONFIG", str(cfg))
    with pytest.raises(SystemExit) as exited:  # CLIError: one line, no traceback
        main(["--host", "box", "notify", "test"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "failed" in err and "open.feishu.cn" in err and SECRET not in err, err
