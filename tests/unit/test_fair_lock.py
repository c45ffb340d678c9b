"""SQLite writers of one process queue first come, first served."""

from __future__ import annotations

import threading
import time

from aisle.adapters.db.engine import FairLock


def test_waiters_get_the_lock_in_the_order_they_asked() -> None:
    lock = FairLock()
    lock.acquire()
    order: list[int] = []

    def waiter(n: int) -> None:
        lock.acquire()
        order.append(n)
        lock.release()

    threads = []
    for n in range(5):
        thread = threading.Thread(target=waiter, args=(n,))
        thread.start()
        threads.append(thread)
        while len(lock._waiters) < n + 1:  # wait until this one is queued
            time.sleep(0.001)
    lock.release()
    for thread in threads:
        thread.join(timeout=5)
    assert order == [0, 1, 2, 3, 4]


def test_a_free_lock_is_taken_at_once_and_can_be_taken_again() -> None:
    lock = FairLock()
    for _ in range(3):
        lock.acquire()
        lock.release()
    assert not lock._held
