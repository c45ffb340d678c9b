"""Push: the cart screen's WebSocket, fed after every accepted event.

The hub lives in the server process. Each message carries the cart's stream version, and a
subscriber never receives an older state after a newer one, even when two events of one cart
finish on different threads out of order.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

__all__ = ["CartHub"]


class CartHub:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[tuple[int, str]]]] = defaultdict(set)
        self._last_version: dict[str, int] = {}

    def subscribe(self, cart_id: str) -> asyncio.Queue[tuple[int, str]]:
        queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue(maxsize=64)
        self._subscribers[cart_id].add(queue)
        return queue

    def unsubscribe(self, cart_id: str, queue: asyncio.Queue[tuple[int, str]]) -> None:
        subscribers = self._subscribers.get(cart_id)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[cart_id]
                self._last_version.pop(cart_id, None)

    def listening(self, cart_id: str) -> bool:
        """Whether any screen of the cart is connected (safe to ask from any thread)."""
        return bool(self._subscribers.get(cart_id))

    def publish(self, cart_id: str, version: int, text: str) -> None:
        """Send a message (JSON text) to every screen of the cart, unless it is older."""
        subscribers = self._subscribers.get(cart_id)
        if not subscribers:
            return
        if version <= self._last_version.get(cart_id, 0):
            return
        self._last_version[cart_id] = version
        for queue in subscribers:
            if queue.full():  # a stalled screen gets the newest state, not a backlog
                queue.get_nowait()
            queue.put_nowait((version, text))
