"""Running a test's coroutine to its end, whatever already runs on the test's thread."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: once the browser tests' session fixture has started
    Playwright's sync API, an event loop runs on the main thread until the session ends, and
    asyncio.run refuses to start there."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
