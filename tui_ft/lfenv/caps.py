"""What differs between the LLaMA-Factory releases tui-ft supports, and one line when a
feature needs a newer one.

Read from the released wheels of 0.9.2, 0.9.3, 0.9.4 and 0.9.5 (llamafactory/cli.py,
data/parser.py, data/template.py, hparams/model_args.py, train/callbacks.py,
extras/misc.py). The same in all four, so not tabled: the export flags (`export_dir`,
`export_size`, `export_device`, `export_legacy_format`, `export_hub_model_id`,
`export_quantization_*`), the LLAMABOARD_ENABLED / LLAMABOARD_WORKDIR / LLAMABOARD_CONFIG
logging with `trainer_log.jsonl` (current_steps, loss, eval_loss, elapsed_time,
remaining_time) and the graceful stop on SIGABRT. Template names are read from the
installed LLaMA-Factory itself (`tui_ft.lf.templates`); the table below only explains a
missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

OLDEST, NEWEST = "0.9.2", "0.9.5"
SUPPORTED = (
    f"tui-ft supports LLaMA-Factory {OLDEST} to {NEWEST} and git checkouts of 0.9.x "
    "(versions ending in .devN)"
)


@dataclass(frozen=True)
class Feature:
    what: str
    since: str
    short: str


FEATURES: dict[str, Feature] = {
    # cli.py: `if is_env_enabled("USE_V1")` and the llamafactory/v1 package.
    "v1": Feature("the v1 engine (USE_V1=1) and its dataset format", "0.9.4", "v1 engine"),
    # data/parser.py: formatting Literal["alpaca", "sharegpt", "openai"].
    "openai_format": Feature(
        'dataset_info.json `"formatting": "openai"`', "0.9.4", "openai format"
    ),
    # data/parser.py: DatasetAttr("cloud_file", ...).
    "cloud_file": Feature(
        "dataset_info.json `cloud_file_name` (s3:// or gs:// files)", "0.9.3", "cloud_file_name"
    ),
}

# data/template.py: register_template(name=...) per release (0.9.2 has 84 templates).
TEMPLATES_ADDED: dict[str, tuple[str, ...]] = {
    "0.9.3": (
        "cpm4", "deepseekr1", "gemma3", "glmz1", "granite3_vision", "hunyuan", "intern_vl",
        "kimi_vl", "llama4", "mimo", "mimo_vl", "qwen2_omni", "qwen3", "seed_coder", "smollm",
        "smollm2",
    ),
    "0.9.4": (
        "bailing_v2", "dots_ocr", "ernie", "ernie_nothink", "ernie_vl", "falcon_h1", "gemma2",
        "gemma3n", "glm4_5v", "glm4_moe", "glm4v", "gpt_oss", "granite4", "intern_s1",
        "keye_vl", "mimo_v2", "minimax1", "minimax2", "ministral3", "qwen3_nothink",
        "qwen3_omni", "qwen3_omni_nothink", "qwen3_vl", "qwen3_vl_nothink", "seed_oss",
    ),
    "0.9.5": (
        "aeva", "gemma4", "gemma4n", "glm4_7", "glm_ocr", "hunyuan_small", "hy3", "lfm2",
        "lfm2_vl", "minicpm_v_4_6", "phi4_mini", "qwen3_5", "qwen3_5_nothink", "qwen3_6",
        "youtu", "youtu_vl",
    ),
}  # fmt: skip
TEMPLATES_REMOVED: dict[str, tuple[str, ...]] = {
    "0.9.5": (
        "aquila", "atom", "baichuan", "baichuan2", "belle", "bluelm", "chatglm2", "codegeex2",
        "codegeex4", "cpm", "cpm3", "intern", "marco", "orion", "skywork_o1", "telechat",
        "xverse", "yayi", "ziya",
    ),
}  # fmt: skip


def parse(version: str | None) -> Version | None:
    try:
        return Version(version) if version else None
    except InvalidVersion:
        return None


def _release(v: Version) -> Version:
    """A checkout's 0.9.4.dev0 counts as 0.9.4: which commit it is cannot be told."""
    return Version(".".join(str(p) for p in v.release))


def support(version: str | None) -> str | None:
    """None when `version` is supported, else the one line saying what is."""
    v = parse(version)
    if v is None:
        return f"LLaMA-Factory {version or '(unknown version)'}: {SUPPORTED}"
    if v.is_devrelease or v.local:
        ok = Version(OLDEST) <= _release(v) < Version("0.10")
    else:
        ok = Version(OLDEST) <= v <= Version(NEWEST)
    return None if ok else f"LLaMA-Factory {version} is not tested: {SUPPORTED}"


def needs_newer(feature: str, version: str | None) -> str | None:
    """One line when `feature` (a FEATURES key) needs a newer LLaMA-Factory than `version`."""
    feat = FEATURES[feature]
    v = parse(version)
    if v is not None and _release(v) >= Version(feat.since):
        return None
    have = f"this one is {version}" if version else "none is installed"
    return f"{feat.what} needs LLaMA-Factory >= {feat.since} ({have})"


def lacking(version: str | None) -> dict[str, str]:
    """FEATURES key → its one line, for every feature `version` is too old for."""
    return {k: line for k in FEATURES if (line := needs_newer(k, version))}


def template_note(template: str, version: str | None) -> str | None:
    """Why LLaMA-Factory `version` may lack `template`: added later, or removed. None when
    the table knows no reason (then it is simply not a template name)."""
    v = parse(version)
    if v is None:
        return None
    for since, names in TEMPLATES_ADDED.items():
        if template in names and _release(v) < Version(since):
            return f"template {template!r} needs LLaMA-Factory >= {since} (this one is {version})"
    for gone, names in TEMPLATES_REMOVED.items():
        if template in names and _release(v) >= Version(gone):
            return (
                f"template {template!r} was removed in LLaMA-Factory {gone} "
                f"(this one is {version}): use an older release or another template"
            )
    return None
