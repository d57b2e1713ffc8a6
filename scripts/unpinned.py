"""Print the installed distributions that requirements/constraints.txt does not pin.

scripts/setup.sh warns with this list: a dependency added to pyproject.toml without
`bash scripts/update-pins.sh` is installed at whatever version is newest that day.
"""

from __future__ import annotations

import importlib.metadata
import re
import sys

IGNORED = {"pip", "setuptools", "wheel", "tui-ft"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main(constraints: str) -> int:
    with open(constraints, encoding="utf-8") as fh:
        pinned = {norm(re.split(r"[=<>!~;\[ ]", line.strip())[0]) for line in fh if line.strip()}
    installed = {norm(d.metadata["Name"]) for d in importlib.metadata.distributions()}
    loose = sorted(installed - pinned - IGNORED)
    if loose:
        print(" ".join(loose))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements/constraints.txt"))
