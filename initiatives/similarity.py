"""How overlap between initiatives (and members' cluster programmes) is judged: the words,
queries, search vectors and SQL expressions that initiatives.selectors.initiative_similar and
initiative_partner_suggestions use.

Text. The alliance writes in many languages and a text carries no reliable language, so, as in
the dialogues (dialogues/search.py), the "simple" configuration is used: words are only
lower-cased. A proposal's *significant* words (those of its title, summary and objectives,
without the function words of English, French and German nor the words every cluster text
uses, such as "cluster" or "initiative") are OR-ed into one tsquery, each as a prefix of at most
STEM_LENGTH characters: a crude stemmer that works in every language ("decarbonisation" finds
"decarbonise", "Förderung" finds "Förderungen", "innovation" finds "innovative"). Without the
unaccent extension, each word is also searched without its accents, and stored vectors hold an
accent-free copy of every accented word, so "économie" and "economie" find each other. Results
are ranked with ts_rank_cd (cover density), normalised to 0..1 (normalization 32:
rank / (rank + 1)). The words that matched are found again in Python, with the same rule, to
tell the proposer which ones.

Initiatives carry a stored vector (title A, summary B, objectives C) with a GIN index, written by
the services. Cluster programmes (members app) carry a generated column instead (name A;
description and target sectors B, programme_search_vector below), folding accents with
translate(), which is core PostgreSQL and immutable, so PostgreSQL keeps it current on every
write; it is indexed too, as thousands of programmes are matched per request.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Func, IntegerField, TextField, Value

from dialogues.search import fold_accents

SEARCH_CONFIG = "simple"
# The first words count most (the title's come first); a long text adds little after these.
MAX_QUERY_WORDS = 30
MIN_WORD_LENGTH = 3
STEM_LENGTH = 7
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Letters that have no decomposition in Unicode but an obvious accent-free reading.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ı": "i", "ħ": "h", "ŧ": "t"})

# Function words of English, French and German, and the words every text of the alliance uses:
# matching them says nothing about a subject.
_STOPWORDS_AS_WRITTEN = """
    a about after all also an and any are as at be been before being between both but by can
    could do does each for from had has have how if in into is it its more most not of on one
    only or other our out over so some such than that the their them then there these they this
    those through to too under up very was we were what when where which while who will with
    within would you your new use using based across among per via well
    au aux avec ce ces cette dans de des du elle en entre est et être il ils la le les leur
    leurs lors mais ne nos notre nous ou par pas plus pour qui que sa se ses son sont sur un une
    vers via afin ainsi dont
    am an auf aus bei bis das dem den der des die durch ein eine einem einen einer eines für
    im in ist mit nach oder sich sind so über um und uns unser unsere vom von vor wie wir zu zum
    zur sowie werden wird
    cluster clusters clustering initiative initiatives initiative project projects projet projets
    projekt projekte joint european europe europäische européen européenne europäischen eu
    programme programmes program programm partner partners partenaires partnerschaft partnership
    pilot alliance eca member members membres mitglieder
    run runs running share shares shared sharing build building make makes help helps
    together instead own one two three first second year years common each other others
