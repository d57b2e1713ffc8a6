"""Saving a loaded training config: what stays as the user wrote it, and what it costs.

Over the test set of configs (tests/lf/text_configs.py and LLaMA-Factory-style examples),
each save changes one field (tests/lf/test_config_text.py's cases). Figures: comment and
blank lines kept, lines changed per save, and time per save. Baseline: writing the whole
mapping again with yamlio.dump (what Save did before), same run.

    .venv/bin/python benchmarks/config_text.py
"""

from __future__ import annotations

import difflib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.lf.test_config_text import ALL, CASES
from tui_ft.lf import yamlio
from tui_ft.train.config import TrainConfig


def notes(text: str) -> list[str]:
    """Every comment (whole-line or inline) and blank line, in order."""
    return [
        line[line.index("#") :] if "#" in line else ""
        for line in text.splitlines()
        if "#" in line or not line.strip()
    ]


def changed_lines(before: str, after: str) -> int:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++")))


def main() -> None:
    saves = total_notes = 0
    kept = {"edit": 0, "dump": 0}
    lines = {"edit": 0, "dump": 0}
    files_whole = {"edit": 0, "dump": 0}
    seconds = {"edit": 0.0, "dump": 0.0}
    for name, field, value in CASES:
        text = ALL[name]
        cfg = TrainConfig.from_yaml(text)
        setattr(cfg, field, value)
        t0 = time.perf_counter()
        out = {"edit": cfg.to_yaml()}
        t1 = time.perf_counter()
        out["dump"] = yamlio.dump(cfg.to_dict())
        t2 = time.perf_counter()
        seconds["edit"] += t1 - t0
        seconds["dump"] += t2 - t1
        want = notes(text)
        saves += 1
        total_notes += len(want)
        for way, saved in out.items():
            got = notes(saved)
            kept[way] += sum(a == b for a, b in zip(want, got, strict=False)) if got else 0
            files_whole[way] += got == want
            lines[way] += changed_lines(text, saved)
    print(f"{len(ALL)} configs, {saves} saves of one changed field")
    for way, label in (("edit", "tui-ft (edit in place)"), ("dump", "baseline (whole dump)")):
        print(
            f"{label:24} comment/blank lines kept {kept[way]}/{total_notes}, "
            f"saves keeping all {files_whole[way]}/{saves}, "
            f"lines changed {lines[way]} ({lines[way] / saves:.1f} per save), "
            f"{seconds[way] / saves * 1000:.2f} ms per save"
        )
    print(f"ratio of lines changed, tui-ft / baseline: {lines['edit'] / lines['dump']:.3f}")


if __name__ == "__main__":
    main()
