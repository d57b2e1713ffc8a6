"""`tui-ft data lint|register|fill|list|preview`: datasets for LLaMA-Factory, headless.

`lint --json` is also how the TUI lints a file on a remote box: it runs this command
there and reads the report. With `--host`, a relative path is one in the box's
workspace (or its `datasets/`), not in the box user's home (`host_path`).
"""

from __future__ import annotations

import argparse
import json
import posixpath
import sys
from typing import Any

from tui_ft.cli.common import (
    CLIError,
    host_from_args,
    host_path,
    load_config,
    workspace_from_args,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="lint, register and fill datasets for LLaMA-Factory")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", required=True)

    lint = dsub.add_parser("lint", help="check a dataset file or folder (exit 1 on errors)")
    lint.add_argument("file")
    lint.add_argument("--json", action="store_true", help="print the report as JSON")
    lint.add_argument("--entry", metavar="JSON", help="check against this dataset_info entry")
    lint.add_argument("--model", metavar="DIR", help="count tokens with this model's tokenizer")
    lint.add_argument("--cutoff-len", type=int, metavar="N", help="count records longer than N")
    lint.set_defaults(handler=run_lint)

    reg = dsub.add_parser("register", help="add the file to a dataset_dir's dataset_info.json")
    reg.add_argument("file")
    reg.add_argument("--dataset-dir", required=True, metavar="DIR")
    reg.add_argument("--name", required=True)
    reg.add_argument("--entry", metavar="JSON", help="the entry to write (default: detected)")
    reg.add_argument("--replace", action="store_true", help="overwrite an entry of that name")
    reg.add_argument("--force", action="store_true", help="register despite lint errors")
    reg.set_defaults(handler=run_register)

    fill = dsub.add_parser("fill", help="write a copy with {{name}}/{{author}} filled in")
    fill.add_argument("file")
    fill.add_argument("--name", help="value for {{name}}")
    fill.add_argument("--author", help="value for {{author}}")
    fill.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    fill.add_argument("--out", help="where to write (default: <stem>_filled<ext>)")
    fill.set_defaults(handler=run_fill)

    ls = dsub.add_parser("list", help="the datasets registered in a dataset_dir, with health")
    ls.add_argument("dir")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=run_list)

    pv = dsub.add_parser("preview", help="records as system/user/assistant turns")
    pv.add_argument("file")
    pv.add_argument("--start", type=int, default=0)
    pv.add_argument("--count", type=int, default=5)
    pv.add_argument("--entry", metavar="JSON")
    pv.add_argument("--json", action="store_true")
    pv.set_defaults(handler=run_preview)


