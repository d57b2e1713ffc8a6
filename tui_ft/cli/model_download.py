"""`tui-ft model download`: fetch a model from a hub into the workspace, then verify it.

With `--host` the download runs on the box (its tui-ft, its disk, its hub settings);
the laptop adds only the command's hub flags and its config's per-host entry.
"""

from __future__ import annotations

import argparse
import sys

from tui_ft.cli.common import CLIError, host_from_args, host_path, load_config, workspace_from_args

HUB_HELP = (
    "default: this machine's config `hub`, else USE_MODELSCOPE_HUB / HF_ENDPOINT, else "
    "modelscope (with --host: the box's settings, or the laptop's `hosts:` entry for it)"
)


def register_download(msub: argparse._SubParsersAction) -> None:
    d = msub.add_parser("download", help="download a model from a hub, then verify it")
    d.add_argument("repo", help="repository id, e.g. Qwen/Qwen2.5-0.5B-Instruct")
    d.add_argument("--hub", choices=("modelscope", "hf"), help=HUB_HELP)
    d.add_argument("--hf-endpoint", metavar="URL", help="a Hugging Face mirror (HF_ENDPOINT)")
    d.add_argument("--modelscope-endpoint", metavar="URL", help="MODELSCOPE_ENDPOINT")
    d.add_argument("--revision", help="branch, tag or commit")
    d.add_argument("--dest", metavar="DIR", help="default: the workspace's models/REPO")
    d.add_argument("--json", action="store_true")
    d.set_defaults(handler=run_download)


def run_download(args: argparse.Namespace) -> int:
    from tui_ft.cli.model import _finish
    from tui_ft.models.download import DownloadError, download
    from tui_ft.models.hubs import FLAGS, choose_hub, hub_flags

    config = load_config()
    host = host_from_args(args, config)
    ws = workspace_from_args(args, host, config)
    # a relative --dest: this shell's folder here, the box's workspace over --host
    dest = host_path(args, host, args.dest) if args.dest else ws.path("models", args.repo)
    given = {key: getattr(args, key, None) for key in FLAGS}
    if host.is_remote:  # the files go to the box: its own tui-ft downloads them there
        from tui_ft.models.remote import download_on_box
        from tui_ft.remote.workspace import host_entry

        hub_argv = hub_flags(given, host_entry(host, config))
        return download_on_box(host, ws.root, args.repo, dest, hub_argv, args.revision, args.json)
    choice = choose_hub(given, config)
    print(
        f"downloading {args.repo} from {choice.describe()} into {dest} (resumes partial files)",
        file=sys.stderr,
    )
    try:
        endpoint = choice.endpoint if choice.set_here else None  # else: the library reads its env
        report = download(args.repo, dest, choice.hub, args.revision, endpoint)
    except DownloadError as exc:
        raise CLIError(str(exc), code=1) from exc
    return _finish(report, args.json, ws, dest)
