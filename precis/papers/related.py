"""Related papers: computed offline, stored in RelatedPaper, read by the paper page.

Three signals, added up per pair of papers:

* shared authors: ``AUTHOR_WEIGHT`` per author the two papers have in common;
* the same venue and year (not an archive such as arXiv): a small ``VENUE_WEIGHT``;
* text: the cosine of TF-IDF vectors of title and abstract, between 0 and 1.

The TF-IDF is a small pure-Python one: the whole corpus is read once per run to learn
document frequencies and build an inverted index (term → papers); each paper is then
compared only with the papers that share one of its ``QUERY_TERMS`` most distinctive
terms, and with its co-authors' and venue-mates' papers, never with the whole corpus.

Nothing here runs at request time: ``compute_related`` is called by the
``compute_related`` management command and the ``compute_related_papers`` task.
"""

import math
import re
import time
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from operator import mul

from django.db import transaction

from .models import Paper, PaperAuthor, RelatedPaper, Venue

AUTHOR_WEIGHT = 1.0  # per shared author: the strongest sign that papers belong together
VENUE_WEIGHT = 0.2  # same venue and year: a nudge, and a filler for small venues
MIN_TEXT_SCORE = 0.1  # a cosine below this is noise, not a shared topic
QUERY_TERMS = 10  # a paper's most distinctive terms used to find candidates
MAX_POSTINGS = 5000  # a term in more papers than this finds no candidates (too common)
MAX_CANDIDATES = 200  # candidates scored per paper, those sharing most query terms first
SMALL_VENUE_YEAR = 60  # venue-years this small put all their papers forward as candidates
ARCHIVES = {"arxiv"}  # venue keys where "same venue and year" says nothing
TITLE_REPEAT = 2  # title words count this many times: a title says what a paper is about
BATCH_SIZE = 500
SCORE_TOLERANCE = 1e-3  # stored rows are kept when their scores moved less than this


# --- Text ------------------------------------------------------------------------

# English function words, and words every abstract uses whatever its topic.
_STOPWORDS = """
    a about above across after again against all almost along also although always am among
    an and another any are around as at be became because become been before being below
    between both but by can cannot could did do does doing done down during each either
    else enough even ever every few for from further get gets given gives had has have
    having he her here hers him his how however i if in into is it its itself just least
    less like made make makes many may me might more most much must my neither no nor not
    now of off often on once one only onto or other others otherwise our ours out over own
    per perhaps rather same several shall she should since so some such than that the their
    theirs them themselves then there therefore these they this those though three through
    thus to together too two under until up upon us use used uses using very via was we
    well were what whatever when where whereas whether which while who whom whose why will
    with within without would yet you your
    paper papers propose proposed proposes present presents presented introduce introduces
    introduced show shows shown study studies studied approach approaches method methods
    result results work works new novel based problem problems task tasks model models
    existing recent recently demonstrate demonstrates experiment experiments experimental
    performance art state first second provide provides different various able allow
    allows achieve achieves achieved significantly significant large number obtain
    obtained simple effective efficient important key main therefore moreover furthermore
    including include includes compared compare comparison et al eg ie etc vs
    mathcal mathbb mathrm mathbf frac textit textbf emph cite
"""
STOPWORDS = frozenset(_STOPWORDS.split())
WORD = re.compile(r"[a-z][a-z0-9]+")


