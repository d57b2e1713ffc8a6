"""`eval` and `ask` use the template training recorded when no --template is given, as
export and the GGUF commands do (issue 28): a Qwen fine-tune is never asked in `default`."""

from __future__ import annotations

import argparse

from tui_ft.cli.evaluate import _template
from tui_ft.host import LocalHost
from tui_ft.lf.recorded import write_recorded_template


def test_the_recorded_template_is_the_default_and_a_given_one_wins(tmp_path):
    host = LocalHost()
    model, run = tmp_path / "model", tmp_path / "run" / "output"
    model.mkdir()
    run.mkdir(parents=True)
    none = argparse.Namespace(template=None)
    assert _template(none, host, str(model), None) == "default"  # nothing recorded
    write_recorded_template(host, str(model), "qwen")
    assert _template(none, host, str(model), None) == "qwen"
    write_recorded_template(host, str(run), "llama3")  # the run's adapter: what it learnt
    assert _template(none, host, str(model), str(run)) == "llama3"
    given = argparse.Namespace(template="chatml")
    assert _template(given, host, str(model), str(run)) == "chatml"
