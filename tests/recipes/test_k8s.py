"""Kubernetes manifests generated from a recipe, checked against the official schemas."""

from __future__ import annotations

import pytest
import yaml

from tui_ft.recipes import parse_recipe
from tui_ft.recipes.catalog import resolve
from tui_ft.recipes.k8s import ClusterOptions, batch_job, render, validate_manifest, volcano_job
from tui_ft.recipes.model import RecipeError


@pytest.fixture
def recipe():
    with open(resolve("qwen3-8b-toolcall")) as fh:
        text = fh.read()
    return parse_recipe(text, env={}, builtins={"workspace": "/mnt/models"})


OPTS = ClusterOptions(
    image="llamafactory:0.9.5",
    replicas=2,
    gpus=8,
    models_pvc="sft-models",
    outputs_pvc="sft-out",
    mlflow_uri="http://mlflow:5000",
    mlflow_experiment="tui-ft",
)


def test_volcano_job_is_valid_and_carries_the_training(recipe):
    doc = yaml.safe_load(render(volcano_job(recipe, OPTS)))
    validate_manifest(doc)
    task = doc["spec"]["tasks"][0]
    assert doc["spec"]["minAvailable"] == 2 and task["replicas"] == 2
    pod = task["template"]["spec"]
    vols = {v["name"]: v for v in pod["volumes"]}
    assert vols["dshm"]["emptyDir"]["medium"] == "Memory"
    assert vols["models"]["persistentVolumeClaim"]["claimName"] == "sft-models"
    container = pod["containers"][0]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "8"
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["MLFLOW_TRACKING_URI"] == "http://mlflow:5000"
    script = container["command"][2]
    assert "glaive_toolcall_zh_demo" in script and "NODE_RANK=${VC_TASK_INDEX" in script
    assert "FORCE_TORCHRUN=1" in script


def test_batch_job_is_valid(recipe):
    validate_manifest(batch_job(recipe, OPTS))


def test_schema_errors_name_the_field(recipe):
    doc = batch_job(recipe, OPTS)
    doc["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = "Always"
    with pytest.raises(ValueError, match=r"spec\.template\.spec\.containers\.0.*imagePullPolcy"):
        validate_manifest(doc)
    vc = volcano_job(recipe, OPTS)
    vc["spec"]["tasks"][0]["replica"] = 3
    with pytest.raises(ValueError, match=r"tasks\[0\].*replica"):
        validate_manifest(vc)
    vc = volcano_job(recipe, OPTS)
    vc["spec"]["tasks"][0]["template"]["spec"]["volumes"][0]["emptyDir"]["sizeLimit"] = []
    with pytest.raises(ValueError, match="sizeLimit"):
        validate_manifest(vc)


def test_recipe_without_inline_training_is_refused():
    r = parse_recipe("name: x\nsteps:\n  - type: check\n", env={})
    with pytest.raises(RecipeError, match="no train step"):
        volcano_job(r, OPTS)


def test_cli_prints_a_valid_manifest():
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui_ft",
            "recipe",
            "k8s",
            "qwen3-8b-toolcall",
            "--image",
            "lf:1",
            "--kind",
            "job",
            "--gpus",
            "2",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    doc = yaml.safe_load(out.stdout)
    assert doc["apiVersion"] == "batch/v1"
    validate_manifest(doc)