def _entry(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        entry = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CLIError(f"--entry: not valid JSON at column {exc.colno}: {exc.msg}") from exc
    if not isinstance(entry, dict):
        raise CLIError("--entry must be a JSON object")
    return entry


def _host(args: argparse.Namespace):
    return host_from_args(args, load_config())


def _existing(args: argparse.Namespace, host, path: str, *under: str) -> str:
    """The path on the host, or one line saying it is not there (a typo is no lint report)."""
    path = host_path(args, host, path, *under)
    if not host.exists(path):
        where = f" on {host.describe()}" if host.is_remote else ""
        raise CLIError(f"{path}: no such file or folder{where}")
    return path


def run_lint(args: argparse.Namespace) -> int:
    from tui_ft.datasets import lint_dataset

    host = _host(args)
    # --json is what the TUI reads from a box: a missing file stays a report finding there.
    find = host_path if args.json else _existing
    path = find(args, host, args.file, "datasets")
    model = args.model  # a folder, or a hub id the tokenizer library resolves
    if model and host.is_remote and host.exists(found := host_path(args, host, model, "models")):
        model = found
    report = lint_dataset(
        host, path, _entry(args.entry), model=model,
        cutoff_len=args.cutoff_len,
    )  # fmt: skip
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for finding in report.findings:
            print(finding)
        shown = len(report.findings)
        total = sum(report.counts.values())
        if total > shown:
            print(f"... and {total - shown} more findings of the same kinds")
        if report.tokens:
            t = report.tokens
            print(f"tokens: min {t.min} · mean {t.mean:.0f} · p50 {t.p50} · p95 {t.p95} · "
                  f"max {t.max} · over cutoff_len {t.cutoff_len}: {t.over_cutoff}")  # fmt: skip
        print(f"entry: {json.dumps(report.entry, ensure_ascii=False)}")
        print(report.summary() + f" ({report.seconds:.2f}s)")
    return 0 if report.ok else 1


def run_register(args: argparse.Namespace) -> int:
    from tui_ft.datasets import DatasetInfoError, file_name_for, lint_dataset, load_info, register

    host = _host(args)
    ddir = host_path(args, host, args.dataset_dir)
    path = _existing(args, host, args.file, ddir)  # LLaMA-Factory's file_name: in dataset_dir
    entry = _entry(args.entry)
    report = lint_dataset(host, path, entry)
    entry = dict(entry or report.entry)
    entry["file_name"] = file_name_for(ddir, path)
    if not report.ok and not args.force:
        for finding in report.findings[:10]:
            print(finding, file=sys.stderr)
        raise CLIError(f"{report.errors} lint errors in {path}: fix them or use --force", 1)
    try:
        info = load_info(host, ddir)
        register(host, info, args.name, entry, replace=args.replace)
    except DatasetInfoError as exc:
        raise CLIError(str(exc), 1) from exc
    print(f"registered `{args.name}` in {info.path}: {json.dumps(entry, ensure_ascii=False)}")
    if report.placeholders:
        names = ", ".join("{{" + p + "}}" for p in report.placeholders)
        print(f"note: the data still holds {names}: `tui-ft data fill` writes a filled copy")
    return 0


def run_fill(args: argparse.Namespace) -> int:
    from tui_ft.datasets import DataError, fill_placeholders

    values = {k: v for k, v in (("name", args.name), ("author", args.author)) if v is not None}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise CLIError(f"--set {item}: expected KEY=VALUE")
        values[key] = value
    host = _host(args)
    try:
        out = host_path(args, host, args.out) if args.out else None
        out, n = fill_placeholders(host, host_path(args, host, args.file, "datasets"), values, out)
    except DataError as exc:
        raise CLIError(str(exc), 1) from exc
    print(f"wrote {out} ({n} placeholders filled)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from tui_ft.datasets import DatasetInfoError, list_registered
    from tui_ft.datasets.info import Registered

    host = _host(args)
    if host.is_remote:
        # The box's own command, in one call: it reads the box's catalog cache instead of
        # importing LLaMA-Factory there for every listing (seconds). A relative folder is
        # one in the box's workspace: the command starts there (no look-up from here).
        from tui_ft.host.call import CallError, call

        path, cwd = args.dir, None
        if posixpath.isabs(path) or path.startswith("~"):
            path = host_path(args, host, path)
        else:
            cwd = workspace_from_args(args, host, load_config()).root
        try:
            answer = call(host, ["data", "list", path, "--json"], cwd=cwd, ok=(0, 1), timeout=300)
        except CallError as exc:  # the box's own exit code: 2 for a bad path, as here
            raise CLIError(str(exc), 2 if exc.returncode == 2 else 1) from exc
        items = [Registered(**row) for row in answer.value]
    else:
        try:
            items = list_registered(host, _existing(args, host, args.dir))
        except DatasetInfoError as exc:
            raise CLIError(str(exc), 1) from exc
    if args.json:
        rows = [{"name": r.name, "file_name": r.file_name, "present": r.present,
                 "problems": r.problems, "entry": r.entry} for r in items]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False))
    else:
        for r in items:
            print(f"{r.name:<28} {r.file_name or '-':<32} {r.health}")
    return 0 if all(r.healthy for r in items) else 1


def run_preview(args: argparse.Namespace) -> int:
    from tui_ft.datasets import DataError
    from tui_ft.datasets.preview import preview_page

    host = _host(args)
    try:
        path = host_path(args, host, args.file, "datasets")
        page = preview_page(host, path, args.start, args.count, _entry(args.entry))
    except DataError as exc:
        raise CLIError(str(exc), 1) from exc
    if args.json:
        print(json.dumps(page, ensure_ascii=False))
        return 0
    for rec in page["records"]:
        print(f"── record {rec['index']} (line {rec['line']})")
        for role, content in rec["turns"]:
            print(f"  {role:>9}: {content}")
    return 0
