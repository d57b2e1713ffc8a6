"""Build the demo workspace: a tiny Llama (random init) and the identity datasets.

Everything is made here, offline: the sentencepiece tokenizer is trained on the
fixed bilingual corpus, the weights come from a seeded init. The result trains with
LLaMA-Factory on CPU in seconds and converts to GGUF with llama.cpp's converter
(a sentencepiece Llama is a layout the converter knows).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from tui_ft.atomic import atomic_write_text
from tui_ft.demo.corpus import corpus_lines
from tui_ft.demo.identity import identity_records
from tui_ft.demo.template import DEFAULT_CHAT_TEMPLATE
from tui_ft.host.local import LocalHost
from tui_ft.lf.recorded import read_recorded_template, write_recorded_template

DEMO_MODEL = "tiny-llama-demo"
DEMO_NAME = "TinyFT"
DEMO_AUTHOR = "tui-ft"
DEMO_TEMPLATE = "default"
"""The LLaMA-Factory template the demo tokenizer's chat template was made from."""
VOCAB_SIZE = 1024
SEED = 0

MODEL_SHAPE = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 512,
}


def train_tokenizer(out_dir: Path) -> Path:
    """Train a byte-fallback BPE sentencepiece model; returns the tokenizer.model path."""
    import sentencepiece as spm

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text("\n".join(corpus_lines()) + "\n", encoding="utf-8")
        prefix = Path(tmp) / "tokenizer"
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(prefix),
            model_type="bpe",
            vocab_size=VOCAB_SIZE,
            hard_vocab_limit=False,
            character_coverage=1.0,
            byte_fallback=True,
            split_digits=True,
            normalization_rule_name="identity",
            remove_extra_whitespaces=False,
            add_dummy_prefix=True,
            allow_whitespace_only_pieces=True,
            unk_id=0,
            bos_id=1,
            eos_id=2,
            pad_id=-1,
            num_threads=1,
            input_sentence_size=0,
            shuffle_input_sentence=False,
            minloglevel=2,
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / "tokenizer.model"
        target.write_bytes(_without_temp_paths(prefix.with_suffix(".model").read_bytes()))
    return target


def _without_temp_paths(model: bytes) -> bytes:
    """The trainer spec records the temporary input paths: drop them for reproducible bytes."""
    from sentencepiece import sentencepiece_model_pb2

    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model)
    del proto.trainer_spec.input[:]
    proto.trainer_spec.input.append("corpus.txt")
    proto.trainer_spec.model_prefix = "tokenizer"
    return proto.SerializeToString()


def build_model(out_dir: Path) -> Path:
    """Write the tiny model (config, safetensors weights, tokenizer) into `out_dir`."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, LlamaTokenizer

    train_tokenizer(out_dir)
    # from_pretrained on a folder holding tokenizer.model: constructing LlamaTokenizer
    # from vocab_file directly yields a 4-token vocabulary in transformers 5.
    # local_files_only explicitly: it is saved into tokenizer_config.json, so the bytes
    # would otherwise depend on HF_HUB_OFFLINE at build time.
    tokenizer = LlamaTokenizer.from_pretrained(str(out_dir), local_files_only=True)
    tokenizer.chat_template = DEFAULT_CHAT_TEMPLATE
    tokenizer.save_pretrained(str(out_dir))
    # LLaMA-Factory's `default` template encodes without a BOS; llama.cpp and Ollama add one
    # when the tokenizer says so, and the GGUF would then see prompts training never saw.
    tok_cfg = out_dir / "tokenizer_config.json"
    cfg = json.loads(tok_cfg.read_text(encoding="utf-8"))
    cfg["add_bos_token"] = False
    atomic_write_text(tok_cfg, json.dumps(cfg, ensure_ascii=False, indent=2) + "\n")

    config = LlamaConfig(
        vocab_size=len(tokenizer),
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
        rms_norm_eps=1e-6,
        torch_dtype="float32",
        **MODEL_SHAPE,
    )
    torch.manual_seed(SEED)
    model = LlamaForCausalLM(config)
    model.generation_config.do_sample = False
    model.save_pretrained(str(out_dir), safe_serialization=True)
    write_recorded_template(LocalHost(), str(out_dir), DEMO_TEMPLATE)
    return out_dir


def write_datasets(dataset_dir: Path) -> None:
    """The tutorial's starting point (placeholders) and a filled copy registered for training."""
    dataset_dir.mkdir(parents=True, exist_ok=True)
    dump = lambda recs: json.dumps(recs, ensure_ascii=False, indent=2) + "\n"  # noqa: E731
    atomic_write_text(dataset_dir / "identity.json", dump(identity_records()))
    atomic_write_text(
        dataset_dir / "identity_demo.json", dump(identity_records(DEMO_NAME, DEMO_AUTHOR))
    )
    info_path = dataset_dir / "dataset_info.json"
    info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.exists() else {}
    info.setdefault("identity_demo", {"file_name": "identity_demo.json"})
    atomic_write_text(info_path, json.dumps(info, ensure_ascii=False, indent=2) + "\n")


def create_demo_workspace(root: str | Path, *, force: bool = False) -> Path:
    """Create (or complete) the demo workspace at `root`; returns the model folder.

    An existing model folder is kept unless `force`: re-running is cheap and never
    destroys what a user trained or changed.
    """
    root = Path(root)
    for area in ("models", "datasets", "runs", "exports"):
        (root / area).mkdir(parents=True, exist_ok=True)
    model_dir = root / "models" / DEMO_MODEL
    if force or not (model_dir / "model.safetensors").exists():
        tmp = model_dir.with_name(f".{DEMO_MODEL}.partial")
        shutil.rmtree(tmp, ignore_errors=True)
        build_model(tmp)
        shutil.rmtree(model_dir, ignore_errors=True)
        tmp.rename(model_dir)  # a half-built model never sits under the real name
    elif read_recorded_template(LocalHost(), str(model_dir)) is None:
        # a demo model built before templates were recorded: record it now
        write_recorded_template(LocalHost(), str(model_dir), DEMO_TEMPLATE)
    write_datasets(root / "datasets")
    return model_dir
