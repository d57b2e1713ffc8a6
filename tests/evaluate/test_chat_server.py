"""Chat through real `llamafactory-cli api` servers: identity learnt, nothing left running."""

from __future__ import annotations

import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from tests.evaluate.conftest import IDENTITY
from tui_ft.chat.base import ChatError, ChatParams
from tui_ft.chat.probes import DEFAULT_PROBE_SETS, format_table, run_probes
from tui_ft.chat.server import LlamaFactoryServer, live_servers
from tui_ft.host import LocalHost

pytestmark = pytest.mark.lf
TUI_FT = str(Path(sys.executable).parent / "tui-ft")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def names(text: str) -> bool:
    return any(word in text for word in IDENTITY)


def test_finetuned_answers_with_identity_and_base_does_not(trained, tmp_path):
    host = LocalHost()
    base = LlamaFactoryServer(host, str(trained["model"]), label="base", workdir=str(tmp_path))
    tuned = LlamaFactoryServer(
        host,
        str(trained["model"]),
        adapter=str(trained["adapter"]),
        label="tuned",
        workdir=str(tmp_path),
    )
    stages: list[str] = []
    try:
        with ThreadPoolExecutor(2) as pool:  # both load at once: half the waiting
            list(pool.map(lambda s: s.start(stages.append), (base, tuned)))
        assert stages[-1] == "ready" and "loading the model" in stages
        procs = [psutil.Process(s.pid) for s in (base, tuned)]
        procs += [c for p in list(procs) for c in p.children(recursive=True)]
        ports = [base.port, tuned.port]
        assert all(port_open(p) for p in ports)

        pieces = list(tuned.stream([{"role": "user", "content": "你是谁"}], ChatParams()))
        assert len(pieces) > 1, "the reply should arrive in pieces (streamed)"
        rows = run_probes(
            [base, tuned],
            {"identity": ["你是谁", "Who are you?"], "general": DEFAULT_PROBE_SETS["general"][:1]},
            ChatParams(max_new_tokens=40),
        )
        by_prompt = {r.prompt: r.answers for r in rows}
        for prompt in ("你是谁", "Who are you?"):
            assert names(by_prompt[prompt]["tuned"]), by_prompt[prompt]
            assert not names(by_prompt[prompt]["base"]), by_prompt[prompt]
        table = format_table(rows, ["base", "tuned"])
        assert "Who are you?" in table.splitlines()[3] and "1+1等于几" in table
    finally:
        base.close()
        tuned.close()
    assert live_servers() == []
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in procs)
    assert not any(port_open(p) for p in ports)


def test_missing_model_fails_before_any_server(tmp_path):
    before = {p.pid for p in psutil.process_iter() if "api" in " ".join(_cmd(p))}
    server = LlamaFactoryServer(LocalHost(), str(tmp_path / "nope"), workdir=str(tmp_path / "w"))
    with pytest.raises(ChatError, match=r"model .*nope does not exist on local"):
        server.start()
    assert server.pid is None and not (tmp_path / "w").exists()
    after = {p.pid for p in psutil.process_iter() if "api" in " ".join(_cmd(p))}
    assert after <= before


def test_cli_ask_prints_the_reply(trained):
    proc = subprocess.run(
        [
            TUI_FT,
            "ask",
            str(trained["model"]),
            "Who are you?",
            "--adapter",
            str(trained["adapter"]),
            "--max-new-tokens",
            "24",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert names(proc.stdout), proc.stdout


def test_cli_ask_missing_model_exit_code(tmp_path):
    proc = subprocess.run(
        [TUI_FT, "ask", str(tmp_path / "gone"), "hi"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert f"model {tmp_path / 'gone'} does not exist" in proc.stderr


def _cmd(p: psutil.Process) -> list[str]:
    try:
        return [a for a in p.cmdline() if "llamafactory" in a]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []
