"""Model work on the box itself: verification, and downloads from the box's hub.

Hashing multi-GB shards over SSH would move the whole model through the connection,
so a remote box runs its own `python3 -m tui_ft model verify DIR --json --progress`
and answers with progress lines and the report as JSON. A download runs the box's
`tui-ft model download` the same way: the files land on the box, fetched from the hub
the box's settings name (tui_ft.models.hubs), never from the laptop's choice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui_ft.checks.base import CheckResult
from tui_ft.checks.probe import parse_json_tail
from tui_ft.host.base import ConnectionLost, Host, HostError
from tui_ft.models.hashing import Progress
from tui_ft.models.report import ModelReport

PROGRESS_TAG = "progress "


def verify_model(
    host: Host,
    path: str,
    manifest_path: str | None = None,
    sha256: bool = False,
    progress: Progress | None = None,
) -> ModelReport:
    """Verify a model folder on `host`; `manifest_path` is a file on that host too."""
    if not host.is_remote:
        from tui_ft.models.manifest import load_manifest
        from tui_ft.models.verify import verify_dir

        manifest = load_manifest(manifest_path) if manifest_path else None
        return verify_dir(path, manifest, sha256, progress)
    argv = [host.python, "-m", "tui_ft", "model", "verify", path, "--json", "--progress"]
    if manifest_path:
        argv += ["--manifest", manifest_path]
    if sha256:
        argv.append("--sha256")
    lines: list[str] = []
    try:
        for line in host.stream(argv):
            fields = line.split()
            if len(fields) == 3 and fields[0] == PROGRESS_TAG.strip():
                if progress is not None and fields[1].isdigit() and fields[2].isdigit():
                    progress(int(fields[1]), int(fields[2]))
            else:
                lines.append(line)
    except HostError:
        pass  # a failed verification exits 1: the report is still on stdout
    data = parse_json_tail("\n".join(lines))
    if data is None or "files" not in data:
        tail = lines[-1] if lines else "no output"
        report = ModelReport(path)
        report.findings.append(
            CheckResult(
                "tui-ft on the box",
                "fail",
                f"`python3 -m tui_ft model verify` failed on {host.describe()}: {tail}",
                "pip install tui-ft on the box (into the python3 on its PATH)",
                path,
                group="model",
            )
        )
        return report
    return ModelReport.from_dict(data)


def download_on_box(
    host: Host,
    workspace: str,
    repo: str,
    dest: str,
    hub_argv: Sequence[str],
    revision: str | None = None,
    as_json: bool = False,
    echo: Callable[[str], object] = print,
) -> int:
    """Run the box's `tui-ft model download`; its lines are echoed, its exit status returned.

    `hub_argv` holds only what overrides the box (`--hub`, endpoints: the command's
    flags or the laptop's per-host entry); anything else the box settles itself.
    """
    argv = [host.python, "-m", "tui_ft", "--workspace", workspace, "model", "download"]
    argv += [repo, "--dest", dest, *hub_argv]
    argv += (["--revision", revision] if revision else []) + (["--json"] if as_json else [])
    try:
        for line in host.stream(argv):
            echo(line)
    except ConnectionLost:
        raise
    except HostError:
        return 1  # the box's tui-ft printed why (one `tui-ft:` line) above
    return 0
