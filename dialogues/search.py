"""Full-text search of the dialogues: how a post's search vector and a query are built.

Configuration: PostgreSQL's built-in "simple" text search configuration, for every post. The
dialogue is multilingual (English, French, German, and the other languages of the members),
posts carry no reliable language, and a language-specific configuration applied to the wrong
language mangles words (the English stemmer cuts "Förderung" or "compétitivité" into
nonsense). "simple" only lower-cases, so words are found as written, accents included.

Accents: without the unaccent extension (not available on the embedded database), the vector
also holds an accent-free copy of every word that has accents ("Förderung" → "forderung"), and
a query is searched both as typed and without accents. So "économie", "Économie" and
"economie" all find "économie". Nothing else is required of the database: tsvector, GIN and
ts_rank/ts_headline are core PostgreSQL.

The vector of a post is its body (weight B); the opening post (number 1) also carries the
thread's title (weight A), so one indexed search over posts finds titles and bodies, and
title matches rank first. The services write it whenever a post or a title changes.
"""

import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import TextField, Value

SEARCH_CONFIG = "simple"
QUERY_MAX_LENGTH = 200
PREFIX_MIN_LENGTH = 4
_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Letters and digits only: safe to pass to to_tsquery as prefix terms.
_PREFIX_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Web-search syntax the prefix variant would not honour.
_SYNTAX_RE = re.compile(r'"|(^|\s)-|\bor\b', re.IGNORECASE)


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _with_folded_words(text: str) -> str:
    folded = {fold_accents(word) for word in _WORD_RE.findall(text)} - set(_WORD_RE.findall(text))
    return f"{text}\n{' '.join(sorted(folded))}" if folded else text


def search_vector_expression(*, title: str, text: str):
    """The SQL expression of a post's search vector (title: "" except for opening posts)."""
    vector = SearchVector(
        Value(_with_folded_words(text), output_field=TextField()),
        weight="B",
        config=SEARCH_CONFIG,
    )
    if title:
        vector = (
            SearchVector(
                Value(_with_folded_words(title), output_field=TextField()),
                weight="A",
                config=SEARCH_CONFIG,
            )
            + vector
        )
    return vector


def search_query(text: str) -> SearchQuery | None:
    """What the person typed (web-search syntax: "quoted phrases", -excluded, or), as typed
    and without accents; None when there is nothing to search for.

    "simple" does not stem, so a plain query (no phrase, exclusion or "or") also matches words
    that start with each longer search word: "roadmap" finds "roadmaps", "cluster" finds
    "clusters"."""
    text = " ".join(text.split())[:QUERY_MAX_LENGTH]
    words = _PREFIX_WORD_RE.findall(text.lower())
    if not words:
        return None
    query = None
    for variant in dict.fromkeys([text, fold_accents(text)]):
        alternative = SearchQuery(variant, search_type="websearch", config=SEARCH_CONFIG)
        query = alternative if query is None else query | alternative
    if not _SYNTAX_RE.search(text):
        for variant in dict.fromkeys([" ".join(words), fold_accents(" ".join(words))]):
            raw = " & ".join(
                f"{word}:*" if len(word) >= PREFIX_MIN_LENGTH else word for word in variant.split()
            )
            query |= SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)
    return query
