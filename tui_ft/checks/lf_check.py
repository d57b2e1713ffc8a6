"""The LLaMA-Factory check: which version, how it is installed, and whether tui-ft supports it.

Never a reinstall: the fix of a box with its own LLaMA-Factory (an editable checkout, a
conda env) is to install tui-ft next to it, not to replace it.
"""

from __future__ import annotations

from tui_ft.checks.base import CheckResult, fail, ok, warn
from tui_ft.host.base import Host
from tui_ft.lfenv.caps import FEATURES, lacking, support
from tui_ft.lfenv.find import Found, LFInstall, find_llamafactory

NAME = "llamafactory"


def _data(found: Found, lf: LFInstall) -> dict[str, object]:
    return {
        "version": lf.version,
        "install": lf.kind,
        "path": lf.path,
        "cli": lf.cli,
        "conda_env": lf.name or None,
        "others": [o.describe() for o in found.others],
        "lacks": lacking(lf.version) if lf.version else {},
    }


def lf_result(found: Found) -> CheckResult:
    """The check drawn from what `find_llamafactory` found."""
    lf = found.primary
    if lf is None:
        why = f" (could not ask: {found.error})" if found.error else ""
        return fail(
            NAME,
            f"LLaMA-Factory not found in {found.python}, on PATH or in a conda env{why}",
            "pip install 'tui-ft[train]' (or install tui-ft into the env that has LLaMA-Factory)",
        )
    data = _data(found, lf)
    text = lf.describe()
    if found.others:
        text += f"; also {'; '.join(data['others'])}"  # type: ignore[arg-type]
    if not lf.in_tui_ft_python:
        where = f"conda env {lf.name}" if lf.kind == "conda" else lf.path
        return warn(
            NAME,
            f"{text}: not in tui-ft's {found.python}",
            f"install tui-ft into {where} (pip install tui-ft there, it leaves "
            "LLaMA-Factory as it is) or set box_python to that env's python",
            path=lf.path,
            data=data,
        )
    unsupported = support(lf.version)
    if unsupported:
        return warn(NAME, f"{text}; {unsupported}", path=lf.path, data=data)
    if lf.cli is None:
        return warn(
            NAME,
            f"{text}, but llamafactory-cli is not on PATH",
            "activate the environment that holds it (its bin/ on PATH)",
            path=lf.path,
            data=data,
        )
    text += f" ({lf.cli})"
    lacks = data["lacks"]
    assert isinstance(lacks, dict)
    if lacks:  # said once here; each feature says it again where it is used
        newer = ", ".join(f"{FEATURES[k].short} ({FEATURES[k].since})" for k in lacks)
        text += f"; too old for: {newer}"
    return ok(NAME, text, path=lf.path, data=data)


def llamafactory_check(host: Host) -> CheckResult:
    return lf_result(find_llamafactory(host))
