"""Python 3.10 on the box: tui-ft's code keeps to what 3.10 has (this machine has no 3.10).

`vermin` reads the modules and names the newer stdlib and syntax they use. It cannot see
two things, so they are checked here too: the Python scripts tui-ft sends to a box as
strings (`python -c SCRIPT`: the probes, the tarball extractor), and what vermin does not
know: tarfile's `filter=` (3.10.12 / 3.11.4, so a bare 3.10 lacks it) and the atomic
groups / possessive quantifiers of `re` (3.11).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FLOOR = "3.10"
CHECKED = ("tui_ft", "screens")  # screens: the TUI too (pyproject says >=3.10 for all)
VERMIN = "import sys; from vermin.main import main; sys.exit(main())"


def vermin(*paths: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", VERMIN, f"-t={FLOOR}-", "--eval-annotations", "--no-tips"]
    res = subprocess.run(
        [*argv, "--violations", "--no-parse-comments", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "No module named 'vermin'" in res.stderr:
        pytest.fail("vermin is not installed here: bash scripts/setup.sh (it is in the dev extra)")
    return res


def embedded_scripts(root: Path) -> dict[str, str]:
    """Module-level string constants that are Python programs: 'file:NAME' → source."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
                continue
            text = node.value.value
            if not isinstance(text, str) or "import " not in text or "\n" not in text:
                continue
            try:
                ast.parse(text)
            except SyntaxError:
                continue
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[f"{path.relative_to(REPO)}:{target.id}"] = text
    return out


TAR_FILTER = re.compile(r"\.extract(all)?\([^)]*\bfilter=")
REGEX_311 = re.compile(r"\(\?>|[*+?}][+]")  # (?>...) and *+ ++ ?+ {m,n}+


def unknown_to_vermin(name: str, source: str, tar: bool = True) -> list[str]:
    """Uses of 3.11 / 3.10.12 features vermin does not report (`tar`: look for tarfile's
    filter= in the whole text, scripts held in strings included)."""
    found = []
    if tar and TAR_FILTER.search(source) and "data_filter" not in source:
        found.append(
            f"{name}: tarfile extract(filter=...) without a hasattr(tarfile, 'data_filter') "
            "guard (the argument exists from Python 3.10.12 / 3.11.4)"
        )
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and REGEX_311.search(node.args[0].value.replace("\\+", "").replace("\\*", ""))
        ):
            found.append(
                f"{name}:{node.lineno}: regex with an atomic group or possessive quantifier"
            )
    return found


def test_vermin_finds_nothing_newer_than_310_in_tui_ft():
    res = vermin(*(REPO / p for p in CHECKED))
    assert res.returncode == 0, f"needs Python newer than {FLOOR}:\n{res.stdout}{res.stderr}"
    assert f"Minimum required versions: {FLOOR}" in res.stdout or "~2, ~3" in res.stdout


def test_scripts_sent_to_the_box_keep_to_310(tmp_path):
    scripts = embedded_scripts(REPO / "tui_ft")
    assert "tui_ft/lfenv/find.py:PROBE" in scripts and "tui_ft/checks/probe.py:PROBE" in scripts
    files = []
    for i, (name, text) in enumerate(sorted(scripts.items())):
        path = tmp_path / f"s{i}_{name.replace('/', '_').replace(':', '_')}"
        path.write_text(text)
        files.append(path)
    res = vermin(*files)
    assert res.returncode == 0, f"a box-side script needs Python > {FLOOR}:\n{res.stdout}"


def test_what_vermin_misses_is_guarded():
    found = []
    for path in sorted(p for d in CHECKED for p in (REPO / d).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found += unknown_to_vermin(str(path.relative_to(REPO)), source)
    for name, text in embedded_scripts(REPO / "tui_ft").items():
        found += unknown_to_vermin(name, text, tar=False)  # its file was searched above
    assert not found, "\n".join(found)


def test_the_checks_catch_311_code(tmp_path):
    """The checks above can fail: 3.11-only code is named."""
    newer = tmp_path / "newer.py"
    newer.write_text("import tomllib\n\ntry:\n    pass\nexcept* ValueError:\n    pass\n")
    res = vermin(newer)
    assert res.returncode != 0 and "tomllib" in res.stdout
    source = 'import re, tarfile\nre.match(r"(?>a)b", "ab")\ntf.extractall(d, filter="data")\n'
    found = unknown_to_vermin("x.py", source)
    assert len(found) == 2 and "3.10.12" in found[0] and "x.py:2" in found[1]
    guarded = source + "if hasattr(tarfile, 'data_filter'): pass\n"
    assert len(unknown_to_vermin("x.py", guarded)) == 1
