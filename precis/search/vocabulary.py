"""The words of the search index and how many papers hold each: what "did you mean" corrects from.

Every write of search documents passes through ``record_change`` with the words of
the documents before and after, so each word's document frequency is kept exact
without ever scanning the index (a paper whose summary changed moves only the
words that changed). The same table on SQLite and PostgreSQL; a full reindex
rebuilds it.

A correction is looked for only when a query finds nothing or very little, and
only for its rare words. Its work is bounded whatever the size of the vocabulary:
the candidates for a word are, for each length within two of its own, the
CANDIDATES_PER_PROBE most frequent words sharing its first letter and those sharing
its last letter (index range scans that stop at the limit), so at most
``2 * 5 * CANDIDATES_PER_PROBE`` rows are read and compared per word.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from django.db import connection
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .models import SearchDocument, SearchTerm
from .query import ParsedQuery

# Words of letters only; shorter ones are too ambiguous to correct, longer ones are
# not words (and would not fit the column).
MIN_LENGTH, MAX_LENGTH = 3, 40
WORD = re.compile(r"[^\W\d_]+")
# A query finding at most this many papers may have a typo in it.
FEW_RESULTS = 2
# A word in at most this many papers may be a typo of a frequent one...
RARE_WORD_DOCUMENTS = 2
# ... which must be in at least this many times as many papers (and in one at least).
MORE_FREQUENT = 3
CANDIDATES_PER_PROBE = 200
UPSERT_CHUNK = 1000
# One probe: a walk down search_term_by_initial (or _by_final), stopped at the limit,
# its rows tagged with the word they are candidates for.
BY_INITIAL = (
    "SELECT %s AS word, term, documents FROM (SELECT term, documents FROM search_searchterm "
    "WHERE initial = %s AND length = %s ORDER BY documents DESC LIMIT %s) AS probe"
)
BY_FINAL = (
    "SELECT %s AS word, term, documents FROM (SELECT term, documents FROM search_searchterm "
    "WHERE final = %s AND length = %s ORDER BY documents DESC LIMIT %s) AS probe"
)
# A word's own count, tagged "".
KNOWN = "SELECT '' AS word, term, documents FROM search_searchterm WHERE term = %s"
# Completing a word typed so far: at least this much of it, at most this many words read.
MIN_COMPLETION_PREFIX = 3
COMPLETION_SCAN = 500
# Corrections per query: the first few rare words only.
MAX_CORRECTED_WORDS = 6


def fold(word: str) -> str:
    """Lower case without diacritics, as the index's tokenizers see a word."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> set[str]:
    """The distinct words of ``text`` that the vocabulary keeps."""
    return {word for word in WORD.findall(fold(text)) if MIN_LENGTH <= len(word) <= MAX_LENGTH}


def document_words(document) -> set[str]:
    """The words of one search document (a SearchDocument or a row of its four texts)."""
    if isinstance(document, SearchDocument):
        document = (document.title, document.authors, document.abstract, document.summaries)
    return words(" ".join(document))


def stored_words(paper_ids: list[int]) -> list[set[str]]:
    """The words of the documents now stored for these papers (before they are replaced)."""
    rows = SearchDocument.objects.filter(paper_id__in=paper_ids).values_list(
        "title", "authors", "abstract", "summaries"
    )
    return [document_words(row) for row in rows.iterator(chunk_size=500)]


def record_change(*, removed: Iterable[set[str]] = (), added: Iterable[set[str]] = ()) -> None:
    """Move the document frequencies by the words of documents removed and added."""
    change: Counter[str] = Counter()
    for document in removed:
        change.subtract(document)
    for document in added:
        change.update(document)
    _apply({word: delta for word, delta in change.items() if delta})


def forget_all() -> None:
    SearchTerm.objects.all().delete()


def _apply(change: dict[str, int]) -> None:
    if not change:
        return
    # One order for every writer, so two concurrent index writes lock rows in the
    # same order and cannot deadlock.
    ordered = sorted(change.items())
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), UPSERT_CHUNK):
            chunk = ordered[start : start + UPSERT_CHUNK]
            if connection.vendor == "postgresql":
                cursor.execute(
                    "INSERT INTO search_searchterm (term, initial, final, length, documents) "
                    "SELECT t, left(t, 1), right(t, 1), char_length(t), d "
                    "FROM unnest(%s::text[], %s::int[]) AS change(t, d) ON CONFLICT (term) "
                    "DO UPDATE SET documents = search_searchterm.documents + excluded.documents",
                    [[word for word, _ in chunk], [delta for _, delta in chunk]],
                )
            else:
                cursor.executemany(
                    "INSERT INTO search_searchterm (term, initial, final, length, documents) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (term) DO UPDATE SET "
                    "documents = search_searchterm.documents + excluded.documents",
                    [(word, word[0], word[-1], len(word), delta) for word, delta in chunk],
                )
            gone = [word for word, delta in chunk if delta < 0]
            if gone:
                SearchTerm.objects.filter(term__in=gone, documents__lte=0).delete()


