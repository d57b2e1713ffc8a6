"""Which template a command uses when it is given none: the run's, then the model's."""

from __future__ import annotations

from pathlib import Path

from tui_ft.host import LocalHost
from tui_ft.lf.recorded import recorded_template_for, write_recorded_template


def test_a_checkpoint_uses_its_runs_template_before_the_models(tmp_path: Path):
    host = LocalHost()
    model, run = tmp_path / "models" / "m", tmp_path / "runs" / "r1"
    checkpoint = run / "output" / "checkpoint-50"
    checkpoint.mkdir(parents=True)
    model.mkdir(parents=True)
    write_recorded_template(host, str(model), "default")
    assert recorded_template_for(host, str(model), str(checkpoint)) == "default"
    (run / "training_args.yaml").write_text("model_name_or_path: m\ntemplate: qwen\n")
    assert recorded_template_for(host, str(model), str(checkpoint)) == "qwen"
    assert recorded_template_for(host, str(model), str(run / "output")) == "qwen"
    assert recorded_template_for(host, str(model)) == "default"
    assert recorded_template_for(host, str(tmp_path / "none")) is None
