"""The Modelfile half of the template check: Ollama renders the Modelfile's TEMPLATE (a Go
template) for the same conversation, and every stop token of the training template must be
a Modelfile `stop` or end generation in the GGUF anyway."""

from __future__ import annotations

from collections.abc import Callable

from tui_ft.gguf.gotemplate import GoTemplateError, render
from tui_ft.gguf.modelfile import parse_modelfile
from tui_ft.gguf.template_check import CONVERSATION, CheckItem, TemplateReport, first_difference


def modelfile_items(
    report: TemplateReport,
    text: str,
    stop_eog: dict[str, bool],
    with_bos: Callable[[str], str],
    strip_bos: Callable[[str], str],
    template: str,
) -> list[CheckItem]:
    """The TEMPLATE (rendered for `CONVERSATION`) and stop checks of Modelfile `text`."""

    spec = parse_modelfile(text)
    fix = (
        "write the Modelfile again from the training template: "
        f"tui-ft gguf ... --modelfile --template {template}"
    )
    if spec.template is None:
        return [CheckItem("Modelfile TEMPLATE", False, "the Modelfile has no TEMPLATE", fix)]
    messages = [{"Role": m["role"], "Content": m["content"]} for m in CONVERSATION]
    try:
        rendered = render(spec.template, {"System": spec.system or "", "Messages": messages})
    except GoTemplateError as exc:
        return [CheckItem("Modelfile TEMPLATE", False, f"cannot be rendered: {exc}", fix)]
    report.modelfile_prompt = with_bos(rendered)
    # A leading BOS is the BOS check's business: one cause, one failure.
    lf, mf = strip_bos(report.training_prompt), strip_bos(report.modelfile_prompt)
    same = lf == mf
    detail = "renders the training prompt" if same else (
        "renders another prompt, " + first_difference(lf, mf)
    )  # fmt: skip
    items = [CheckItem("Modelfile TEMPLATE", same, detail, "" if same else fix)]
    missing = [s for s, eog in stop_eog.items() if not eog and s not in spec.stops]
    items.append(
        CheckItem(
            "Modelfile stop",
            not missing,
            f"stop {spec.stops}"
            + (f"; {missing} neither a stop nor end-of-generation" if missing else ""),
            " ".join(f'add PARAMETER stop "{s}"' for s in missing),
        )
    )
    return items
