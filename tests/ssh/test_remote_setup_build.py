"""`tui-ft remote setup --build` against a real sshd: a wheel of this checkout goes to the
box over SFTP and into a fresh venv there, next to a (stand-in) CUDA torch, transformers
and an editable LLaMA-Factory checkout that must come out untouched.

The venv is fresh (no system site-packages); tui-ft's base requirements come from the
package index (or pip's cache), as on a rented box.
"""

from __future__ import annotations

import json
import posixpath

from tui_ft import __version__
from tui_ft.cli import main
from tui_ft.host import open_host

# Only metadata: importlib.metadata sees these as installed distributions.
STACK = {"torch": "2.1.0+cu118", "transformers": "4.40.0", "llamafactory": "0.9.3"}


def plant_stack(host, site: str) -> dict[str, str]:
    files = {}
    for name, version in STACK.items():
        info = posixpath.join(site, f"{name}-{version}.dist-info")
        files[posixpath.join(info, "METADATA")] = (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        )
        files[posixpath.join(info, "RECORD")] = ""
        files[posixpath.join(site, name, "__init__.py")] = f"__version__ = {version!r}\n"
    # LLaMA-Factory as `pip install -e .` leaves it: an editable checkout.
    files[posixpath.join(site, "llamafactory-0.9.3.dist-info", "direct_url.json")] = json.dumps(
        {"url": "file:///src/LLaMA-Factory", "dir_info": {"editable": True}}
    )
    for path, text in files.items():
        host.write_text(path, text)
    return files


def test_setup_build_installs_next_to_the_box_stack_and_leaves_it_alone(ssh_home, sshd, capsys):
    host = open_host("box")
    venv = posixpath.join(host.home(), ".cache", "tui-ft-test", f"venv-{sshd.port}")
    try:
        host.run(["rm", "-rf", venv])
        assert host.run(["python3", "-m", "venv", venv], timeout=300).ok
        py = posixpath.join(venv, "bin", "python")
        site = host.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        planted = plant_stack(host, site.stdout.strip())

        code = main(["remote", "setup", "--host", "box", "--build", "--venv", venv,
                     "--python", "python3", "--extras", ""])  # fmt: skip
        captured = capsys.readouterr()
        assert code == 0, captured.out + captured.err[-3000:]
        out = captured.out
        assert f"tui-ft:  {__version__}" in out
        assert "left alone: llamafactory 0.9.3 (editable checkout)" in out
        assert "left alone: torch 2.1.0+cu118" in out
        assert "left alone: transformers 4.40.0" in out
        assert "installed: " in out and "textual>=" in out  # the fresh venv lacked them
        log = captured.err
        assert "building a wheel" in log and ".whl to " in log  # copied over SFTP
        assert "--no-deps" in log and "keep-constraints.txt" in log
        # The box's stack is byte for byte what it was; tui-ft imports in the venv.
        for path, text in planted.items():
            assert host.read_text(path) == text, path
        pins = host.read_text(posixpath.join(host.home(), ".cache/tui-ft/keep-constraints.txt"))
        assert "torch==2.1.0+cu118\n" in pins and "llamafactory==0.9.3\n" in pins
        res = host.run([py, "-c", "import tui_ft, textual, paramiko; print(tui_ft.__version__)"])
        assert res.stdout.strip() == __version__, res.stderr
    finally:
        host.run(["rm", "-rf", venv])
        host.close()


def test_plan_keeps_the_stack_even_when_the_extras_ask_otherwise():
    from tui_ft.remote.keep import plan

    found = {
        "requirements": {
            "llamafactory==0.9.5": {"name": "llamafactory", "installed": "0.9.3", "ok": False},
            "torch>=2.4": {"name": "torch", "installed": None, "ok": False},
            "textual>=1.0": {"name": "textual", "installed": "0.40.0", "ok": False},
            "pyyaml>=6": {"name": "PyYAML", "installed": "6.0.2", "ok": True},
        },
        "protected": {"llamafactory": {"version": "0.9.3", "editable": True}},
    }
    p = plan(found)
    assert p.missing == ["torch>=2.4", "textual>=1.0"]  # absent torch may be installed
    assert p.kept == [
        "llamafactory 0.9.3 (editable checkout): tui-ft's extras ask llamafactory==0.9.5, "
        "yours is kept"
    ]
    assert p.satisfied == ["PyYAML 6.0.2"]
    assert p.constraints() == "llamafactory==0.9.3\n"
