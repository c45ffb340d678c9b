"""Shopping lists: a typed or saved list matched to the catalog's products, entry by entry.

Each entry is searched in the catalog the way the cart's finder searches (typo-tolerant,
accent-insensitive, best match first); of the results on sale, those that match the entry word
for word (:func:`~aisle.domain.shopping_list.rank_matches`), the ones it is about first, are its
matches.
An entry that matches nothing stays on the list, marked, so the rest still works.
"""

from __future__ import annotations

from datetime import datetime

from aisle.domain.shopping_list import ListEntry, ListMatch, parse_list, rank_matches
from aisle.services.ports import UnitOfWork

__all__ = ["MATCHES_PER_ENTRY", "match_list"]

MATCHES_PER_ENTRY = 5
SEARCHED = 30  # search results an entry's matches are chosen from


def match_list(uow: UnitOfWork, text: str, at: datetime) -> tuple[ListEntry, ...]:
    """The list's entries, each with the products that match it, best first."""
    entries = []
    for number, written in enumerate(parse_list(text), start=1):
        found = [
            p for p in uow.catalog.search(written.text, at, limit=SEARCHED) if p.price is not None
        ]
        ranked = rank_matches(written.text, [(p.name, f"{p.brand} {p.category}") for p in found])
        matches = [
            ListMatch(gtin=p.gtin, name=p.name, aisle=p.aisle, shelf=p.shelf)
            for p in (found[i] for i in ranked)
        ]
        entries.append(
            ListEntry(
                entry_id=f"e{number}",
                text=written.text,
                quantity=written.quantity,
                candidates=tuple(matches[:MATCHES_PER_ENTRY]),
            )
        )
    return tuple(entries)
