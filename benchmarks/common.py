"""Helpers shared by the database benchmarks."""

import statistics


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(samples_s: list[float]) -> tuple[float, float]:
    ms = [s * 1000 for s in samples_s]
    return round(statistics.median(ms), 2), round(percentile(ms, 95), 2)
