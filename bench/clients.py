"""Concurrent clients for the benchmarks: the same timing for the API run and the raw run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


def timed(workers: list[Callable[[], None]]) -> float:
    """Run each worker on its own thread, all at once; seconds until the last one finishes."""
    threads = [threading.Thread(target=w) for w in workers]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start
