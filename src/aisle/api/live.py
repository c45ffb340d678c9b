"""Push: the cart screen's WebSocket, fed after every accepted event.

The hub lives in the server process. Each message carries the cart's stream version, and a
subscriber never receives an older state after a newer one, even when two events of one cart
finish on different threads out of order.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

__all__ = ["CartHub", "Push"]


class CartHub:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Push]]] = defaultdict(set)
        self._last_full: dict[str, int] = {}  # the newest whole cart state sent
        self._last_any: dict[str, int] = {}  # the newest message of either kind

    def subscribe(self, cart_id: str) -> asyncio.Queue[Push]:
        queue: asyncio.Queue[Push] = asyncio.Queue(maxsize=64)
        self._subscribers[cart_id].add(queue)
        return queue

    def unsubscribe(self, cart_id: str, queue: asyncio.Queue[Push]) -> None:
        subscribers = self._subscribers.get(cart_id)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self._subscribers[cart_id]
                self._last_full.pop(cart_id, None)
                self._last_any.pop(cart_id, None)

    def listening(self, cart_id: str) -> bool:
        """Whether any screen of the cart is connected (safe to ask from any thread)."""
        return bool(self._subscribers.get(cart_id))

    def publish(self, cart_id: str, version: int, text: str, *, whole: bool = True) -> None:
        """Send a message (JSON text) to every screen of the cart, unless it is older.

        A whole cart state is older only than another whole one: a part (the verification
        alone, from the scale's readings) read at a later version must not keep the lines
        and totals of an earlier event from the screens. A part is older than anything sent
        at its version or later."""
        subscribers = self._subscribers.get(cart_id)
        if not subscribers:
            return
        if version <= self._last_full.get(cart_id, 0):
            return
        if not whole and version <= self._last_any.get(cart_id, 0):
            return
        if whole:
            self._last_full[cart_id] = version
        self._last_any[cart_id] = max(version, self._last_any.get(cart_id, 0))
        for queue in subscribers:
            if queue.full():  # a stalled screen gets the newest state, not a backlog
                queue.get_nowait()
            queue.put_nowait(Push(version, whole, text))


@dataclass(frozen=True, slots=True)
class Push:
    version: int
    whole: bool  # a whole cart state; else a part of one (the verification)
    text: str
