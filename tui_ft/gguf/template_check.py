"""Does the GGUF (and its Modelfile) build the same prompts as the training template?

A GGUF that "rambles in Ollama" nearly always sees prompts unlike the ones it was
trained on, or never meets the token it learned to stop with. For one two-turn
conversation this renders:

- the prompt LLaMA-Factory built in training (its own `_encode`, slots as text);
- the GGUF's `tokenizer.chat_template` (what llama.cpp and llama-cpp-python use), plus the
  BOS llama.cpp prepends when the GGUF says `add_bos`;
- the Modelfile's TEMPLATE (what Ollama uses), with Ollama's SYSTEM default;

and checks that every stop token of the template ends generation in the GGUF (an EOG
token) or is a Modelfile `stop`. Each failed check names its fix. Heavy (llamafactory,
llama-cpp-python): runs in the host's `python -m tui_ft gguf-check-template --json`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

CONVERSATION = (
    {"role": "user", "content": "Who are you?"},
    {"role": "assistant", "content": "I am a model fine-tuned with tui-ft."},
    {"role": "user", "content": "你好，请再说一遍。"},
)


@dataclass
class CheckItem:
    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass
class TemplateReport:
    template: str
    training_prompt: str
    gguf_prompt: str | None
    modelfile_prompt: str | None
    items: list[CheckItem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    def failures(self) -> list[CheckItem]:
        return [i for i in self.items if not i.ok]

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> TemplateReport:
        data = dict(data)
        data["items"] = [CheckItem(**i) for i in data.get("items", [])]
        return cls(**data)


def first_difference(a: str, b: str) -> str:
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    lo = max(0, n - 12)
    return f"from character {n}: training {a[lo : n + 24]!r} vs {b[lo : n + 24]!r}"


def training_prompt(tokenizer, template: str) -> tuple[str, list[str]]:
    """(prompt text LLaMA-Factory trains on for CONVERSATION, stop token texts)."""
    from llamafactory.data import get_template_and_fix_tokenizer
    from llamafactory.hparams import DataArguments

    tpl = get_template_and_fix_tokenizer(tokenizer, DataArguments(template=template))

    def as_text(_tok, elements) -> list[str]:
        # LLaMA-Factory's own slot logic, with text instead of ids: no re-implementation
        # of any template class, and no sentencepiece spaces between separately encoded slots.
        out = []
        for elem in elements:
            if isinstance(elem, str):
                out.append(elem)
            elif isinstance(elem, dict):
                out.append(str(elem.get("token")))
            elif "bos_token" in elem and tokenizer.bos_token_id is not None:
                out.append(tokenizer.bos_token)
            elif "eos_token" in elem and tokenizer.eos_token_id is not None:
                out.append(tokenizer.eos_token)
        return ["".join(out)]

    tpl._convert_elements_to_ids = as_text  # type: ignore[method-assign]
    messages = [*CONVERSATION, {"role": "assistant", "content": ""}]
    pairs = tpl.encode_multiturn(tokenizer, messages)
    parts = [*pairs[0][0], *pairs[0][1], *pairs[1][0]]
    stops = sorted({tokenizer.convert_ids_to_tokens(i) for i in tpl.get_stop_token_ids(tokenizer)})
    return "".join(parts), stops


def render_chat_template(source: str, bos: str, eos: str) -> str:
    """The GGUF's Jinja template as llama-cpp-python renders it (same environment)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise ValueError(message)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return env.from_string(source).render(
        messages=list(CONVERSATION),
        add_generation_prompt=True,
        bos_token=bos,
        eos_token=eos,
        raise_exception=raise_exception,
    )


