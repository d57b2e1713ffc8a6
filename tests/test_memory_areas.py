"""Memory across area switches: no footer key outlives its footer's recompose (Textual's
Footer kept every one, ~17 a switch, 0.45 MB; screens/widgets/footer.py drops them through
a private name this test guards). RSS still grows under pytest (issue 30: < 5 MB is the
goal, not met yet); the growth is in the failure message."""

from __future__ import annotations

import gc
from pathlib import Path

import psutil
from textual.widgets._footer import FooterKey

from tests.apps import local_app

AREA_KEYS = "1234567"


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 1e6


async def test_200_area_switches_keep_no_footer_keys(demo_copy: Path):
    app = local_app(demo_copy, "env")
    async with app.run_test(size=(120, 40)) as pilot:

        async def switches(count: int) -> None:
            for i in range(count):
                await pilot.press(AREA_KEYS[i % len(AREA_KEYS)])
                await pilot.pause()

        await switches(6 * len(AREA_KEYS))  # every area built once, caches warm
        await app.workers.wait_for_complete()
        before = rss_mb()
        await switches(200)
        await app.workers.wait_for_complete()
        await pilot.pause()
        grown = rss_mb() - before
        gc.collect()
        detached = [o for o in gc.get_objects() if isinstance(o, FooterKey) and not o.is_attached]
        # Bounded: the keys of recomposes still in flight; the leak left ~17 per switch.
        assert len(detached) < 200, f"{len(detached)} footer keys kept (RSS +{grown:.1f} MB)"
