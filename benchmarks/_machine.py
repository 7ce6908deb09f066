"""What the machine allows: the speed-up of 2 processes over 1 on pure-Python work.

Shared by the benchmarks, which print it beside their own 2-process figures.
"""

from __future__ import annotations

import multiprocessing
import time


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def machine_ceiling(rounds: int = 3) -> float:
    """Best speed-up of 2 processes over 1 on a pure-Python loop, over *rounds*."""
    work = [2_000_000] * 8
    best_one = best_two = float("inf")
    with multiprocessing.Pool(2) as pool:
        for _ in range(rounds):
            start = time.perf_counter()
            for n in work:
                _spin(n)
            best_one = min(best_one, time.perf_counter() - start)
            start = time.perf_counter()
            pool.map(_spin, work)
            best_two = min(best_two, time.perf_counter() - start)
    return best_one / best_two
