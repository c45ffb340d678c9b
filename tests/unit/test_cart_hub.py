"""The push hub sends a cart's screens its newest state and never an older one; the
verification alone (from the scale's readings) never holds back a whole cart state."""

from __future__ import annotations

from aisle.api.live import CartHub


def sent(hub: CartHub, *pushes: tuple[int, bool]) -> list[tuple[int, bool]]:
    queue = hub.subscribe("c1")
    for version, whole in pushes:
        hub.publish("c1", version, f"v{version}", whole=whole)
    out = []
    while not queue.empty():
        push = queue.get_nowait()
        out.append((push.version, push.whole))
    return out


def test_whole_states_go_out_newest_first_and_older_ones_are_dropped() -> None:
    assert sent(CartHub(), (3, True), (5, True), (4, True)) == [(3, True), (5, True)]


def test_a_verification_read_later_does_not_hold_back_an_earlier_events_state() -> None:
    # the scale's readings were read at version 7, which already held a scan whose own
    # answer (a whole state at 7) is published just after: both go out
    assert sent(CartHub(), (7, False), (7, True)) == [(7, False), (7, True)]
    assert sent(CartHub(), (7, False), (6, True)) == [(7, False), (6, True)]


def test_a_verification_older_than_what_was_sent_is_dropped() -> None:
    assert sent(CartHub(), (8, True), (8, False), (7, False)) == [(8, True)]
    assert sent(CartHub(), (9, False), (8, False)) == [(9, False)]


def test_nobody_listening_means_nothing_kept() -> None:
    hub = CartHub()
    hub.publish("c1", 3, "v3")
    assert not hub.listening("c1")
    assert sent(hub, (2, True)) == [(2, True)]
