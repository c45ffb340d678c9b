"""Product search: typo-tolerant, prefix-friendly, accent-insensitive, best match first.

A query is folded the way each product's ``search_text`` is (lower case, no accents) and cut
into words: runs of letters and digits. Finding takes two steps.

1. **Candidates**, from the database, in stages that loosen only while fewer good ones than
   asked for are found:

   - *as typed*: every word starts a word of the product ("čoko" finds "ČOKOLADA");
   - *corrected*: a word that starts none of the catalog's words stands for the catalog's
     words closest to it ("mljeko" for "mlijeko", "craem" for "cream", "milch" for
     "vollmilch"), the closest first;
   - *all words but one*, for a query of several words that found nothing so far.

   Corrections come from the catalog's vocabulary (every distinct word of its search texts):
   the words that share most trigrams with the one typed, and those one typo away, found by
   the one-letter deletions they share with it (SymSpell); step 2's measure picks the closest.
   Products are found by their words: an FTS5 word index on SQLite, full-text search with
   the ``simple`` configuration on PostgreSQL (migration 0006). The database keeps the few
   with the shortest names of each stage: fewer other words, closer to what was asked (bm25
   would favour the long texts that repeat a word, and costs more).
2. **Ranking**, in Python, the same on both backends: each query word scores its best match
   among the product's words (the same word 1, a prefix 0.9, inside a word 0.75, one typo
   away 1 - 1/length, else the Dice coefficient of their trigrams; a tenth less in the brand
   or category than in the name); the product scores the mean, plus a little when its name
   starts with the first query word. Weak matches are dropped; ties go to the shorter name.

A query of digits alone is a code: the product with that GTIN (any length form) or PLU comes
first, then products with a code that starts with it. A query with no letter or digit at all
("%") is looked for as text, its wildcards taken literally.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text

from aisle.adapters.db import tables as t

__all__ = [
    "Candidate",
    "add_words",
    "find_products",
    "fold",
    "products_written",
    "score",
    "vocabulary",
    "words_of",
]

MAX_WORDS = 8
MAX_WORD = 32  # longer "words" are run-together text, not worth correcting to
CANDIDATES = 60  # per batch, ranked in Python: enough for the right one, few enough to be fast
MIN_SCORE = 0.5  # below this a product shares too little with the query to be shown
FIRST_WORD_BONUS = 0.05
OTHER_FIELDS = 0.9  # a word found in the brand or category, not the name, counts this much
CLOSE_WORDS = 6  # corrections tried per word, the closest first
CLOSE_ENOUGH = 0.45  # a word less similar than this is no correction
SHARING_TRIGRAMS = 30  # words looked at for corrections by shared trigrams
BULK = 1_000  # products written at once, after which PostgreSQL's statistics are refreshed

_WORD = re.compile(r"[^\W_]+")  # as FTS5's unicode61 tokenizer cuts text
_DIGITS = re.compile(r"[0-9]+")

# PostgreSQL's words of a product, as ``words_of`` cuts them; migration 0006 indexes exactly
# this expression, so a change to it needs a migration.
PG_WORDS = "to_tsvector('simple', regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g'))"

Groups = list[list[str]]  # every group must match: one of its words starts a product's word


class Stage(Enum):
    AS_TYPED = "as typed"
    CORRECTED = "corrected"
    ALL_BUT_ONE = "all words but one"


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    gtin: str
    name: str
    text: str  # the product's folded search text


def fold(text: str) -> str:
    """Lower case without accents, so 'Mlijeko' and 'mlijeko' and 'Čaj' and 'caj' meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(folded: str) -> list[str]:
    return _WORD.findall(folded)


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The words of folded search texts that a query word may be corrected to."""
    return {
        word
        for folded in texts
        for word in words_of(folded)
        if 3 <= len(word) <= MAX_WORD and not word.isdigit()
    }


_ADD_WORD = text("INSERT INTO search_words (word) VALUES (:word) ON CONFLICT DO NOTHING")


def add_words(conn: Connection, texts: Iterable[str]) -> None:
    """Add the words of products' search texts to the vocabulary (triggers index them)."""
    words = sorted(vocabulary(texts))
    if words:
        conn.execute(_ADD_WORD, [{"word": w} for w in words])


def products_written(conn: Connection, texts: Sequence[str]) -> None:
    """Keep search up to date after products were added or changed (their search texts)."""
    add_words(conn, texts)
    if len(texts) >= BULK and conn.dialect.name == "postgresql":
        # Until the planner has statistics for the new rows, it reads every product for each
        # search (some 40 ms a search for a store's catalog) rather than the full-text
        # index, for as long as autovacuum takes to analyze them.
        conn.execute(text("ANALYZE products"))


