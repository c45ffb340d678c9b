"""A shopper's list: what they meant to buy, typed or pasted, matched to products, ticked off.

A list is written the way people write lists: ``"2 milk, eggs, bananas, gluten free bread"``,
one entry per comma, semicolon or line, with an optional count in front (``2 milk``, ``2x milk``,
``milk x2``) and bullets or numbering ignored. Each entry is matched to products (the best
first); an entry with several plausible products asks the shopper to choose, one that matches
nothing says so and the rest of the list still works.

The catalog's search finds candidates generously (typos, prefixes, any field); a list entry is
stricter (:func:`rank_matches`): every word of the entry must be in the product's name, brand or
category (accents, case, a plural "s" and a typo in a longer word aside), and the products whose
name is *about* it come first: "milk" is fresh milk before milk chocolate, because in "Fresh
whole milk" milk is the head word (the last of the name's first part) and in "Milk chocolate
bar" it is not.

An entry is *done* once the cart holds as many units of its products as it asks for: the chosen
product when the shopper chose one, any of its matches otherwise ("milk" is any milk). A unit in
the cart counts towards one entry only, the first open one it fits, so "milk" and "2 milk" need
three.

>>> [(e.quantity, e.text) for e in parse_list("2 milk, eggs\\n- bananas; 3x yogurt")]
[(2, 'milk'), (1, 'eggs'), (1, 'bananas'), (3, 'yogurt')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from enum import StrEnum

from aisle.domain.errors import BadList

__all__ = [
    "MAX_ENTRIES",
    "EntryProgress",
    "EntryStatus",
    "ListEntry",
    "ListMatch",
    "WrittenEntry",
    "parse_list",
    "progress",
    "rank_matches",
]

MAX_ENTRIES = 60
_MAX_TEXT = 80
_MAX_QUANTITY = 99
_SPLIT = re.compile(r"[,;\n\r]+")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u25aa\u2013]+\s*|\d+[.)]\s+)")
_COUNT_TIMES = re.compile(
    r"^(?P<n>\d{1,3})\s*(?:x|\u00d7)(?=[\s\d])\s*(?P<text>.*[^\W\d_].*)$", re.I
)
_COUNT_FIRST = re.compile(r"^(?P<n>\d{1,3})\s+(?:pcs\s+|pieces\s+|of\s+)?(?P<text>\D.*)$", re.I)
_COUNT_LAST = re.compile(r"^(?P<text>.*\D)\s+(?:x|\u00d7)\s*(?P<n>\d{1,3})$", re.I)


@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenEntry:
    """One entry as the shopper wrote it: what (``text``) and how many."""

    text: str
    quantity: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ListMatch:
    """A product that matches an entry, as the catalog described it when the list was written:
    enough to show it and find it in the store without asking the catalog again."""

    gtin: str
    name: str
    aisle: str = ""
    shelf: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListEntry:
    """An entry of the cart's list with its matches, the best first (none: no match)."""

    entry_id: str
    text: str
    quantity: int
    candidates: tuple[ListMatch, ...]
    chosen: str | None = None  # a GTIN of one of the candidates

    @property
    def wanted(self) -> tuple[str, ...]:
        """The GTINs that tick this entry off."""
        if self.chosen is not None:
            return (self.chosen,)
        return tuple(match.gtin for match in self.candidates)

    @property
    def best(self) -> ListMatch | None:
        """The chosen product, else the best match."""
        return next(
            (m for m in self.candidates if m.gtin == self.chosen),
            self.candidates[0] if self.candidates else None,
        )

    @property
    def ambiguous(self) -> bool:
        """Several products match and the shopper hasn't chosen one."""
        return self.chosen is None and len(self.candidates) > 1

    def choose(self, gtin: str) -> ListEntry:
        gtins = [match.gtin for match in self.candidates]
        if gtin not in gtins:
            raise BadList(
                f"{gtin} is not one of the matches for {self.text!r}: "
                f"expected one of {', '.join(gtins) or 'none'}"
            )
        return replace(self, chosen=gtin)


class EntryStatus(StrEnum):
    OPEN = "open"  # still to find
    DONE = "done"  # in the cart
    UNMATCHED = "unmatched"  # nothing in the store matches it


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryProgress:
    entry: ListEntry
    got: int  # units in the cart that count towards it
    status: EntryStatus


