"""`${NAME}` and `${NAME:-default}` references: recipe variables first, then the environment.

Secrets stay out of recipes: a recipe refers to `${HF_TOKEN}`, the value comes from
the environment at replay time and is never written back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A default holds no `${`: inner references expand first, so `${A:-${workspace}/x}` works.
REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^${}]*))?\}")
SECRET_KEYS = re.compile(r"(password|passwd|secret|token|api_key|apikey)", re.IGNORECASE)


class UnresolvedReference(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def expand(value: Any, variables: Mapping[str, str], env: Mapping[str, str]) -> Any:
    """Expand references in strings, recursively through lists and mappings."""
    if isinstance(value, str):

        def sub(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if name in variables:
                return str(variables[name])
            if name in env:
                return env[name]
            if default is not None:
                return default
            raise UnresolvedReference(name)

        # Repeat so that variables may refer to other variables (bounded: no cycles).
        for _ in range(8):
            new = REF.sub(sub, value)
            if new == value:
                break
            value = new
        return value
    if isinstance(value, list):
        return [expand(v, variables, env) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, variables, env) for k, v in value.items()}
    return value


def literal_secrets(value: Any, path: str = "") -> list[str]:
    """Fields that look like secrets and hold a literal instead of a `${...}` reference."""
    found: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            here = f"{path}.{k}" if path else str(k)
            if SECRET_KEYS.search(str(k)) and isinstance(v, str) and v and not REF.fullmatch(v):
                found.append(here)
            found.extend(literal_secrets(v, here))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found.extend(literal_secrets(v, f"{path}[{i}]"))
    return found
