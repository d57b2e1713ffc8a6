"""Kubernetes manifests for a recipe's train step: a VolcanoJob and a plain batch/v1 Job.

The pod spec follows the tutorials' VolcanoJob: a memory-backed /dev/shm volume for
multi-GPU communication, PVCs for models and outputs, GPU resources, MLflow settings,
and a command that derives NNODES/NODE_RANK/MASTER_ADDR from Volcano's variables and
runs `llamafactory-cli train` with FORCE_TORCHRUN. Validation uses the official
Kubernetes schemas (`kubernetes-validate`); a VolcanoJob is a custom resource, so its
own fields are checked here and its pod template against the core PodTemplateSpec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from tui_ft.recipes.model import Recipe, RecipeError, Step

K8S_VERSION = "1.30.0"

LAUNCH = """set -e
if [ -n "${VC_WORKER_HOSTS:-}" ]; then
  export NNODES=$(echo "$VC_WORKER_HOSTS" | awk -F, '{print NF}')
  export NODE_RANK=${VC_TASK_INDEX:-0}
  export MASTER_ADDR=$(echo "$VC_WORKER_HOSTS" | awk -F, '{print $1}')
fi
export MASTER_PORT=${MASTER_PORT:-29500}
mkdir -p /mnt/workspace && cat > /mnt/workspace/train.yaml <<'TUI_FT_EOF'
%(config)s
TUI_FT_EOF
if [ "${NNODES:-1}" -gt 1 ]; then export FORCE_TORCHRUN=1; fi
exec llamafactory-cli train /mnt/workspace/train.yaml
"""


@dataclass
class ClusterOptions:
    image: str
    replicas: int = 1
    gpus: int = 1
    cpu: str = "8"
    memory: str = "64Gi"
    shm: str = "16Gi"
    models_pvc: str = "models"
    outputs_pvc: str | None = None
    queue: str = "default"
    mlflow_uri: str | None = None
    mlflow_experiment: str | None = None
    env: dict[str, str] = field(default_factory=dict)


def _train_step(recipe: Recipe) -> Step:
    for step in recipe.steps:
        if step.type == "train":
            if "config" not in step.args:
                raise RecipeError(
                    "manifests need an inline config",
                    source=recipe.source,
                    step=step.id,
                    field="config",
                )
            return step
    raise RecipeError("the recipe has no train step", source=recipe.source, field="steps")


def _name(recipe: Recipe) -> str:
    clean = "".join(c if c.isalnum() else "-" for c in recipe.name.lower()).strip("-")
    return (clean or "tui-ft")[:40]


def pod_template(recipe: Recipe, opts: ClusterOptions) -> dict[str, Any]:
    step = _train_step(recipe)
    config = yaml.safe_dump(step.args["config"], sort_keys=False, allow_unicode=True).rstrip()
    env = [{"name": "MASTER_PORT", "value": "29500"}]
    if opts.mlflow_uri:
        env.append({"name": "MLFLOW_TRACKING_URI", "value": opts.mlflow_uri})
    if opts.mlflow_experiment:
        env.append({"name": "MLFLOW_EXPERIMENT_NAME", "value": opts.mlflow_experiment})
    env += [{"name": k, "value": v} for k, v in sorted(opts.env.items())]
    mounts = [
        {"name": "dshm", "mountPath": "/dev/shm"},
        {"name": "models", "mountPath": "/mnt/models"},
    ]
    volumes: list[dict[str, Any]] = [
        {"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": opts.shm}},
        {"name": "models", "persistentVolumeClaim": {"claimName": opts.models_pvc}},
    ]
    if opts.outputs_pvc:
        mounts.append({"name": "outputs", "mountPath": "/mnt/outputs"})
        volumes.append(
            {"name": "outputs", "persistentVolumeClaim": {"claimName": opts.outputs_pvc}}
        )
    resources = {"cpu": opts.cpu, "memory": opts.memory}
    if opts.gpus:
        resources["nvidia.com/gpu"] = str(opts.gpus)
    return {
        "metadata": {
            "labels": {
                "app.kubernetes.io/name": _name(recipe),
                "app.kubernetes.io/managed-by": "tui-ft",
            }
        },
        "spec": {
            "restartPolicy": "Never",
            "volumes": volumes,
            "containers": [
                {
                    "name": "train",
                    "image": opts.image,
                    "imagePullPolicy": "IfNotPresent",
                    "command": ["bash", "-c", LAUNCH % {"config": config}],
                    "env": env,
                    "resources": {"requests": dict(resources), "limits": dict(resources)},
                    "volumeMounts": mounts,
                }
            ],
        },
    }


def volcano_job(recipe: Recipe, opts: ClusterOptions) -> dict[str, Any]:
    return {
        "apiVersion": "batch.volcano.sh/v1alpha1",
        "kind": "Job",
        "metadata": {"generateName": f"{_name(recipe)}-"},
        "spec": {
            "minAvailable": opts.replicas,
            "schedulerName": "volcano",
            "queue": opts.queue,
            "maxRetry": 1,
            "plugins": {"svc": [], "env": []},  # VC_WORKER_HOSTS and VC_TASK_INDEX
            "tasks": [
                {
                    "name": "worker",
                    "replicas": opts.replicas,
                    "template": pod_template(recipe, opts),
                }
            ],
        },
    }


def batch_job(recipe: Recipe, opts: ClusterOptions) -> dict[str, Any]:
    """A single-node batch/v1 Job (no Volcano needed)."""
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"generateName": f"{_name(recipe)}-"},
        "spec": {"backoffLimit": 0, "template": pod_template(recipe, opts)},
    }


VOLCANO_SPEC_FIELDS = {
    "minAvailable",
    "schedulerName",
    "queue",
    "maxRetry",
    "plugins",
    "tasks",
    "volumes",
    "policies",
    "priorityClassName",
    "ttlSecondsAfterFinished",
    "runningEstimate",
    "minSuccess",
    "networkTopology",
}
VOLCANO_TASK_FIELDS = {
    "name",
    "replicas",
    "template",
    "policies",
    "minAvailable",
    "maxRetry",
    "topologyPolicy",
    "dependsOn",
}


def validate_manifest(doc: dict[str, Any]) -> None:
    """Raise ValueError naming the field when the manifest breaks the schema."""
    import kubernetes_validate as kv

    def check(obj: dict[str, Any], what: str) -> None:
        try:
            kv.validate(obj, K8S_VERSION, strict=True)
        except kv.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            raise ValueError(f"{what}: {path or '(root)'}: {exc.message}") from exc

    if doc.get("apiVersion") == "batch.volcano.sh/v1alpha1":
        spec = doc.get("spec", {})
        extra = set(spec) - VOLCANO_SPEC_FIELDS
        if extra:
            raise ValueError(f"VolcanoJob: spec: unknown field(s) {sorted(extra)}")
        for i, task in enumerate(spec.get("tasks", [])):
            extra = set(task) - VOLCANO_TASK_FIELDS
            if extra:
                raise ValueError(f"VolcanoJob: spec.tasks[{i}]: unknown field(s) {sorted(extra)}")
            check(
                {
                    "apiVersion": "v1",
                    "kind": "PodTemplate",
                    "metadata": {"name": task.get("name", "task")},
                    "template": task["template"],
                },
                f"VolcanoJob spec.tasks[{i}].template",
            )
        return
    check(doc, f"{doc.get('kind')} ({doc.get('apiVersion')})")


def render(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
