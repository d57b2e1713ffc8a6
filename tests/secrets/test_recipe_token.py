"""A recipe's `hub_token: ${HF_TOKEN}` lands, expanded, in the train config the replay
writes: that file is then a secret (0600 in a 0700 folder); a config without one follows
the umask like any run file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui_ft.atomic import UMASK
from tui_ft.host import HostError, LocalHost
from tui_ft.recipes import parse_recipe
from tui_ft.recipes.replay import Replayer, ReplayFailed

RECIPE = """\
name: tok
steps:
  - id: pushed
    type: train
    config: {model_name_or_path: /nonexistent/m, dataset: d, hub_token: "${HF_TOKEN}"}
  - id: plain
    type: train
    config: {model_name_or_path: /nonexistent/m, dataset: d}
"""


def test_train_config_holding_a_token_is_private(tmp_path):
    recipe = parse_recipe(RECIPE, env={"HF_TOKEN": "hf_not_for_others"})
    replayer = Replayer(recipe, LocalHost(), str(tmp_path))
    for step in recipe.steps:
        with pytest.raises((ReplayFailed, HostError)):  # no such model: the config stays
            replayer.run_step(step, {})
    pushed, plain = (replayer.train_config_path(s) for s in recipe.steps)
    assert "hf_not_for_others" in Path(pushed).read_text()
    modes = [stat.S_IMODE(os.stat(p).st_mode) for p in (pushed, os.path.dirname(pushed), plain)]
    assert modes == [0o600, 0o700, 0o666 & ~UMASK]
