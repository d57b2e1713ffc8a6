"""Check a GGUF the way a user would: read it, load it, let it answer.

With the Hugging Face folder it came from, also compare: the tokenisation of sample
strings (Chinese and English), and the first greedy tokens for the same prompt ids.
Heavy (llama-cpp-python, transformers): runs in `python -m tui_ft gguf-verify --json`
on the host, see `tui_ft.gguf.remote`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

from tui_ft.gguf.cpu import load_llama
from tui_ft.gguf.inspect import GGUFInfo, read_gguf_info

SAMPLES = (
    "Hello! Who are you, and who made you?",
    "你好，请介绍一下你自己。",
    "I was trained with tui-ft in 2024: 42 steps, loss 2.6.",
    "Line one\nLine two, tabs\tand  double spaces",
)
PROMPT = "Who are you?"
UNQUANTISED = {0, 1, 32}
"""general.file_type of F32, F16, BF16: only these are expected to match HF greedy output
(quantised weights legitimately change the argmax)."""


@dataclass
class TokenCheck:
    text: str
    hf: list[int]
    gguf: list[int]

    @property
    def equal(self) -> bool:
        return self.hf == self.gguf


@dataclass
class VerifyReport:
    info: GGUFInfo
    reply: str
    tokens: list[TokenCheck] = field(default_factory=list)
    greedy_hf: list[int] | None = None
    greedy_gguf: list[int] | None = None

    @property
    def tokens_equal(self) -> bool | None:
        return all(t.equal for t in self.tokens) if self.tokens else None

    @property
    def greedy_equal(self) -> bool | None:
        if self.greedy_hf is None:
            return None
        return self.greedy_hf == self.greedy_gguf

    @property
    def ok(self) -> bool:
        return (
            bool(self.reply.strip())
            and self.tokens_equal is not False
            and self.greedy_equal is not False
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data["info"] = self.info.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict) -> VerifyReport:
        return cls(
            info=GGUFInfo.from_json(data["info"]),
            reply=data["reply"],
            tokens=[TokenCheck(**t) for t in data.get("tokens", [])],
            greedy_hf=data.get("greedy_hf"),
            greedy_gguf=data.get("greedy_gguf"),
        )


def verify_gguf(path: str, hf_dir: str | None = None, n_greedy: int = 8) -> VerifyReport:
    import llama_cpp  # noqa: F401  # first: a missing tui-ft[gguf] is named, not the file

    info = read_gguf_info(path)
    threads = min(os.cpu_count() or 2, 4)
    llm = load_llama(path, n_ctx=512, n_threads=threads, verbose=False, seed=0)
    try:
        answer = llm.create_chat_completion(
            [{"role": "user", "content": PROMPT}], temperature=0.0, max_tokens=24
        )
        # Kept as it came: an empty reply must stay empty so that `ok` can fail on it.
        report = VerifyReport(info, answer["choices"][0]["message"]["content"] or "")
        if hf_dir:
            greedy = info.file_type is None or info.file_type in UNQUANTISED
            _compare(llm, hf_dir, report, n_greedy if greedy else 0)
    finally:
        llm.close()
    return report


def _compare(llm, hf_dir: str, report: VerifyReport, n_greedy: int) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(hf_dir)
    for text in SAMPLES:
        hf_ids = tok(text, add_special_tokens=False)["input_ids"]
        gg_ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        report.tokens.append(TokenCheck(text, list(hf_ids), list(gg_ids)))
    if not n_greedy:
        return
    # The same prompt ids for both: this compares the weights and the maths, not the
    # tokenisers (llama.cpp's sentencepiece adds a space after special tokens).
    if tok.chat_template:
        prompt = tok.apply_chat_template(
            [{"role": "user", "content": PROMPT}], tokenize=False, add_generation_prompt=True
        )
    else:
        prompt = PROMPT
    ids = tok(prompt, add_special_tokens=False)["input_ids"]
    model = AutoModelForCausalLM.from_pretrained(hf_dir, dtype=torch.float32)
    with torch.no_grad():
        inp = torch.tensor([ids])
        out = model.generate(
            inp,
            attention_mask=torch.ones_like(inp),
            max_new_tokens=n_greedy,
            min_new_tokens=n_greedy,
            do_sample=False,
            pad_token_id=tok.eos_token_id,
        )
    report.greedy_hf = out[0][len(ids) :].tolist()
    llm.reset()
    got: list[int] = []
    for token in llm.generate(ids, temp=0.0, top_k=1, reset=True):
        got.append(int(token))
        if len(got) >= n_greedy:
            break
    report.greedy_gguf = got
