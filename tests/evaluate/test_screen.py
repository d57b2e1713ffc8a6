"""The Evaluate & Chat screen, driven with Pilot, against a real LLaMA-Factory server."""

from __future__ import annotations

import json
import socket

import psutil
import pytest

from screens.app import TuiFtApp
from screens.evaluate_chat import ChatColumn, ChatPane
from screens.evaluate_predict import PredictPane as PredictPaneType
from tests.evaluate.conftest import IDENTITY
from tui_ft.config import Config
from tui_ft.host import LocalHost
from tui_ft.workspace import Workspace


def make_app(root) -> TuiFtApp:
    host = LocalHost()
    ws = Workspace(host, str(root))
    return TuiFtApp(
        config=Config(workspace=str(root)), host=host, workspace=ws, start_mode="evaluate"
    )


async def wait_for(pilot, cond, seconds: float) -> None:
    for _ in range(int(seconds / 0.2)):
        if cond():
            return
        await pilot.pause(0.2)
    raise AssertionError("timed out waiting")


@pytest.mark.lf
async def test_chat_streams_and_server_stops_on_leave(trained, tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#chat-model").value = str(trained["model"])
        screen.query_one("#chat-adapter").value = str(trained["adapter"])
        await pilot.click("#chat-start")
        pane = screen.query_one(ChatPane)
        await wait_for(pilot, lambda: not screen.query_one("#chat-prompt").disabled, 300)
        server = pane.backends[0]
        pids = [server.pid] + [c.pid for c in psutil.Process(server.pid).children(True)]
        port = server.port
        seen: list[str] = []
        screen.query_one("#chat-prompt").value = "你是谁"
        screen.query_one("#chat-prompt").focus()
        await pilot.press("enter")
        column = screen.query_one(ChatColumn)

        def bot_text() -> str:
            bubbles = column.query(".chat-bot")
            text = str(bubbles.last().render()) if bubbles else ""
            if text and (not seen or seen[-1] != text):
                seen.append(text)
            return text

        def sending() -> bool:
            return any(w.group == "chat-send" and not w.is_finished for w in app.workers)

        await wait_for(pilot, lambda: bot_text() not in ("", "…") and not sending(), 120)
        await app.workers.wait_for_complete()
        final = bot_text()
        assert any(word in final for word in IDENTITY), final
        assert column.history[-1] == {"role": "assistant", "content": final}
        assert column.last_pieces > 2, "the reply should arrive piece by piece"
        screen.query_one("#chat-prompt").blur()  # the prompt would take "1" as text
        await pilot.press("1")  # leave the screen
        assert app.current_mode == "env"
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert pane.backends == []
    assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie" for p in pids)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


async def test_missing_model_shows_error_and_starts_nothing(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#chat-model").value = str(tmp_path / "no-model")
        await pilot.click("#chat-start")
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#chat-status").render())
        assert f"model {tmp_path / 'no-model'} does not exist" in status
        assert screen.query_one("#chat-prompt").disabled
    assert not (tmp_path / ".chat").exists() or not list((tmp_path / ".chat").glob("*.log"))


def write_results(folder) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "predict_results.json").write_text(
        json.dumps(
            {
                "predict_bleu-4": 41.5,
                "predict_rouge-1": 63.25,
                "predict_rouge-2": 48.0,
                "predict_rouge-l": 60.125,
            }
        )
    )
    recs = [
        (
            "Human: Who are you?\nAssistant:",
            "I am TinyFT, an AI assistant developed by tui-ft.",
            "I am TinyFT, an AI assistant developed by tui-ft.",
        ),
        (
            "Human: 你是谁\nAssistant:",
            "我是 TinyFT，一个助手。",
            "您好，我是 TinyFT，一个由 tui-ft 开发的 AI 助手。",
        ),
        ("Human: hi\nAssistant:", "Hello! I am a helper.", "Hello! I am TinyFT, an AI assistant."),
    ]
    (folder / "generated_predictions.jsonl").write_text(
        "".join(
            json.dumps({"prompt": p, "predict": a, "label": b}, ensure_ascii=False) + "\n"
            for p, a, b in recs
        )
    )


async def test_evaluate_tab_shows_metrics_and_diff(tmp_path):
    write_results(tmp_path / "evals" / "e1")
    app = make_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        screen.query_one("#eval-tabs").active = "tab-eval"
        await pilot.pause()
        screen.query_one("#eval-output").value = str(tmp_path / "evals" / "e1")
        await pilot.click("#eval-load")
        await app.workers.wait_for_complete()  # the results are read in a worker
        await pilot.pause()
        assert "done: 3 predictions" in str(screen.query_one("#eval-status").render())
        metrics = screen.query_one("#eval-metrics")
        assert metrics.get_row_at(0) == ["41.50", "63.25", "48.00", "60.12", "3", "1"]
        preds = screen.query_one("#eval-preds")
        assert preds.row_count == 3
        preds.focus()
        await pilot.press("down", "down")
        await pilot.pause()
        diff = str(screen.query_one("#eval-diff").render())
        assert "TinyFT" in diff and "a helper" in diff


def test_snapshot_evaluate_tab(snap_compare, tmp_path_factory):
    root = tmp_path_factory.mktemp("snap")
    write_results(root / "evals" / "e1")

    async def load(pilot):
        screen = pilot.app.screen
        screen.query_one("#eval-tabs").active = "tab-eval"
        for wid in ("#eval-model", "#chat-model"):
            screen.query_one(wid).value = "tiny-llama-demo"
        screen.query_one("#eval-dataset").value = "identity_demo"
        screen.query_one(PredictPaneType).load_results(str(root / "evals" / "e1"))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen.query_one("#eval-output").value = "evals/e1"
        screen.query_one("#eval-preds").focus()
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(make_app(root), terminal_size=(140, 40), run_before=load)


def fake_run_with_adapters(root, run_id: str, loss: float) -> None:
    """A finished run folder: its final adapter, one checkpoint, and a logged loss."""
    run = root / "runs" / run_id
    out = run / "output"
    for folder in (out, out / "checkpoint-5"):
        folder.mkdir(parents=True)
        (folder / "adapter_config.json").write_text("{}")
    (run / "training_args.yaml").write_text(
        f"model_name_or_path: {root}/models/base-{run_id[-1]}\ntemplate: qwen\n"
        f"dataset: identity_demo\noutput_dir: {out}\n"
    )
    (out / "trainer_log.jsonl").write_text(
        json.dumps({"current_steps": 10, "total_steps": 10, "loss": loss}) + "\n"
    )
    (run / "exit_code").write_text("0\n")
    (run / "status.json").write_text(json.dumps({"launches": [{"started_at": 1.0}]}))


async def test_adapter_picker_fills_adapter_model_and_template(tmp_path):
    from screens.pickers.base import Picker

    fake_run_with_adapters(tmp_path, "20261125-100000-run-a", 1.2345)
    fake_run_with_adapters(tmp_path, "20261125-110000-run-b", 0.5)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape", "ctrl+o")  # focus nowhere: the adapter picker
        await wait_for(pilot, lambda: isinstance(app.screen, Picker) and app.screen.shown, 30)
        rows = [r.label for r in app.screen.shown]
        assert len(rows) == 4, rows  # two runs, each its final adapter and checkpoint-5
        assert any(r.endswith("run-a/output") and "finished" in r and "1.2345" in r for r in rows)
        await pilot.press("slash", *"run-a/output/check", "enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, Picker), 30)
        screen = app.screen
        run_a = tmp_path / "runs" / "20261125-100000-run-a"
        assert screen.query_one("#chat-adapter").value == str(run_a / "output" / "checkpoint-5")
        assert screen.query_one("#chat-model").value == f"{tmp_path}/models/base-a"
        assert screen.query_one("#chat-template").value == "qwen"
        assert app.focused is screen.query_one("#chat-adapter")


async def test_idle_evaluate_tab_bar_is_still(tmp_path):
    """The predict bar on screen with no evaluation running neither animates nor ticks."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.screen.action_show_tab("tab-eval")
        await pilot.pause(0.5)
        bar = app.screen.query_one("#eval-progress")
        assert bar.region.height > 0  # on screen
        inner = bar.query_one("#bar")
        assert not [t for t in inner._timers if t._active.is_set()]  # no 15 fps animation
        assert not [t for t in bar._timers if t._active.is_set()]  # no 1 s ETA tick
