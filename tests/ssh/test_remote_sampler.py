"""CPU/RAM/GPU readings of the box, streamed by one tiny shell loop over SSH."""

from __future__ import annotations

import itertools

from tui_ft.remote.sampler import parse_gpu, stream_samples


def test_nvidia_smi_csv_is_parsed():
    g = parse_gpu("0, NVIDIA H100 80GB HBM3, GPU-abc, 81559, 1024, 37, 45, 120.50, 700.00")
    assert (g.index, g.name, g.memory_total, g.memory_used) == (
        0,
        "NVIDIA H100 80GB HBM3",
        81559 * 1024 * 1024,
        1024 * 1024 * 1024,
    )
    assert (g.utilization, g.temperature, g.power) == (37, 45, 120.5)
    assert parse_gpu("0, GPU, id, 100, 1, [N/A], [N/A], [N/A], [N/A]").utilization is None
    assert parse_gpu("No devices were found") is None


def test_samples_stream_from_the_box(ssh_host):
    it = stream_samples(ssh_host, interval=0.2)
    samples = list(itertools.islice(it, 3))
    it.close()
    assert all(s.ram_total > s.ram_used > 0 for s in samples)
    assert all(0.0 <= s.cpu_percent <= 100.0 for s in samples)
    assert samples[2].t - samples[0].t < 2.0  # one stream, no command start-up per sample