def find_products(conn: Connection, query: str, *, limit: int) -> list[str]:
    """The GTINs of the products that best match a folded query, best first."""
    query = query.strip()
    if not query or limit < 1:
        return []
    backend: _Backend = _Sqlite(conn) if conn.dialect.name == "sqlite" else _Postgres(conn)
    if _DIGITS.fullmatch(query):
        return _find_code(conn, backend, query, limit)
    words = words_of(query)[:MAX_WORDS]
    if not words:
        return _find_text(conn, query, limit)

    finder = _Finder(conn, backend, words)
    found: dict[str, tuple[float, int, str, str]] = {}  # gtin: its sort key
    for stage in Stage:
        if found and (stage is Stage.ALL_BUT_ONE or finder.all_known()):
            break  # once products are found, only a word the catalog does not know is fixed
        for batch in finder.candidates(stage):
            for c in batch:
                if c.gtin not in found and (s := score(words, c)) >= MIN_SCORE:
                    found[c.gtin] = (-s, len(c.name), c.name, c.gtin)
            if len(found) >= limit:
                break
        if len(found) >= limit:
            break
    return sorted(found, key=found.__getitem__)[:limit]


# -- ranking ------------------------------------------------------------------------------


def score(words: Sequence[str], candidate: Candidate) -> float:
    """How well a product matches the query's words: 1 when each is a word of its name, 0
    when none is anything like its words (see the module's docstring)."""
    in_name, elsewhere = _profile(candidate.name, candidate.text)
    total = 0.0
    for word in words:
        best = max((_similarity(word, token) for token in in_name), default=0.0)
        if best < 1 and elsewhere:
            best = max(best, OTHER_FIELDS * max(_similarity(word, token) for token in elsewhere))
        total += best
    result = total / len(words)
    if in_name and in_name[0].startswith(words[0]):
        result += FIRST_WORD_BONUS
    return result


# The caches hold tuples of strings, which the garbage collector stops tracking, not sets:
# a full collection would otherwise walk every cached word of the catalog.


@lru_cache(maxsize=20_000)
def _profile(name: str, folded: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of a product's name, and its other words (brand, category) but its codes (a
    query of digits alone is answered apart)."""
    in_name = tuple(dict.fromkeys(words_of(fold(name))))
    elsewhere = tuple(
        word
        for word in dict.fromkeys(words_of(folded))
        if word not in in_name and not (len(word) >= 8 and word.isdigit())
    )
    return in_name, elsewhere


def _similarity(word: str, token: str) -> float:
    if token == word:
        return 1.0
    if token.startswith(word):
        return 0.9
    if len(word) < 3:
        return 0.0
    if word in token:
        return 0.75
    ours, theirs = _query_trigrams(word), _trigrams(token)
    dice = 2 * sum(gram in ours for gram in theirs) / (len(ours) + len(theirs))
    if len(word) >= 4 and _one_typo(word, token):
        # Trigrams undervalue a swap or a wrong letter near the start ("craem", "cream").
        return max(dice, 1 - 1 / max(len(word), len(token)))
    return dice


@lru_cache(maxsize=50_000)
def _trigrams(word: str) -> tuple[str, ...]:
    """pg_trgm's trigrams of a word: two spaces before it, one after."""
    padded = f"  {word} "
    return tuple(dict.fromkeys(padded[i : i + 3] for i in range(len(padded) - 2)))


@lru_cache(maxsize=256)
def _query_trigrams(word: str) -> frozenset[str]:
    return frozenset(_trigrams(word))


