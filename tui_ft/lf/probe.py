"""Ask a host's installed LLaMA-Factory what it knows: its templates and its model table.

`SCRIPT` runs with the host's interpreter (`python -c`), in a subprocess: importing
LLaMA-Factory pulls in torch, which the TUI process must never hold. It needs nothing
from tui-ft, so it also works with an interpreter that has only LLaMA-Factory, and it
keeps to Python 3.10 syntax (boxes may run an older Python).

`python -m tui_ft.lf.probe` prints the same JSON; the built-in copy (`builtin.json`,
read on a laptop without LLaMA-Factory) is that output from LLaMA-Factory 0.9.5.
"""

from __future__ import annotations

SCRIPT = r"""
import json, sys
try:
    import importlib.metadata as md
    version = md.version("llamafactory")
except Exception:
    version = None
try:
    from llamafactory.data.template import TEMPLATES
    from llamafactory.extras import constants as c
except Exception as exc:
    print(json.dumps({"error": "%s: %s" % (type(exc).__name__, exc)}))
    sys.exit(0)
models = {}
for name, paths in c.SUPPORTED_MODELS.items():
    found = sorted({str(p) for p in dict(paths).values() if p})
    models[name] = [c.DEFAULT_TEMPLATE.get(name) or None, found]
import llamafactory
out = {
    "version": version,
    "location": list(getattr(llamafactory, "__path__", []))[:1],
    "templates": list(TEMPLATES.keys()),
    "models": models,
}
print(json.dumps(out, ensure_ascii=False))
"""


def canonical_json(data: dict[str, object]) -> str:
    """The built-in copy's layout: one model per line, so a regenerated copy diffs well."""
    import json

    models = data.get("models", {})
    assert isinstance(models, dict)
    head = {"version": data.get("version"), "templates": data.get("templates")}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "models": {']
    rows = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in models.items()]
    lines.append(",\n".join(rows))
    lines.append("}}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import json
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    payload = json.loads(res.stdout)
    if "error" in payload:
        sys.exit(f"LLaMA-Factory is not importable here: {payload['error']}")
    payload.pop("location", None)
    sys.stdout.write(canonical_json(payload))
