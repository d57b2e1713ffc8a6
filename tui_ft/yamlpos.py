"""Where a YAML parse error is, for messages that name file:line:column."""

from __future__ import annotations


def yaml_where(exc: Exception) -> str:
    """`:LINE:COLUMN` (1-based) of a yaml.YAMLError, or "" when it carries no position."""
    mark = getattr(exc, "problem_mark", None)
    return f":{mark.line + 1}:{mark.column + 1}" if mark else ""
