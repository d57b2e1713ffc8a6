"""A loss plot (plotext through textual-plotext): training loss, eval loss, smoothing.

Several named curves can share it (the Runs screen compares runs). It keeps only the
(downsampled) points it is given, so a long run costs no more than a short one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual_plotext import PlotextPlot


@dataclass(frozen=True)
class Curve:
    label: str
    steps: Sequence[int]
    values: Sequence[float]
    marker: str = "braille"


def smooth(values: Sequence[float], weight: float) -> list[float]:
    """TensorBoard-style exponential moving average (weight 0 = raw)."""
    if weight <= 0 or not values:
        return list(values)
    out, last = [], values[0]
    for v in values:
        last = last * weight + (1 - weight) * v if v == v else last  # NaN keeps the line
        out.append(last)
    return out


class LossPlot(PlotextPlot):
    DEFAULT_CSS = """
    LossPlot { height: 1fr; min-height: 10; }
    """

    def __init__(self, title: str = "loss", **kwargs) -> None:
        super().__init__(**kwargs)
        self._title = title
        self._curves: list[Curve] = []
        self.smoothing = 0.0

    def on_mount(self) -> None:
        self.plt.title(self._title)
        self.plt.xlabel("step")

    def set_curves(self, curves: list[Curve], smoothing: float | None = None) -> None:
        self._curves = curves
        if smoothing is not None:
            self.smoothing = smoothing
        self.replot()

    def replot(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.title(self._title)
        for curve in self._curves:
            if not curve.steps:
                continue
            values = curve.values
            if self.smoothing and not curve.label.startswith("eval"):
                values = smooth(values, self.smoothing)
            plt.plot(list(curve.steps), list(values), label=curve.label, marker=curve.marker)
        self.refresh()
