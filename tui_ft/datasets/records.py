"""A record read from a dataset file, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DataError(ValueError):
    """A dataset file that cannot be read, naming the file and the position."""

    def __init__(
        self, message: str, path: str = "", line: int | None = None, col: int | None = None
    ):
        self.path, self.line, self.col = path, line, col
        where = path + (f":{line}" if line is not None else "") + (f":{col}" if col else "")
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message


@dataclass(slots=True)
class Record:
    index: int
    """Position in the whole dataset (0-based), across the files of a folder."""
    data: Any
    path: str
    line: int | None = None
    """1-based line where the record starts (JSON, JSON Lines, CSV); None for Parquet."""

    def where(self) -> str:
        line = f":{self.line}" if self.line is not None else ""
        return f"{self.path}{line} record {self.index}"
