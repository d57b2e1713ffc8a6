"""Dataset lint speed vs LLaMA-Factory's own preprocessing, and peak memory on a big file.

    .venv/bin/python benchmarks/dataset_lint.py [--records 100000] [--big 1000000]

Generates a 100k-record alpaca file, then in one run:
  baseline  LLaMA-Factory `get_dataset` (sft, template default, 1 worker, fresh cache)
            with the demo model's tokenizer, timed around the call in a subprocess;
  lint      `tui_ft.datasets.lint_file` without tokenisation  (target >= 20x faster);
  tokens    the same with token-length statistics, cutoff_len 1024 (target >= 2x faster);
  memory    lint of a --big record file in a subprocess: peak RSS vs the file size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

WORDS = [
    "the",
    "model",
    "learns",
    "to",
    "answer",
    "questions",
    "about",
    "data",
    "tokens",
    "with",
    "care",
    "and",
    "speed",
]

BASELINE = r"""
import json, sys, tempfile, time
from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
from llamafactory.hparams import get_train_args
from llamafactory.model import load_tokenizer
model, ddir = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as out:
    args = dict(model_name_or_path=model, stage="sft", do_train=True, finetuning_type="lora",
                dataset="bench", dataset_dir=ddir, template="default", cutoff_len=1024,
                preprocessing_num_workers=1, overwrite_cache=True, output_dir=out,
                report_to="none", use_cpu=True)
    margs, dargs, targs, _, _ = get_train_args(args)
    tok = load_tokenizer(margs)
    template = get_template_and_fix_tokenizer(tok["tokenizer"], dargs)
    t = time.perf_counter()
    module = get_dataset(template, margs, dargs, targs, "sft", **tok)
    print(json.dumps({"seconds": time.perf_counter() - t,
                      "examples": len(module["train_dataset"])}))
"""

MEMORY = r"""
import json, sys
from tui_ft.datasets import lint_file
from tui_ft.host.local import LocalHost
r = lint_file(LocalHost(), sys.argv[1])
# VmHWM: this process's peak RSS (ru_maxrss would carry the parent's peak over the exec).
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": r.seconds, "records": r.records, "errors": r.errors,
                  "maxrss_kib": hwm}))
"""


def generate(path: Path, n: int, seed: int = 0) -> None:
    """An alpaca file laid out like LLaMA-Factory's own (indent 2, one field a line)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for i in range(n):
            rec = {
                "instruction": " ".join(rng.choices(WORDS, k=rng.randint(5, 30))) + f" #{i}",
                "input": "" if i % 3 else " ".join(rng.choices(WORDS, k=10)),
                "output": " ".join(rng.choices(WORDS, k=rng.randint(10, 80))),
            }
            text = json.dumps(rec, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            fh.write(("  " if i == 0 else ",\n  ") + text)
        fh.write("\n]\n")


def run_json(code: str, *argv: str, env: dict[str, str] | None = None) -> dict:
    res = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})  # fmt: skip
    if res.returncode != 0:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument(
        "--big", type=int, default=1_000_000, help="records of the memory run (0: skip)"
    )
    ap.add_argument("--model", help="model folder (default: build the demo model)")
    args = ap.parse_args()

    from tui_ft.datasets import lint_file
    from tui_ft.host.local import LocalHost

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        model = args.model
        if model is None:
            from tui_ft.demo.build import create_demo_workspace

            print("building the demo model ...", flush=True)
            model = str(create_demo_workspace(root / "ws"))
        ddir = root / "data"
        ddir.mkdir()
        data = ddir / "bench.json"
        generate(data, args.records)
        (ddir / "dataset_info.json").write_text(json.dumps({"bench": {"file_name": "bench.json"}}))
        size = data.stat().st_size
        print(f"file: {args.records} alpaca records, {size / 1e6:.1f} MB")

        base = run_json(BASELINE, model, str(ddir), env={"HF_DATASETS_CACHE": str(root / "hf")})
        print(f"baseline  LLaMA-Factory get_dataset (1 worker): {base['seconds']:.2f} s "
              f"({base['examples']} examples)")  # fmt: skip

        host = LocalHost()
        t = time.perf_counter()
        report = lint_file(host, str(data))
        lint_s = time.perf_counter() - t
        assert report.records == args.records and report.ok, report.summary()
        print(f"lint      no tokens: {lint_s:.2f} s  -> {base['seconds'] / lint_s:.1f}x faster "
              "(target >= 20x)")  # fmt: skip

        t = time.perf_counter()
        report = lint_file(host, str(data), model=model, cutoff_len=1024)
        tok_s = time.perf_counter() - t
        stats = report.tokens
        assert stats is not None and stats.count == args.records
        ratio = base["seconds"] / tok_s
        print(f"lint      with token stats: {tok_s:.2f} s  -> {ratio:.1f}x faster (target >= 2x);"
              f" tokens p50 {stats.p50} p95 {stats.p95} max {stats.max}")  # fmt: skip

        if args.big:
            big = root / "big.json"
            generate(big, args.big, seed=1)
            big_size = big.stat().st_size
            mem = run_json(MEMORY, str(big))
            rss = mem["maxrss_kib"] * 1024
            print(f"memory    {args.big} records, {big_size / 1e6:.0f} MB file: lint "
                  f"{mem['seconds']:.1f} s, peak RSS {rss / 1e6:.0f} MB "
                  f"({rss / big_size:.0%} of the file size)")  # fmt: skip


if __name__ == "__main__":
    main()