def tokenize(text: str) -> Iterator[str]:
    """Lower-case ASCII words of two or more characters, stopwords out, plurals folded."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    for word in WORD.findall(ascii_text):
        if word not in STOPWORDS:
            yield _singular(word)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def term_counts(title: str, abstract: str) -> Counter:
    counts = Counter()
    for word in tokenize(title):
        counts[word] += TITLE_REPEAT
    counts.update(tokenize(abstract))
    return counts


class TextIndex:
    """L2-normalised TF-IDF vectors of every paper, and an inverted index over their terms.

    Papers are numbered by position (0…n-1, in primary key order); vectors are kept as two
    parallel arrays per paper (term ids by falling weight, weights) to keep memory small.
    """

    def __init__(self) -> None:
        self.pks = array("q")
        self.position: dict[int, int] = {}
        self.vocabulary: dict[str, int] = {}
        self.df = array("l")
        self.terms: list[array] = []
        self.weights: list[array] = []
        self.postings: dict[int, array] = {}

    @classmethod
    def build(cls, documents: Iterable[tuple[int, str, str]]) -> "TextIndex":
        """An index of ``(pk, title, abstract)`` documents."""
        index = cls()
        counts: list[array] = []
        for pk, title, abstract in documents:
            index.position[pk] = len(index.pks)
            index.pks.append(pk)
            terms, tfs = array("l"), array("l")
            for word, tf in term_counts(title, abstract or "").items():
                term = index.vocabulary.setdefault(word, len(index.vocabulary))
                if term == len(index.df):
                    index.df.append(0)
                index.df[term] += 1
                terms.append(term)
                tfs.append(tf)
            index.terms.append(terms)
            counts.append(tfs)
        index._weigh(counts)
        return index

    def _weigh(self, counts: list[array]) -> None:
        n = len(self.pks)
        idf = [math.log((1 + n) / (1 + df)) + 1 for df in self.df]
        postings: dict[int, list[int]] = defaultdict(list)
        for position, (terms, tfs) in enumerate(zip(self.terms, counts, strict=True)):
            weighted = [(1 + math.log(tf)) * idf[term] for term, tf in zip(terms, tfs, strict=True)]
            norm = math.sqrt(sum(w * w for w in weighted)) or 1.0
            pairs = sorted(zip(terms, weighted, strict=True), key=lambda tw: (-tw[1], tw[0]))
            self.terms[position] = array("l", (term for term, _ in pairs))
            self.weights.append(array("d", (weight / norm for _, weight in pairs)))
            for term in terms:
                if 2 <= self.df[term] <= MAX_POSTINGS:
                    postings[term].append(position)
        self.postings = {term: array("l", positions) for term, positions in postings.items()}

    def vector(self, position: int) -> dict[int, float]:
        return dict(zip(self.terms[position], self.weights[position], strict=True))

    def cosine(self, query: dict[int, float], position: int) -> float:
        # map() over C functions: several times faster than a generator expression.
        shared = map(query.get, self.terms[position], repeat(0.0))
        return sum(map(mul, shared, self.weights[position]))

    def query_terms(self, position: int) -> list[int]:
        """The paper's heaviest terms that other papers share (rarest, most repeated)."""
        found = []
        for term in self.terms[position]:
            if term in self.postings:
                found.append(term)
                if len(found) == QUERY_TERMS:
                    break
        return found

    def text_neighbours(self, position: int) -> dict[int, float]:
        """Papers whose text is like this one's: position → cosine, above MIN_TEXT_SCORE.

        This is the one place that knows about TF-IDF; sentence embeddings and an
        approximate nearest-neighbour index can replace it later with the same contract.
        """
        hits: Counter = Counter()
        for term in self.query_terms(position):
            hits.update(self.postings[term])
        hits.pop(position, None)
        candidates = sorted(hits, key=lambda other: (-hits[other], other))[:MAX_CANDIDATES]
        query = self.vector(position)
        scores = {other: self.cosine(query, other) for other in candidates}
        return {other: score for other, score in scores.items() if score >= MIN_TEXT_SCORE}


# --- Other signals ---------------------------------------------------------------


def shared_authors(pks: list[int]) -> dict[int, Counter]:
    """For each paper of ``pks``: other paper pk → number of authors in common."""
    links = PaperAuthor.objects.filter(paper__in=pks)
    authors_of: dict[int, set[int]] = defaultdict(set)
    for paper_id, author_id in links.values_list("paper_id", "author_id"):
        authors_of[paper_id].add(author_id)
    papers_of: dict[int, set[int]] = defaultdict(set)
    co_links = PaperAuthor.objects.filter(author__in=links.values("author"))
    for author_id, paper_id in co_links.values_list("author_id", "paper_id").iterator():
        papers_of[author_id].add(paper_id)
    shared: dict[int, Counter] = {}
    for pk in pks:
        counts = Counter(
            other for author in authors_of[pk] for other in papers_of[author] if other != pk
        )
        shared[pk] = counts
    return shared


@dataclass
class Corpus:
    text: TextIndex
    venue_year: dict[int, tuple[int, int]]  # pk → (venue id, year), archives left out
    venue_years: dict[tuple[int, int], list[int]]  # (venue id, year) → pks

    @classmethod
    def load(cls) -> "Corpus":
        archives = set(Venue.objects.filter(key__in=ARCHIVES).values_list("pk", flat=True))
        venue_year: dict[int, tuple[int, int]] = {}
        venue_years: dict[tuple[int, int], list[int]] = defaultdict(list)

        def documents():
            rows = Paper.objects.order_by("pk").values_list(
                "pk", "title", "abstract", "venue_id", "year"
            )
            for pk, title, abstract, venue_id, year in rows.iterator(chunk_size=2000):
                if venue_id is not None and year is not None and venue_id not in archives:
                    venue_year[pk] = (venue_id, year)
                    venue_years[venue_id, year].append(pk)
                yield pk, title, abstract

        return cls(TextIndex.build(documents()), venue_year, dict(venue_years))


@dataclass(frozen=True)
class Scored:
    related: int
    score: float
    reason: str


