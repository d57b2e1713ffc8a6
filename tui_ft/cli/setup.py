"""`tui-ft setup textonly` and `tui-ft setup llama-tools`: prepare this environment (or the
box's, with --host) once, so that no later command stops to do it."""

from __future__ import annotations

import argparse
import os
import posixpath

from tui_ft import textonly
from tui_ft.cli.common import CLIError, host_from_args, load_config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("setup", help="prepare this environment")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    t = what.add_parser(
        "textonly", help="let LLaMA-Factory train on text without torchaudio (CPU boxes)"
    )
    t.add_argument("--site-packages", help="target site-packages (default: this interpreter's)")
    t.set_defaults(handler=run_textonly)
    b = what.add_parser(
        "llama-tools",
        help="build llama.cpp's imatrix, quantize and perplexity tools now (gguf --imatrix)",
    )
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="compile jobs")
    b.add_argument("-v", "--verbose", action="store_true", help="print the compiler's output")
    b.set_defaults(handler=run_llama_tools)


def run_textonly(args: argparse.Namespace) -> int:
    path = textonly.install_pth(args.site_packages)
    print(f"text-only hook installed: {path}")
    return 0


def run_llama_tools(args: argparse.Namespace) -> int:
    from tui_ft.gguf.build import ensure_built
    from tui_ft.gguf.tools import installed_versions
    from tui_ft.host.base import HostError

    host = host_from_args(args, load_config())
    python = host.python
    version = installed_versions(host, python)["llama_cpp_python"]
    if not version:
        raise CLIError(
            f"llama-cpp-python is not installed on {host.describe()}: pip install 'tui-ft[gguf]'"
        )
    shown = [-1]

    def progress(line: str, frac: float | None) -> None:
        if args.verbose:
            print(line.rstrip(), flush=True)
        elif frac is not None and int(frac * 10) > shown[0]:
            shown[0] = int(frac * 10)  # a line per tenth: the build must not look hung
            print(f"llama.cpp tools: {shown[0] * 10}% compiled", flush=True)

    try:
        built = ensure_built(host, python, str(version), progress, jobs=max(args.jobs, 1))
    except HostError as exc:
        raise CLIError(f"{host.describe()}: {exc}", 1) from exc
    print(f"llama.cpp tools ready: {posixpath.dirname(built.quantize)}")
    return 0