def _one_typo(a: str, b: str) -> bool:
    """Whether one letter added, dropped or replaced, or two neighbours swapped, turn a
    into b."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1 :]
    if a[i + 1 :] == b[i + 1 :]:
        return True
    swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
    return swapped and a[i + 2 :] == b[i + 2 :]


# -- the stages ---------------------------------------------------------------------------


class _Finder:
    """One query's candidates, stage by stage; each word is corrected at most once."""

    def __init__(self, conn: Connection, backend: _Backend, words: Sequence[str]) -> None:
        self._conn = conn
        self._backend = backend
        # A single letter or digit ("k plus", "8/1") starts a third of the catalog's words:
        # the database is slow to filter by it and it tells little, so only the ranking
        # weighs it, unless the query has nothing else.
        self._words = [w for w in words if len(w) > 1] or list(words)
        self._close: dict[str, list[str]] = {}
        self._known_words: set[str] | None = None

    def candidates(self, stage: Stage) -> Iterator[list[Candidate]]:
        """Batches of candidates, the likelier first."""
        words, backend = self._words, self._backend
        if stage is Stage.AS_TYPED:
            # A single letter starts thousands of words: ranking all of them costs more than
            # it tells, so any will do.
            ranked = not (len(words) == 1 and len(words[0]) == 1)
            yield backend.products([[[w] for w in words]], ranked=ranked)
        elif len(words) == 1:
            if stage is Stage.CORRECTED:
                # One correction at a time, the closest first, so that the products of a common
                # correction do not crowd out those of a closer one.
                for other in self._close_words(words[0]):
                    yield backend.products([[[other]]])
        else:
            known = self._known()
            groups = [[w] if w in known else self._close_words(w) for w in words]
            if stage is Stage.CORRECTED:
                if all(groups) and any(g != [w] for g, w in zip(groups, words, strict=True)):
                    yield backend.products([groups])
            elif not all(groups):  # leave out what is nothing like the catalog's words
                if kept := [g for g in groups if g]:
                    yield backend.products([kept])
            else:
                yield backend.products([groups[:i] + groups[i + 1 :] for i in range(len(groups))])

    def all_known(self) -> bool:
        return len(self._known()) == len(set(self._words))

    def _known(self) -> set[str]:
        """Those of the words that some word of the catalog starts with; short words and
        numbers count as known: they are never corrected."""
        if self._known_words is None:
            self._known_words = self._look_up(self._words)
        return self._known_words

    def _look_up(self, words: Sequence[str]) -> set[str]:
        known = {w for w in words if len(w) < 3 or w.isdigit()}
        asked = sorted(set(words) - known)
        if asked:
            # One statement for all: each word's range of the vocabulary's unique index.
            parts: list[str] = []
            parameters: dict[str, str] = {}
            for i, word in enumerate(asked):
                parts.append(
                    f"SELECT :w{i} AS word WHERE EXISTS (SELECT 1 FROM search_words "
                    f"WHERE word >= :w{i} AND word < :a{i})"
                )
                parameters |= {f"w{i}": word, f"a{i}": word[:-1] + chr(ord(word[-1]) + 1)}
            known.update(self._conn.execute(text(" UNION ALL ".join(parts)), parameters).scalars())
        return known

    def _close_words(self, word: str) -> list[str]:
        """The vocabulary's words closest to this one, the closest first, leaving out those
        that start with it (found as typed)."""
        if len(word) < 3:
            return []
        if word not in self._close:
            found = set(self._backend.words_like(word))
            close = sorted(
                (-similarity, other)
                for other in found
                if not other.startswith(word)
                and (similarity := _similarity(word, other)) >= CLOSE_ENOUGH
            )
            self._close[word] = [other for _, other in close[:CLOSE_WORDS]]
        return self._close[word]


# -- codes and symbols --------------------------------------------------------------------


def _find_code(conn: Connection, backend: _Backend, digits: str, limit: int) -> list[str]:
    exact: list[str] = []
    if len(digits) <= 14:
        codes = t.product_codes
        owner = select(codes.c.product_gtin).where(codes.c.gtin == digits.zfill(14))
        exact.extend(conn.execute(owner).scalars())
    plu = select(t.products.c.gtin).where(t.products.c.plu == digits)
    exact.extend(conn.execute(plu).scalars())
    # Then the codes (and other numbers) that start with the digits, in code order: ranking
    # thousands of "385..." codes would say nothing about which one is meant.
    starting = backend.products([[[digits]]], ranked=False)
    return list(dict.fromkeys([*exact, *(c.gtin for c in starting)]))[:limit]


def _find_text(conn: Connection, query: str, limit: int) -> list[str]:
    p = t.products
    statement = (
        select(p.c.gtin)
        .where(p.c.search_text.contains(query, autoescape=True))
        .order_by(func.length(p.c.name), p.c.name, p.c.gtin)
        .limit(limit)
    )
    return list(conn.execute(statement).scalars())


# -- backends -----------------------------------------------------------------------------


class _Backend:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def products(self, alternatives: Sequence[Groups], *, ranked: bool = True) -> list[Candidate]:
        """Products that match all groups of one of the alternatives, the likeliest first
        (or in code order), at most ``CANDIDATES``."""
        raise NotImplementedError

    def words_like(self, word: str) -> Iterable[str]:
        """The vocabulary's words with the most trigrams in common with this one and, for a
        word of four letters or more, those one typo away from it."""
        raise NotImplementedError

    def _run(self, statement: Any, parameters: dict[str, Any] | None = None) -> list[Candidate]:
        rows = self._conn.execute(statement, parameters or {})
        return [Candidate(gtin=r.gtin, name=r.name, text=r.search_text) for r in rows]


def _variants(word: str) -> list[str]:
    """A word and its one-letter deletions: a word one typo away from it has one of these
    among its own (SymSpell)."""
    return sorted({word, *(word[:i] + word[i + 1 :] for i in range(len(word)))})


_SHARING_VARIANTS_SQL = (
    "SELECT w.word FROM search_word_deletes AS d JOIN search_words AS w ON w.id = d.word_id "
    "WHERE d.variant IN :variants"
)


