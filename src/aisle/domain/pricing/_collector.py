"""The cyclic garbage collector held off while a basket is priced.

The optimiser allocates hundreds of thousands of small tuples on a slow scan (the programme's
states, a frontier's points, the join's partial solutions) and makes no reference cycles: what
it drops, reference counting frees at once. Yet every 700 tuples allocated and not yet freed
start a pass of the collector over the young objects, every tenth of those a pass over the
older ones, and now and then one over everything the process holds, the optimiser's remembered
solutions included. None of them can free anything here, so they are pure cost:
on the pricing benchmark's 4,000 scans, about a tenth of the engine's time, and more at the
99th percentile, where a long pass lands on a slow scan (``benchmarks/pricing.py``; the closing
notes of issue 3 have the figures). With the collector held off, what the optimiser leaves
behind is looked at once, by the first pass after.

The collector is process-wide, so the pause is counted: with several threads pricing at once,
it resumes when the last of them is done, and only if it was running when the first began (an
application that turned it off keeps it off).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_LOCK = threading.Lock()
_pausing = 0  # the pauses under way
_resume = False  # whether the collector ran when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the cyclic collector off for the ``with`` block (see the module's account)."""
    global _pausing, _resume
    with _LOCK:
        if _pausing == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pausing += 1
    try:
        yield
    finally:
        with _LOCK:
            _pausing -= 1
            if _pausing == 0 and _resume:
                gc.enable()
