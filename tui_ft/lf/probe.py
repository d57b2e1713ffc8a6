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


def dataset_info_semantics():
    # What DatasetAttr reads from a dataset_info.json entry, read off its own code.
    import ast, dataclasses, inspect, textwrap, typing
    from llamafactory.data import parser as p
    attr = p.DatasetAttr
    join = ast.parse(textwrap.dedent(inspect.getsource(attr.join)))
    top, lists = [], {"column_names": [], "tag_names": []}
    for node in ast.walk(join):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_attr":
            if len(node.args) > 1 and getattr(node.args[1], "id", "") == "attr":
                top.append(node.args[0].value)
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        name = getattr(target, "id", "")
        if name in lists and isinstance(getattr(node, "value", None), ast.List):
            lists[name] += [e.value for e in node.value.elts]
    source = inspect.getsource(p.get_dataset_list)
    sources = [k for k in ("file_name", "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url",
               "cloud_file_name") if '"%s"' % k in source]
    fields = {f.name: f for f in dataclasses.fields(attr)}
    formattings = list(typing.get_args(fields["formatting"].type)) or ["alpaca", "sharegpt"]
    keys = lists["column_names"] + lists["tag_names"]
    return {
        "top": sources + top + ["columns", "tags"],
        "sources": sources,
        "columns": lists["column_names"],
        "tags": lists["tag_names"],
        "formattings": formattings,
        "defaults": {k: fields[k].default for k in keys if k in fields},
        "remote": "REMOTE:" in source,
    }


try:
    semantics = dataset_info_semantics()
except Exception:
    semantics = None
out = {
    "version": version,
    "location": list(getattr(llamafactory, "__path__", []))[:1],
    "templates": list(TEMPLATES.keys()),
    "dataset_info": semantics,
    "models": models,
}
print(json.dumps(out, ensure_ascii=False))
"""


def canonical_json(data: dict[str, object]) -> str:
    """The built-in copy's layout: one model per line, so a regenerated copy diffs well."""
    import json

    models = data.get("models", {})
    assert isinstance(models, dict)
    head = {
        "version": data.get("version"),
        "templates": data.get("templates"),
        "dataset_info": data.get("dataset_info"),
    }
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