def parse_list(text: str) -> list[WrittenEntry]:
    """The entries of a list as written; blank entries are skipped, an empty list is refused.

    >>> parse_list("milk x2")
    [WrittenEntry(text='milk', quantity=2)]
    >>> parse_list("1. bread\\n2. 6 eggs")
    [WrittenEntry(text='bread', quantity=1), WrittenEntry(text='eggs', quantity=6)]
    >>> parse_list(" , ")
    Traceback (most recent call last):
    ...
    aisle.domain.errors.BadList: The list ' , ' has no entries: write what you need, \
such as "2 milk, eggs, bananas"
    """
    entries: list[WrittenEntry] = []
    for raw in _SPLIT.split(text):
        part = " ".join(_BULLET.sub("", raw).split())
        if not part:
            continue
        quantity = 1
        if (times := _COUNT_TIMES.match(part)) is not None:
            quantity, part = int(times["n"]), times["text"].strip()
        elif (first := _COUNT_FIRST.match(part)) is not None:
            quantity, part = int(first["n"]), first["text"].strip()
        elif (last := _COUNT_LAST.match(part)) is not None:
            quantity, part = int(last["n"]), last["text"].strip()
        if len(part) > _MAX_TEXT:
            raise BadList(
                f"List entry {part[:30]!r}... is {len(part)} characters: "
                f"expected at most {_MAX_TEXT}"
            )
        if not 1 <= quantity <= _MAX_QUANTITY:
            raise BadList(f"List entry {raw.strip()!r}: expected a count from 1 to {_MAX_QUANTITY}")
        entries.append(WrittenEntry(text=part, quantity=quantity))
    if not entries:
        raise BadList(
            f"The list {text[:40]!r} has no entries: write what you need, "
            'such as "2 milk, eggs, bananas"'
        )
    if len(entries) > MAX_ENTRIES:
        raise BadList(f"The list has {len(entries)} entries: expected at most {MAX_ENTRIES}")
    return entries


def progress(entries: Sequence[ListEntry], in_cart: Mapping[str, int]) -> list[EntryProgress]:
    """Each entry with the units in the cart (``in_cart``: GTIN to units) that count towards it.

    >>> a, b = ListMatch(gtin="A", name="Milk"), ListMatch(gtin="B", name="Oat milk")
    >>> milk = ListEntry(entry_id="e1", text="milk", quantity=1, candidates=(a, b))
    >>> more = ListEntry(entry_id="e2", text="milk", quantity=2, candidates=(a,))
    >>> [(p.got, p.status.value) for p in progress([milk, more], {"A": 2})]
    [(1, 'done'), (1, 'open')]
    """
    left = dict(in_cart)
    out = []
    for entry in entries:
        if not entry.candidates:
            out.append(EntryProgress(entry=entry, got=0, status=EntryStatus.UNMATCHED))
            continue
        got = 0
        for gtin in entry.wanted:
            take = min(left.get(gtin, 0), entry.quantity - got)
            if take > 0:
                left[gtin] -= take
                got += take
        status = EntryStatus.DONE if got >= entry.quantity else EntryStatus.OPEN
        out.append(EntryProgress(entry=entry, got=got, status=status))
    return out


_WORD = re.compile(r"[a-z0-9]+")
_FILLER = frozenset({"a", "an", "the", "of", "some", "and", "for", "with", "pack", "packs"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem(word: str) -> str:
    """A word without its plural ending: "tomatoes" and "tomato", "eggs" and "egg" meet."""
    for ending in ("ies", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + ("y" if ending == "ies" else "")
    return word


def _alike(wanted: str, word: str) -> bool:
    a, b = _stem(wanted), _stem(word)
    if a == b or (len(a) >= 3 and b.startswith(a)):
        return True
    return len(a) >= 5 and SequenceMatcher(None, a, b).ratio() >= 0.8


def _head(name: str) -> str:
    """The word a name is about: the last word of its first part ("Barn eggs, tray": eggs)."""
    words = [w for w in _WORD.findall(_fold(name.split(",")[0])) if not w[0].isdigit()]
    return words[-1] if words else ""


def rank_matches(text: str, found: Sequence[tuple[str, str]]) -> list[int]:
    """Which of the search's results (``(name, other searchable text)``, best first) match the
    entry ``text``, as indices, the products it is about first.

    >>> rank_matches("milk", [("Milk chocolate bar", "Snacks"), ("Fresh whole milk", "Dairy"),
    ...                       ("Kefir", "Dairy")])
    [1, 0]
    >>> rank_matches("mljeko", [("Mlijeko 2,8% 1 l", "Dukat")])
    [0]
    >>> rank_matches("unicorn steak", [("Beef rump steak", "Meat")])
    []
    """
    wanted = [w for w in _WORD.findall(_fold(text)) if w not in _FILLER] or _WORD.findall(
        _fold(text)
    )
    scored = []
    for index, (name, other) in enumerate(found):
        words = _WORD.findall(_fold(f"{name} {other}"))
        if not all(any(_alike(w, word) for word in words) for w in wanted):
            continue
        head = _head(name)
        about = bool(head) and any(_alike(w, head) for w in wanted)
        scored.append((not about, index))
    return [index for _, index in sorted(scored)]