def rank_related(corpus: Corpus, pk: int, shared: Counter, *, limit: int) -> list[Scored]:
    """The ``limit`` best related papers of paper ``pk``, best first."""
    text = corpus.text
    position = text.position.get(pk)
    cosines: dict[int, float] = {}
    if position is not None:
        cosines = {text.pks[p]: score for p, score in text.text_neighbours(position).items()}
    key = corpus.venue_year.get(pk)
    mates = corpus.venue_years.get(key, []) if key else []
    candidates = set(cosines) | set(shared)
    if len(mates) <= SMALL_VENUE_YEAR:
        candidates.update(mates)
    candidates.discard(pk)

    query = text.vector(position) if position is not None else {}
    scored = []
    for other in candidates:
        cosine = cosines.get(other)
        if cosine is None:
            other_position = text.position.get(other)
            cosine = text.cosine(query, other_position) if other_position is not None else 0.0
        same_venue = key is not None and corpus.venue_year.get(other) == key
        authors = shared.get(other, 0)
        score = authors * AUTHOR_WEIGHT + (VENUE_WEIGHT if same_venue else 0.0) + cosine
        if authors:
            reason = RelatedPaper.Reason.AUTHORS
        elif same_venue and cosine < VENUE_WEIGHT:
            reason = RelatedPaper.Reason.VENUE
        elif cosine >= MIN_TEXT_SCORE:
            reason = RelatedPaper.Reason.TEXT
        else:
            continue
        scored.append(Scored(other, round(score, 4), str(reason)))
    scored.sort(key=lambda s: (-s.score, s.related))
    return scored[:limit]


# --- The job ---------------------------------------------------------------------


@dataclass
class RelatedReport:
    papers: int = 0  # papers whose related list was computed
    changed: int = 0  # of those, papers whose stored list changed
    rows: int = 0  # rows written
    seconds: float = 0.0


def compute_related(
    paper_ids: list[int] | None = None,
    *,
    limit: int = 8,
    refresh_neighbours: bool = True,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> RelatedReport:
    """Compute and store the ``limit`` best related papers of each paper (all when None).

    Previous rows of those papers are replaced; a paper whose list did not change keeps
    its rows untouched, so running it twice changes nothing. With ``paper_ids``, the
    papers those now point to and the papers that pointed to them are refreshed too
    (``refresh_neighbours``), so a new paper also appears on its neighbours' pages.
    """
    started = time.monotonic()
    corpus = Corpus.load()
    if paper_ids is None:
        targets = list(corpus.text.pks)
    else:
        targets = sorted({pk for pk in paper_ids if pk in corpus.text.position})
    report = RelatedReport()
    neighbours: set[int] = set()
    follow = paper_ids is not None and refresh_neighbours
    total = len(targets)

    def run(pks: list[int]) -> None:
        for start in range(0, len(pks), batch_size):
            batch = pks[start : start + batch_size]
            lists = _rank_batch(corpus, batch, limit=limit)
            if follow:
                neighbours.update(s.related for scored in lists.values() for s in scored)
                pointing = RelatedPaper.objects.filter(related__in=batch)
                neighbours.update(pointing.values_list("paper_id", flat=True))
            _store(lists, report)
            if progress:
                progress(report.papers, total)

    run(targets)
    if follow:
        again = sorted(neighbours.difference(targets).intersection(corpus.text.position))
        total += len(again)
        follow = False
        run(again)
    report.seconds = time.monotonic() - started
    return report


def _rank_batch(corpus: Corpus, batch: list[int], *, limit: int) -> dict[int, list[Scored]]:
    shared = shared_authors(batch)
    return {pk: rank_related(corpus, pk, shared[pk], limit=limit) for pk in batch}


def _store(lists: dict[int, list[Scored]], report: RelatedReport) -> None:
    """Replace the stored rows of papers whose list changed, in one transaction."""
    report.papers += len(lists)
    with transaction.atomic():
        stored: dict[int, dict[int, tuple[str, float]]] = defaultdict(dict)
        rows = RelatedPaper.objects.filter(paper__in=list(lists))
        for paper_id, related_id, reason, score in rows.values_list(
            "paper_id", "related_id", "reason", "score"
        ):
            stored[paper_id][related_id] = (reason, score)
        changed = [pk for pk, scored in lists.items() if not _same(stored[pk], scored)]
        if not changed:
            return
        # A paper merged away or deleted since the corpus was read has no rows to get.
        wanted = set(changed) | {s.related for pk in changed for s in lists[pk]}
        alive = set(Paper.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        RelatedPaper.objects.filter(paper__in=changed).delete()
        new_rows = [
            RelatedPaper(paper_id=pk, related_id=s.related, score=s.score, reason=s.reason)
            for pk in changed
            if pk in alive
            for s in lists[pk]
            if s.related in alive
        ]
        RelatedPaper.objects.bulk_create(new_rows)
        report.changed += len(changed)
        report.rows += len(new_rows)


def _same(stored: dict[int, tuple[str, float]], scored: list[Scored]) -> bool:
    if set(stored) != {s.related for s in scored}:
        return False
    return all(
        stored[s.related][0] == s.reason and abs(stored[s.related][1] - s.score) < SCORE_TOLERANCE
        for s in scored
    )