def check_template(
    gguf_path: str, hf_dir: str, template: str, modelfile_text: str | None = None
) -> TemplateReport:
    import llama_cpp
    from transformers import AutoTokenizer

    start = time.monotonic()
    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    lf_prompt, stops = training_prompt(tokenizer, template)
    llm = llama_cpp.Llama(gguf_path, vocab_only=True, verbose=False)
    try:
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        meta = llm.metadata

        def text(tid: int) -> str:
            return llama_cpp.llama_vocab_get_text(vocab, tid).decode("utf-8", "replace")

        bos_id, eos_id = llm.token_bos(), llm.token_eos()
        bos = text(bos_id) if bos_id >= 0 else ""
        eos = text(eos_id) if eos_id >= 0 else ""
        add_bos = bool(llama_cpp.llama_vocab_get_add_bos(vocab))

        def eog(token_text: str) -> bool:
            ids = llm.tokenize(token_text.encode("utf-8"), add_bos=False, special=True)
            return len(ids) == 1 and bool(llama_cpp.llama_vocab_is_eog(vocab, ids[0]))

        stop_eog = {s: eog(s) for s in stops}
    finally:
        llm.close()

    def with_bos(rendered: str) -> str:
        return bos + rendered if add_bos and bos and not rendered.startswith(bos) else rendered

    def strip(prompt: str) -> str:
        return prompt.removeprefix(bos) if bos else prompt

    report = TemplateReport(template, lf_prompt, None, None)
    items = report.items
    source = meta.get("tokenizer.chat_template")
    convert_fix = (
        f"convert a folder whose tokenizer carries template {template!r}: `tui-ft export "
        f"--template {template}` writes it into tokenizer_config.json"
    )
    if not source:
        items.append(
            CheckItem("chat template", False, "the GGUF has no chat template", convert_fix)
        )
    else:
        try:
            report.gguf_prompt = with_bos(render_chat_template(source, bos, eos))
        except Exception as exc:  # a template llama.cpp can't render fails the same way there
            items.append(CheckItem("chat template", False, f"does not render: {exc}", convert_fix))
        else:
            same = strip(report.gguf_prompt) == strip(lf_prompt)
            diff = first_difference(strip(lf_prompt), strip(report.gguf_prompt))
            detail = "renders the training prompt" if same else f"renders another prompt, {diff}"
            items.append(CheckItem("chat template", same, detail, "" if same else convert_fix))
    items.append(_bos_item(lf_prompt, add_bos, bos, hf_dir))
    not_eog = [s for s, ok in stop_eog.items() if not ok]
    items.append(
        CheckItem(
            "stop tokens",
            not not_eog,
            f"GGUF eos {eos!r} (id {eos_id}); training stops at {', '.join(map(repr, stops))}"
            + (f"; not an end-of-generation token in the GGUF: {not_eog}" if not_eog else ""),
            ""
            if not not_eog
            else (
                "pass them as stop strings to llama.cpp / llama-cpp-python, and in Ollama as "
                + " ".join(f'PARAMETER stop "{s}"' for s in not_eog)
            ),
        )
    )
    if modelfile_text is not None:
        from tui_ft.gguf.template_modelfile import modelfile_items

        items.extend(modelfile_items(report, modelfile_text, stop_eog, with_bos, strip, template))
    report.seconds = round(time.monotonic() - start, 3)
    return report


def _bos_item(lf_prompt: str, add_bos: bool, bos: str, hf_dir: str) -> CheckItem:
    trained = bool(bos) and lf_prompt.startswith(bos)
    if trained == add_bos or not bos:
        return CheckItem(
            "BOS", True, f"BOS {bos!r} {'added' if add_bos else 'not added'} as in training"
        )
    if add_bos:
        detail = f"llama.cpp and Ollama put BOS {bos!r} before every prompt; training did not"
        fix = f'set "add_bos_token": false in {hf_dir}/tokenizer_config.json and convert again'
    else:
        detail = f"training prompts start with BOS {bos!r}; the GGUF does not add it"
        fix = f'set "add_bos_token": true in {hf_dir}/tokenizer_config.json and convert again'
    return CheckItem("BOS", False, detail, fix)