class _Sqlite(_Backend):
    """``product_words``: an FTS5 word index of products, rowid = GTIN; ``search_words_index``:
    an FTS5 trigram index of the vocabulary's words, each as ``' ' + word + ' '``."""

    _RANKED = text(
        "SELECT p.gtin, p.name, p.search_text FROM product_words "
        "JOIN products AS p ON p.gtin = printf('%014d', product_words.rowid) "
        "WHERE product_words MATCH :match ORDER BY length(p.name), p.gtin LIMIT :limit"
    )
    _IN_CODE_ORDER = text(
        "SELECT p.gtin, p.name, p.search_text FROM "
        "(SELECT rowid AS id FROM product_words WHERE product_words MATCH :match "
        "LIMIT :limit) AS hits "
        "JOIN products AS p ON p.gtin = printf('%014d', hits.id) ORDER BY p.gtin"
    )
    _SHARING_TRIGRAMS = text(
        "SELECT w.word FROM "
        "(SELECT rowid AS id, rank FROM search_words_index WHERE search_words_index MATCH :match "
        "ORDER BY rank LIMIT :limit) AS hits "
        "JOIN search_words AS w ON w.id = hits.id"
    )
    _SHARING_VARIANTS = text(_SHARING_VARIANTS_SQL).bindparams(
        bindparam("variants", expanding=True)
    )

    def products(self, alternatives: Sequence[Groups], *, ranked: bool = True) -> list[Candidate]:
        match = _any_of(
            [
                _all_of([_any_of([_phrase(w) + "*" for w in group]) for group in groups])
                for groups in alternatives
            ]
        )
        statement = self._RANKED if ranked else self._IN_CODE_ORDER
        return self._run(statement, {"match": match, "limit": CANDIDATES})

    def words_like(self, word: str) -> Iterable[str]:
        # The trigrams of " word ", not "  w": alone, a first letter narrows little.
        padded = f" {word} "
        grams = dict.fromkeys(padded[i : i + 3] for i in range(len(word)))
        match = _any_of([_phrase(g) for g in grams])
        parameters = {"match": match, "limit": SHARING_TRIGRAMS}
        found = list(self._conn.execute(self._SHARING_TRIGRAMS, parameters).scalars())
        if len(word) >= 4:
            variants = {"variants": _variants(word)}
            found.extend(self._conn.execute(self._SHARING_VARIANTS, variants).scalars())
        return found


def _phrase(fragment: str) -> str:
    return '"' + fragment.replace('"', '""') + '"'


def _all_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _any_of(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


class _Postgres(_Backend):
    """Full-text search over products' words (a GIN index on ``PG_WORDS``) and pg_trgm's
    ``<->`` trigram distance over the vocabulary (a GiST index)."""

    _MATCHING = (
        "SELECT gtin, name, search_text FROM products "
        f"WHERE {PG_WORDS} @@ to_tsquery('simple', :query)"
    )
    _RANKED = text(f"{_MATCHING} ORDER BY length(name), gtin LIMIT :limit")
    _IN_CODE_ORDER = text(f"{_MATCHING} ORDER BY gtin LIMIT :limit")
    # "%": at least pg_trgm's similarity threshold (0.3, about 0.46 by the Dice measure used
    # here), which lets the index leave out most words before ordering by distance.
    _SHARING_TRIGRAMS = (
        "SELECT word FROM search_words WHERE word % :word ORDER BY word <-> :word LIMIT :limit"
    )
    _WORDS_LIKE = text(f"({_SHARING_TRIGRAMS})")
    _WORDS_LIKE_OR_ONE_TYPO_AWAY = text(
        f"({_SHARING_TRIGRAMS}) UNION {_SHARING_VARIANTS_SQL}"  # one round trip, not two
    ).bindparams(bindparam("variants", expanding=True))

    def products(self, alternatives: Sequence[Groups], *, ranked: bool = True) -> list[Candidate]:
        # Words are letters and digits only: nothing in them is special to a tsquery.
        query = " | ".join(
            "("
            + " & ".join("(" + " | ".join(f"{w}:*" for w in group) + ")" for group in groups)
            + ")"
            for groups in alternatives
        )
        statement = self._RANKED if ranked else self._IN_CODE_ORDER
        return self._run(statement, {"query": query, "limit": CANDIDATES})

    def words_like(self, word: str) -> Iterable[str]:
        parameters: dict[str, Any] = {"word": word, "limit": SHARING_TRIGRAMS}
        if len(word) < 4:
            return self._conn.execute(self._WORDS_LIKE, parameters).scalars()
        parameters["variants"] = _variants(word)
        return self._conn.execute(self._WORDS_LIKE_OR_ONE_TYPO_AWAY, parameters).scalars()
