"""LLaMA-Factory's v1 data format: detected, linted by its own rules, previewed by parts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui_ft.datasets import lint_file
from tui_ft.datasets.preview import preview_page
from tui_ft.host.local import LocalHost


def _msg(role: str, *parts: tuple[str, str]) -> dict:
    return {"role": role, "content": [{"type": t, "value": v} for t, v in parts]}


TOOLS = json.dumps([{"type": "function", "function": {"name": "circle_area", "parameters": {
    "type": "object", "properties": {"radius": {"type": "number"}}}}}])  # fmt: skip
CALL = json.dumps({"name": "circle_area", "arguments": {"radius": 1.5}})
SAMPLES = [
    {
        "messages": [
            _msg("system", ("text", "You reason before you answer.")),
            _msg("user", ("text", "Area of a circle of radius 1.5?")),
            _msg("assistant", ("reasoning", "I should call circle_area."), ("tool_call", CALL)),
            _msg("tool", ("text", '{"area": 7.0686}')),
            _msg("assistant", ("reasoning", "The tool says 7.07."), ("text", "About 7.07 m².")),
        ],
        "tools": TOOLS,
    },
    {"messages": [_msg("user", ("text", "hi")), _msg("assistant", ("text", "Hello!"))]},
]


def _write(path: Path, samples: list[dict]) -> Path:
    path.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in samples))
    return path


def test_clean_v1_file_is_detected_and_says_it_needs_the_v1_engine(tmp_path: Path) -> None:
    path = _write(tmp_path / "v1_demo.jsonl", SAMPLES * 3)
    report = lint_file(LocalHost(), str(path))
    assert report.kind == "v1 messages"
    assert report.errors == 0, [str(f) for f in report.findings]
    assert report.records == 6
    assert any("USE_V1=1" in note for note in report.notes)
    assert report.warnings == 4  # the repeated samples, nothing about their content

    # LLaMA-Factory's own v1 data engine reads the same samples from the file
    from llamafactory.v1.core.data_engine import DataEngine

    engine = DataEngine(str(path))
    assert len(engine) == report.records
    assert engine[0]["messages"][2]["content"][1] == {"type": "tool_call", "value": CALL}


def test_v1_rules_name_each_problem_once(tmp_path: Path) -> None:
    broken = json.loads(json.dumps(SAMPLES[0]))
    broken["messages"][1]["content"] = "Area of a circle?"  # a v0 string in a v1 file
    broken["messages"][2]["content"][1]["value"] = "circle_area(1.5)"  # not JSON
    broken["messages"][3]["role"] = "observation"
    broken["messages"][0]["content"][0]["type"] = "reasoning"  # reasoning from the system
    path = _write(tmp_path / "v1_broken.jsonl", [SAMPLES[1], broken, SAMPLES[1]])
    report = lint_file(LocalHost(), str(path))
    assert report.kind == "v1 messages"
    errors = {(f.record, f.field, f.rule) for f in report.findings if f.severity == "error"}
    assert errors == {
        (1, "messages[1].content", "wrong-type"),
        (1, "messages[2].content[1].value", "tool-call"),
        (1, "messages[3].role", "role-tag"),
        (1, "messages[0].content[0]", "misplaced-part"),
    }
    line = next(f for f in report.findings if f.rule == "tool-call")
    assert line.line == 2 and line.path == str(path)


def test_preview_shows_reasoning_and_tool_calls_as_turns(tmp_path: Path) -> None:
    path = _write(tmp_path / "v1_demo.jsonl", SAMPLES)
    page = preview_page(LocalHost(), str(path), 0, 1)
    turns = [tuple(t) for t in page["records"][0]["turns"]]
    assert turns[:4] == [
        ("system", "You reason before you answer."),
        ("user", "Area of a circle of radius 1.5?"),
        ("assistant reasoning", "I should call circle_area."),
        ("assistant tool_call", CALL),
    ]
    assert turns[-1] == ("assistant", "About 7.07 m².")


def test_cli_lint_prints_the_v1_note(tmp_path: Path) -> None:
    path = _write(tmp_path / "v1_demo.jsonl", SAMPLES)
    out = subprocess.run(
        [sys.executable, "-m", "tui_ft", "data", "lint", str(path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "v1 messages" in out.stdout and "USE_V1=1" in out.stdout + out.stderr
    assert "must be a string" not in out.stdout
