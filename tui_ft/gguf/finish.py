"""The last GGUF steps in one process on the host: Modelfile, template check, verify.

Each needs heavy imports (transformers and llamafactory for the first two,
llama-cpp-python for all): three processes paid for them three times, about 8 s of a
16 s export of the demo. `python -m tui_ft gguf-finish --json` runs them together
(see `tui_ft.gguf.remote.finish_on`); a subprocess also locally, so that torch and
llama.cpp's native logs stay out of the TUI.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_ft.gguf.template_check import TemplateReport
from tui_ft.gguf.verify import VerifyReport


@dataclass(frozen=True)
class FinishRequest:
    gguf: str
    """The file a user runs: the last quant, or the base GGUF with an adapter."""
    hf_dir: str
    """The Hugging Face folder it came from (tokenizer; weights for verify)."""
    template: str | None = None
    """The training template: checked against the GGUF (and the Modelfile) when given."""
    modelfile: bool = False
    """Write an Ollama Modelfile beside `gguf` (needs `template`)."""
    adapter: str | None = None
    """An adapter GGUF beside `gguf`: the Modelfile's ADAPTER line."""
    verify: bool = False
    """Load `gguf`, let it answer, compare it with `hf_dir`."""

    def argv(self) -> list[str]:
        """The `gguf-finish` command line for this request (without --json)."""
        args = ["gguf-finish", self.gguf, "--hf", self.hf_dir]
        args += ["--template", self.template] if self.template else []
        args += ["--modelfile"] if self.modelfile else []
        args += ["--adapter", self.adapter] if self.adapter else []
        return args + (["--verify"] if self.verify else [])


@dataclass
class Finished:
    modelfile: str | None = None
    """The Modelfile's path, when one was written."""
    template_check: TemplateReport | None = None
    verify: VerifyReport | None = None

    def to_json(self) -> dict:
        return {
            "modelfile": self.modelfile,
            "template_check": self.template_check.to_json() if self.template_check else None,
            "verify": self.verify.to_json() if self.verify else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Finished:
        check, verify = data.get("template_check"), data.get("verify")
        return cls(
            modelfile=data.get("modelfile"),
            template_check=TemplateReport.from_json(check) if check else None,
            verify=VerifyReport.from_json(verify) if verify else None,
        )


def finish_here(req: FinishRequest) -> Finished:
    """Run the request in this process (the `gguf-finish` command). Raises GGUFError,
    ValueError, OSError or RuntimeError."""
    from tui_ft.gguf.modelfile import lf_modelfile, modelfile_place, shape_modelfile
    from tui_ft.gguf.template_check import check_template
    from tui_ft.gguf.tools import GGUFError
    from tui_ft.host.local import LocalHost

    done = Finished()
    text = None
    if req.modelfile:
        if not req.template:
            raise GGUFError("a Modelfile needs the training template: pass --template")
        path, name, adapter = modelfile_place(req.gguf, req.adapter)
        text = shape_modelfile(lf_modelfile(req.hf_dir, req.template), req.template, name, adapter)
        LocalHost().write_text(path, text)  # atomic: an old Modelfile stays whole until then
        done.modelfile = path
    if req.template:
        done.template_check = check_template(req.gguf, req.hf_dir, req.template, text)
    if req.verify:
        from tui_ft.gguf.verify import verify_gguf

        done.verify = verify_gguf(req.gguf, req.hf_dir)
    return done
