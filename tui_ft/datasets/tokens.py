"""Token-length statistics with the model's own tokenizer.

transformers is imported here only when a model is given; texts are tokenised in
batches by the fast (Rust) tokenizer, and only lengths are kept (4 bytes a record).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from tui_ft.datasets.findings import Finding, TokenStats

BATCH = 2000
TOP = 5


class TokenCounter:
    def __init__(self, model_dir: str, cutoff_len: int | None) -> None:
        from transformers import AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(model_dir, use_fast=True)
        self.stats = TokenStats(model=model_dir, cutoff_len=cutoff_len)
        self.lengths = array("I")
        self.pending: list[str] = []
        self.where: list[tuple[str, int | None, int]] = []

    def add(self, text: str, path: str, line: int | None, index: int) -> None:
        self.pending.append(text)
        self.where.append((path, line, index))

    def flush(self, sink: Callable[[Finding], None]) -> None:
        if not self.pending:
            return
        enc = self.tokenizer(self.pending, add_special_tokens=True, return_attention_mask=False)
        cutoff = self.stats.cutoff_len
        for ids, (path, line, index) in zip(enc["input_ids"], self.where, strict=True):
            n = len(ids)
            self.lengths.append(n)
            if cutoff is not None and n > cutoff:
                self.stats.over_cutoff += 1
                sink(Finding("too-long", "warning", f"{n} tokens > cutoff_len {cutoff} (the end "
                             "is cut off in training)", path, line, index))  # fmt: skip
        self.pending, self.where = [], []

    def maybe_flush(self, sink: Callable[[Finding], None]) -> None:
        if len(self.pending) >= BATCH:
            self.flush(sink)

    def finish(self, sink: Callable[[Finding], None]) -> TokenStats:
        self.flush(sink)
        s, lengths = self.stats, self.lengths
        if lengths:
            import numpy as np

            arr = np.frombuffer(lengths, dtype=np.uint32)
            s.count, s.total = len(arr), int(arr.sum())
            s.min, s.max = int(arr.min()), int(arr.max())
            s.p50, s.p95 = (int(x) for x in np.percentile(arr, [50, 95], method="nearest"))
            top = np.argsort(-arr.astype(np.int64), kind="stable")[:TOP]
            s.longest = [int(i) for i in top]
        return s
