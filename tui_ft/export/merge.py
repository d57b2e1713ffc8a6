"""Run `llamafactory-cli export` into a hidden sibling folder, renamed when complete.

A crash or a failed merge leaves no folder under the final name, so anything under
that name is a whole model. The exact YAML is kept beside the weights
(`export_args.yaml`) so the export can be rerun without tui-ft.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from tui_ft.export.preflight import check_disk, estimate_export_bytes
from tui_ft.export.tokenizer_sync import sync_tokenizer
from tui_ft.host.base import Host, HostError
from tui_ft.lf.recorded import write_recorded_template
from tui_ft.units import human_bytes

ARGS_FILE = "export_args.yaml"
TOKENIZER_MODEL = "tokenizer.model"

Progress = Callable[[str], None]


class ExportError(RuntimeError):
    """The export could not run or failed; the message says why and where."""


@dataclass
class ExportSpec:
    model: str
    export_dir: str
    adapter: str | None = None
    template: str = "default"
    export_size: int = 5
    """Shard size in GB."""
    export_device: str = "cpu"
    """"cpu" or "auto" (the GPU when there is one)."""
    export_legacy_format: bool = False
    """True: .bin shards instead of safetensors."""
    export_hub_model_id: str | None = None

    def to_args(self, export_dir: str | None = None) -> dict[str, object]:
        """LLaMA-Factory's export config; `export_dir` overrides where it writes."""
        args: dict[str, object] = {
            "model_name_or_path": self.model,
            "template": self.template,
            "export_dir": export_dir or self.export_dir,
            "export_size": self.export_size,
            "export_device": self.export_device,
            "export_legacy_format": self.export_legacy_format,
        }
        if self.adapter:
            args["adapter_name_or_path"] = self.adapter
            args["finetuning_type"] = "lora"
        if self.export_hub_model_id:
            args["export_hub_model_id"] = self.export_hub_model_id
        return args


def llamafactory_cli(host: Host) -> str:
    """The CLI of the host's tui-ft environment, else PATH's."""
    found = host.tool("llamafactory-cli")
    if not found:
        raise ExportError(
            f"llamafactory-cli not found on {host.describe()}: install tui-ft[train] there"
        )
    return found


def _check_inputs(host: Host, spec: ExportSpec) -> None:
    if not host.exists(posixpath.join(spec.model, "config.json")):
        raise ExportError(f"{spec.model}: not a model folder (no config.json)")
    if spec.adapter and not host.exists(posixpath.join(spec.adapter, "adapter_config.json")):
        raise ExportError(f"{spec.adapter}: not a LoRA adapter (no adapter_config.json)")
    if spec.export_device not in ("cpu", "auto"):
        raise ExportError(f"export_device must be cpu or auto, got {spec.export_device!r}")
    target = host.stat(spec.export_dir)
    if target is not None and (not target.is_dir or host.listdir(spec.export_dir)):
        raise ExportError(f"{spec.export_dir} already exists: choose a new folder or remove it")


def run_export(host: Host, spec: ExportSpec, progress: Progress | None = None) -> str:
    """Merge and save; returns the export folder. Raises ExportError or DiskSpaceError."""
    say = progress or (lambda _line: None)
    _check_inputs(host, spec)
    final = spec.export_dir.rstrip("/")
    need = check_disk(host, final, estimate_export_bytes(host, spec.model, spec.adapter))
    say(f"disk pre-flight ok: about {human_bytes(need)} needed")
    parent, name = posixpath.split(final)
    tmp = posixpath.join(parent, f".{name}.partial")
    if host.exists(tmp):
        host.remove(tmp, recursive=True)  # a previous crash: start clean
    host.makedirs(tmp)
    args_path = posixpath.join(tmp, ARGS_FILE)
    host.write_text(args_path, yaml.safe_dump(spec.to_args(tmp), sort_keys=False))
    try:
        lines: list[str] = []
        try:
            for line in host.stream([llamafactory_cli(host), "export", args_path]):
                lines.append(line)
                say(line)
        except HostError as exc:
            tail = " | ".join(ln.strip() for ln in lines[-6:] if ln.strip())
            raise ExportError(f"llamafactory-cli export failed: {exc}: {tail}") from exc
        if not any(e.name.endswith((".safetensors", ".bin")) for e in host.listdir(tmp)):
            raise ExportError(f"llamafactory-cli export wrote no weights into {tmp}")
        _copy_tokenizer_model(host, spec.model, tmp, say)
        # The merged model answers "which template?" itself (GGUF Modelfile, chat).
        write_recorded_template(host, tmp, spec.template)
        _keep_training_tokenizer(host, spec, tmp, final, say)
        # The recorded config names the final folder, so rerunning it writes there.
        host.write_text(args_path, yaml.safe_dump(spec.to_args(final), sort_keys=False))
        if host.exists(final):
            host.remove(final, recursive=True)  # an empty folder (checked above)
        host.rename(tmp, final)
    except BaseException:
        if host.exists(tmp):
            host.remove(tmp, recursive=True)
        raise
    say(f"exported to {final}")
    return final


def _copy_tokenizer_model(host: Host, base: str, out: str, say: Progress) -> None:
    """Without the sentencepiece model llama.cpp's converter falls back to a BPE vocabulary
    that tokenises differently from Hugging Face; LLaMA-Factory doesn't always save it."""
    src = posixpath.join(base, TOKENIZER_MODEL)
    dst = posixpath.join(out, TOKENIZER_MODEL)
    if host.exists(src) and not host.exists(dst):
        host.write_bytes(dst, host.read_bytes(src))
        say(f"copied {TOKENIZER_MODEL} from the base model")


def _keep_training_tokenizer(
    host: Host, spec: ExportSpec, tmp: str, final: str, say: Progress
) -> None:
    """The merge's tokenizer settings set back to training's; what can't be, named."""
    sync = sync_tokenizer(host, tmp, spec.model, spec.adapter, spec.template)
    for line in sync.fixed:
        say(f"tokenizer kept as in training: {line}".replace(tmp, final))
    for line in sync.differences:
        say(f"warning: the tokenizer differs from training: {line}".replace(tmp, final))


def read_export_args(host: Host, export_dir: str) -> dict[str, object]:
    """The export config kept beside a tui-ft export ({} for other folders)."""
    path = posixpath.join(export_dir, ARGS_FILE)
    if not host.exists(path):
        return {}
    data = yaml.safe_load(host.read_text(path))
    return data if isinstance(data, dict) else {}
