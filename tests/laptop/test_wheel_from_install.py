"""`remote setup --build` from a pip-installed tui-ft (no source checkout): the installed
files are packed again into a wheel that installs the same tui-ft (issue 29)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.laptop.venv import LaptopEnv

BUILD = (
    "import sys; from pathlib import Path; from tui_ft.remote.setup import build_wheel; "
    "print(build_wheel(Path(sys.argv[1])))"
)
FILES = (
    "import sys, importlib.metadata as m; d = m.distribution('tui-ft'); "
    "print(d.version); print(sorted(str(f) for f in d.files if str(f).startswith('tui_ft/') "
    "and not str(f).endswith('.pyc')))"
)


def test_a_wheel_install_builds_a_wheel_of_itself(laptop: LaptopEnv, tmp_path: Path):
    built = subprocess.run(
        [laptop.python, "-c", BUILD, str(tmp_path / "dist")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = Path(built.stdout.strip())
    assert wheel.name.startswith("tui_ft-") and wheel.name.endswith("-py3-none-any.whl")

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile",
         "--target", str(target), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    there = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); " + FILES],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    here = subprocess.run(
        [laptop.python, "-c", FILES], capture_output=True, text=True, check=True, timeout=60
    )
    assert there.stdout == here.stdout  # the same version, the same package files
    assert "tui_ft/host/agent_box.py" in there.stdout
