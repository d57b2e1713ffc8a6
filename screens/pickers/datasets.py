"""Dataset picker: the entries registered in a dataset_dir's dataset_info.json, with their
health, several at once (LLaMA-Factory's `dataset: a,b`)."""

from __future__ import annotations

from screens.pickers.base import Row
from screens.pickers.multi import MultiPicker
from tui_ft.host.base import Host


class DatasetPicker(MultiPicker):
    """Returns the chosen entry names, in the order they were picked."""

    TITLE = "Datasets · registered in dataset_info.json"
    HEADER = f"    {'health':<14} name (file)"
    EMPTY = "no dataset registered here (register one on Datasets, key 2)"

    def __init__(self, host: Host, dataset_dir: str, current: list[str] | None = None) -> None:
        super().__init__(current)
        self.host, self.dataset_dir = host, dataset_dir

    def rows(self) -> list[Row]:
        from tui_ft.datasets.info import list_registered

        rows = []
        for reg in list_registered(self.host, self.dataset_dir):
            fname = reg.file_name or "(hub)"
            health = "ok" if reg.healthy else f"✗ {reg.health}"
            label = f"{health[:14]:<14} {reg.name}  ({fname})"
            rows.append(Row(label, reg.name, f"{reg.name} {fname}"))
        return rows
