"""What we register is accepted by LLaMA-Factory's own data loading (in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tui_ft.datasets import file_name_for, lint_file, load_info, register

LOADER = Path(__file__).with_name("lf_load.py")


def _load(model: Path, dataset_dir: Path, names: str) -> dict:
    res = subprocess.run(
        [sys.executable, str(LOADER), str(model), str(dataset_dir), names],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_registered_datasets_load_through_llamafactory(host, demo_copy, tmp_path):
    ds = demo_copy / "datasets"
    # The demo identity data, registered under a new name from its detected entry.
    filled = ds / "identity_demo.json"
    report = lint_file(host, str(filled))
    assert report.ok
    entry = dict(report.entry, file_name=file_name_for(str(ds), str(filled)))
    register(host, load_info(host, str(ds)), "identity_again", entry)
    # A sharegpt file with custom role/content tags, outside the dataset_dir.
    chat = [
        {"dialog": [{"speaker": "kunde", "text": f"Frage {i}: wie spät ist es?"},
                    {"speaker": "agent", "text": f"Antwort {i}: gleich zwölf."}]}
        for i in range(6)
    ]  # fmt: skip
    chat_path = tmp_path / "support.jsonl"
    chat_path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in chat) + "\n")
    report = lint_file(host, str(chat_path))
    assert report.ok and report.entry["tags"]["user_tag"] == "kunde"
    entry = dict(report.entry, file_name=file_name_for(str(ds), str(chat_path)))
    register(host, load_info(host, str(ds)), "support_chat", entry)

    model = demo_copy / "models" / "tiny-llama-demo"
    loaded = _load(model, ds, "identity_again,support_chat")
    assert loaded["identity_again"] == {"examples": 21, "with_labels": 21}
    assert loaded["support_chat"] == {"examples": 6, "with_labels": 6}