"""


def fold(text: str) -> str:
    """Lower-case, without accents: the form in which words are compared."""
    return fold_accents(text.lower()).translate(_EXTRA_FOLDS)


def _translate_tables() -> tuple[str, str]:
    """The FROM and TO strings of SQL translate() that fold accents as fold() does, for the
    lower-case letters of Latin-1 and Latin Extended-A (the alliance's languages)."""
    sources, targets = [], []
    for code in range(0xC0, 0x180):
        char = chr(code)
        if char != char.lower():
            continue
        folded = fold(char)
        if folded != char and len(folded) == 1 and folded.isascii():
            sources.append(char)
            targets.append(folded)
    return "".join(sources), "".join(targets)


TRANSLATE_FROM, TRANSLATE_TO = _translate_tables()
# Compared without accents, as the words of a text are.
STOPWORDS = frozenset(fold(word) for word in _STOPWORDS_AS_WRITTEN.split())


@dataclass(frozen=True)
class QueryWord:
    """A significant word of a text: as written (lower-case), and the prefixes it is searched
    by (with and without accents)."""

    word: str
    stems: tuple[str, ...]

    def matches(self, folded_tokens) -> bool:
        folded_stems = {fold(stem) for stem in self.stems}
        return any(token.startswith(stem) for token in folded_tokens for stem in folded_stems)


def significant_words(*texts: str) -> list[QueryWord]:
    """The words that say what a text is about, in order of first appearance, at most
    MAX_QUERY_WORDS, each once: a word whose prefix another word already covers ("smes" after
    "sme", "valleys" after "valley") is not repeated, and a shorter form met later ("valley"
    after "valleys") widens the earlier word's prefix."""
    words = []
    for text in texts:
        for raw in _WORD_RE.findall((text or "").lower()):
            folded = fold(raw)
            if len(raw) < MIN_WORD_LENGTH or raw.isdigit() or folded in STOPWORDS:
                continue
            key = folded[:STEM_LENGTH]
            stems = tuple(dict.fromkeys([raw[:STEM_LENGTH], key]))
            for index, word in enumerate(words):
                known = fold(word.stems[-1])
                if key.startswith(known):
                    break
                if known.startswith(key):
                    words[index] = QueryWord(word=word.word, stems=stems)
                    break
            else:
                words.append(QueryWord(word=raw, stems=stems))
                if len(words) >= MAX_QUERY_WORDS:
                    return words
    return words


def words_query(words: list[QueryWord]) -> SearchQuery | None:
    """One tsquery: every word's prefixes OR-ed together (words hold letters and digits only,
    so they are safe as to_tsquery terms)."""
    if not words:
        return None
    terms = [" | ".join(f"{stem}:*" for stem in word.stems) for word in words]
    raw = " | ".join(f"({term})" for term in terms)
    return SearchQuery(raw, search_type="raw", config=SEARCH_CONFIG)


def matched_words(words: list[QueryWord], *texts: str) -> list[str]:
    """The words (as the proposal wrote them) that also occur in the texts, by the rule the
    tsquery applies: a word of the texts starts with one of the word's prefixes."""
    tokens = {fold(token) for text in texts for token in _WORD_RE.findall(text or "")}
    return [word.word for word in words if word.matches(tokens)]


def _with_folded_words(text: str) -> str:
    words = _WORD_RE.findall(text)
    folded = {fold(word) for word in words} - {word.lower() for word in words}
    return f"{text}\n{' '.join(sorted(folded))}" if folded else text


def initiative_search_vector(*, title: str, summary: str, objectives: str):
    """The SQL expression of an initiative's stored search vector."""
    parts = [(title, "A"), (summary, "B"), (objectives, "C")]
    vector = None
    for text, weight in parts:
        part = SearchVector(
            Value(_with_folded_words(text or ""), output_field=TextField()),
            weight=weight,
            config=SEARCH_CONFIG,
        )
        vector = part if vector is None else vector + part
    return vector


class FoldAccents(Func):
    """translate(lower(text), …): the text lower-cased without accents, as fold() does."""

    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(
            Func(expression, function="LOWER", output_field=TextField()),
            Value(TRANSLATE_FROM),
            Value(TRANSLATE_TO),
            function="TRANSLATE",
            **extra,
        )


def organisation_name_vector():
    """An organisation's name as a vector, accents folded: the expression of the index
    members_org_name_search_idx, which a filter on it must repeat to use the index."""
    return SearchVector(FoldAccents("name"), config=SEARCH_CONFIG)


def name_prefix_query(text: str) -> SearchQuery | None:
    """Every word of `text` as the prefix of a word of a name, accents folded ("cluster agen"
    finds "Danish Cluster Agency"); None without words. Words hold letters and digits only,
    so they are safe as to_tsquery terms."""
    words = _WORD_RE.findall(fold(text))[:MAX_QUERY_WORDS]
    if not words:
        return None
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG
    )


def programme_search_vector():
    """A cluster programme's vector (name A; description and target sectors B): the expression
    of the generated column members.ClusterProgramme.search_vector."""
    return SearchVector(FoldAccents("name"), weight="A", config=SEARCH_CONFIG) + SearchVector(
        FoldAccents("description"),
        FoldAccents("target_sectors"),
        weight="B",
        config=SEARCH_CONFIG,
    )


class Cardinality(Func):
    """The number of elements of an array (0 for an empty one, unlike array_length)."""

    function = "CARDINALITY"
    output_field = IntegerField()


class ArrayIntersectionSize(Func):
    """How many elements two arrays have in common."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        left, right = self.get_source_expressions()
        left_sql, left_params = compiler.compile(left)
        right_sql, right_params = compiler.compile(right)
        sql = f"CARDINALITY(ARRAY(SELECT UNNEST({left_sql}) INTERSECT SELECT UNNEST({right_sql})))"
        return sql, (*left_params, *right_params)
