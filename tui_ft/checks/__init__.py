"""Environment checks: each ok / warn / fail with a one-line reason and the fix."""

from tui_ft.checks.base import FAIL, OK, WARN, CheckResult, counts, worst
from tui_ft.checks.runner import run_checks

__all__ = ["FAIL", "OK", "WARN", "CheckResult", "counts", "run_checks", "worst"]
