"""`verify_model(host, path)`: in this process locally, on the box for a remote host.

Hashing multi-GB shards over SSH would move the whole model through the connection,
so a remote box runs its own `python3 -m tui_ft model verify DIR --json --progress`
and answers with progress lines and the report as JSON.
"""

from __future__ import annotations

from tui_ft.checks.base import CheckResult
from tui_ft.checks.probe import box_python, parse_json_tail
from tui_ft.host.base import Host, HostError
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
    argv = [box_python(host), "-m", "tui_ft", "model", "verify", path, "--json", "--progress"]
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
