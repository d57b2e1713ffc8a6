"""Search a run's console log (running_log.txt) whole, on its host, line by line.

The monitor shows the log's last lines; its filter must find a match anywhere in the run.
`grep` reads the file where it lives, so nothing is loaded whole and, over SSH, only the
matching lines cross the link.
"""

from __future__ import annotations

from collections import deque

from tui_ft.host.base import Host

# 0: matches, 1: none (not an error here), 2: a missing or unreadable file.
_GREP = 'grep -a -i -F -e "$1" -- "$2"; code=$?; [ "$code" -le 1 ] || exit "$code"'


def search_log(host: Host, path: str, needle: str, limit: int = 2000) -> list[str]:
    """The lines of the log at `path` that contain `needle` (case-insensitive, as typed:
    no pattern syntax), the last `limit` of them. Raises HostError when the file cannot
    be read."""
    if not needle:
        raise ValueError("search_log needs a non-empty needle")
    found: deque[str] = deque(maxlen=limit)  # memory bounded however many lines match
    found.extend(host.stream(["sh", "-c", _GREP, "sh", needle, path]))
    return list(found)