def corrections(query: ParsedQuery) -> dict[str, str]:
    """For each rare word of the query that looks like a typo, the closest frequent word.

    One statement, whatever the words: their document counts and, for each, its
    candidates (those of a word that turns out not to be rare go unused).
    """
    asked = [
        term
        for term in dict.fromkeys(query.terms)
        if WORD.fullmatch(fold(term)) and MIN_LENGTH <= len(fold(term)) <= MAX_LENGTH
    ][:MAX_CORRECTED_WORDS]
    if not asked:
        return {}
    folded = {term: fold(term) for term in asked}
    words = sorted(set(folded.values()))
    parts, params = [], []
    for word in words:
        parts.append(KNOWN)
        params.append(word)
        _add_probes(word, parts, params)
    known: dict[str, int] = {}
    candidates: dict[str, list[tuple[str, int]]] = {word: [] for word in words}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for word, term, documents in cursor.fetchall():
            if word:
                candidates[word].append((term, documents))
            else:
                known[term] = documents
    found = {}
    for term in asked:
        word = folded[term]
        if known.get(word, 0) > RARE_WORD_DOCUMENTS:
            continue
        at_least = max(1, known.get(word, 0) * MORE_FREQUENT)
        best = _closest(word, candidates[word], at_least=at_least)
        if best:
            found[term] = best
    return found


def corrected_query(query: ParsedQuery) -> tuple[ParsedQuery, dict[str, str]] | None:
    """The query with its typos corrected, and the corrections; None when there are none."""
    found = corrections(query)
    if not found:
        return None
    terms = tuple(dict.fromkeys(found.get(term, term) for term in query.terms))
    return replace(query, terms=terms), found


def closest_frequent_word(word: str, *, at_least: int = 1) -> str | None:
    """The most frequent word within edit distance 1 (words of up to 4 letters) or 2
    (a swap of two neighbouring letters counting as one edit), in ``at_least`` papers."""
    return _closest(word, _candidates(word), at_least=at_least)


def _closest(word: str, candidates: list[tuple[str, int]], *, at_least: int) -> str | None:
    allowed = _allowed(word)
    rows = [row for row in candidates if row[1] >= at_least and row[0] != word]
    matches = process.extract(
        word, [term for term, _ in rows], scorer=OSA.distance, score_cutoff=allowed, limit=None
    )
    if not matches:
        return None
    # Nearest first; among the nearest, the word in most papers.
    term, _, _ = min(matches, key=lambda match: (match[1], -rows[match[2]][1], match[0]))
    return term


def _allowed(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def completions(prefix: str, *, limit: int = 3) -> list[str]:
    """The most frequent indexed words that ``prefix`` begins (among the first
    COMPLETION_SCAN in alphabetical order, a bounded walk of the primary key).

    Suggestions as you type need them: the index holds stems ("dens" for "densely"),
    so a typed prefix longer than the stem ("densel") matches nothing by itself.
    """
    prefix = fold(prefix)
    if len(prefix) < MIN_COMPLETION_PREFIX or not WORD.fullmatch(prefix):
        return []
    rows = (
        SearchTerm.objects.filter(term__gt=prefix, term__lt=prefix + "\U0010ffff")
        .order_by("term")
        .values_list("term", "documents")[:COMPLETION_SCAN]
    )
    return [term for term, _ in sorted(rows, key=lambda row: (-row[1], row[0]))[:limit]]


def _candidates(word: str) -> list[tuple[str, int]]:
    """The candidates of one word (see _add_probes), in one statement."""
    parts, params = [], []
    _add_probes(word, parts, params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [(term, documents) for _, term, documents in cursor.fetchall()]


def _add_probes(word: str, parts: list[str], params: list) -> None:
    """The most frequent words of each nearby length sharing ``word``'s first or last
    letter: index range scans, each stopped at CANDIDATES_PER_PROBE, tagged ``word``."""
    allowed = _allowed(word)
    lengths = range(max(MIN_LENGTH, len(word) - allowed), len(word) + allowed + 1)
    for probe, letter in ((BY_INITIAL, word[0]), (BY_FINAL, word[-1])):
        for length in lengths:
            parts.append(probe)
            params += [word, letter, length, CANDIDATES_PER_PROBE]
