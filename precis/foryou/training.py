"""Training each reader's model and choosing their picks, as arxiv-sanity does.

A reader's *positives* are the papers they engaged with: wrote a summary of,
collected, voted a summary of up, put in the feed through a seeded collection,
followed (the paper, a collection listing it, a person who summarised it under
their name, its venue). The *negatives* are a sample of the candidate pool less
the positives. Each paper is the TF-IDF vector of its title and abstract that
``precis.papers.related.TextIndex`` computes; a logistic regression (stochastic
gradient descent, class-balanced, L2-regularised; pure Python: the vectors are
sparse and a reader has hundreds of examples, not millions) learns one weight per
word. The ``MAX_WEIGHTS`` heaviest weights are kept, and the candidates ("new and
notable": the newest papers and the papers with recent, popular summaries) are
scored with them; the best ``MAX_PICKS`` are stored as ``Pick`` rows, each with the
positive nearest to it (largest cosine) as its explanation.

Everything is bounded: positives per kind and in all, candidates, negatives,
epochs. Nothing here runs during a request: the ``train_reader`` task (after a
reader's signals change, debounced) and the ``train_foryou`` command (nightly) call
``train_readers``. Training is deterministic (the sample and the shuffles are seeded
by the reader's id), so running it twice stores the same rows; rows that did not
change are not written again.
"""

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from precis.accounts.models import User
from precis.collections.models import CollectionItem
from precis.notifications.models import Follow
from precis.papers.models import Paper
from precis.papers.related import TextIndex
from precis.summaries.models import Summary, Vote

from .models import Because, Pick, Profile, Seed
from .rules import followable_collections, seedable_collections, silenced_q

MAX_POSITIVES_PER_KIND = 200  # the newest of each kind of signal
MAX_POSITIVES = 400
MAX_NEW_PAPERS = 1500  # candidates: the newest papers ...
MAX_NOTABLE = 1000  # ... and the papers with the most popular recent summaries
NOTABLE_DAYS = 180
MAX_NEGATIVES = 600
MAX_PICKS = 100
MAX_WEIGHTS = 500  # words kept per reader, the heaviest by magnitude
EPOCHS = 12
LEARNING_RATE = 0.5
LEARNING_DECAY = 1e-3  # the rate at step t is LEARNING_RATE / (1 + LEARNING_DECAY * t)
L2 = 1e-4
READERS_PER_BATCH = 100  # readers trained on one shared index
# Positives the reader has already met, never picked again; papers of a followed venue,
# person or collection may be (the follow then explains the pick: "Because you follow
# NeurIPS, which published …").
SEEN = {Because.WROTE, Because.COLLECTED, Because.VOTED, Because.SEEDED, Because.FOLLOWED_PAPER}


@dataclass(frozen=True)
class Positive:
    because: str
    collection_id: int | None = None
    user_id: int | None = None
    venue_id: int | None = None


def positives_of(reader) -> dict[int, Positive]:
    """Paper id → the strongest reason ``reader`` cares about it; at most MAX_POSITIVES.

    Eight bounded queries. Seeds and followed collections obey ``rules``; papers of
    followed people count only through their listed summaries under their own name,
    so that no explanation can tie a person to an anonymous summary.
    """
    k = MAX_POSITIVES_PER_KIND
    found: dict[int, Positive] = {}

    def add(rows: Iterable, because: str, extra: str | None = None) -> None:
        for row in rows:
            paper_id, other = (row, None) if extra is None else row
            if paper_id not in found and len(found) < MAX_POSITIVES:
                found[paper_id] = Positive(because, **({extra: other} if extra else {}))

    add(
        Summary.objects.alive()
        .filter(author=reader)
        .order_by("-updated_at", "-pk")
        .values_list("paper_id", flat=True)[:k],
        Because.WROTE,
    )
    add(
        CollectionItem.objects.filter(collection__owner=reader)
        .order_by("-created_at", "-pk")
        .values_list("paper_id", flat=True)[:k],
        Because.COLLECTED,
    )
    add(
        Vote.objects.filter(voter=reader, value=Vote.UP, summary__deleted_at__isnull=True)
        .order_by("-updated_at", "-pk")
        .values_list("summary__paper_id", flat=True)[:k],
        Because.VOTED,
    )
    seeded = seedable_collections(reader).filter(
        pk__in=Seed.objects.filter(reader=reader).values("collection")
    )
    add(
        CollectionItem.objects.filter(collection__in=seeded)
        .order_by("-created_at", "-pk")
        .values_list("paper_id", "collection_id")[:k],
        Because.SEEDED,
        "collection_id",
    )
    add(
        Follow.objects.filter(follower=reader, paper__isnull=False)
        .order_by("-created_at", "-pk")
        .values_list("paper_id", flat=True)[:k],
        Because.FOLLOWED_PAPER,
    )
    add(
        CollectionItem.objects.filter(collection__in=followable_collections(reader))
        .order_by("-created_at", "-pk")
        .values_list("paper_id", "collection_id")[:k],
        Because.FOLLOWED_COLLECTION,
        "collection_id",
    )
    followed_people = Follow.objects.filter(follower=reader, user__isnull=False).values("user")
    add(
        Summary.objects.listed()
        .filter(anonymous=False, author__in=followed_people)
        .filter(author__in=User.objects.public())
        .exclude(silenced_q(reader, "author"))
        .order_by("-published_at", "-pk")
        .values_list("paper_id", "author_id")[:k],
        Because.FOLLOWED_USER,
        "user_id",
    )
    followed_venues = Follow.objects.filter(follower=reader, venue__isnull=False).values("venue")
    add(
        Paper.objects.filter(venue__in=followed_venues)
        .order_by("-pk")
        .values_list("pk", "venue_id")[:k],
        Because.FOLLOWED_VENUE,
        "venue_id",
    )
    return found


def candidate_pool(*, now=None) -> list[int]:
    """The papers a feed may pick from: the newest, and those with popular recent summaries."""
    now = now or timezone.now()
    new = Paper.objects.order_by("-pk").values_list("pk", flat=True)[:MAX_NEW_PAPERS]
    notable = (
        Summary.objects.listed()
        .filter(published_at__gte=now - timedelta(days=NOTABLE_DAYS))
        .order_by("-popularity", "-pk")
        .values_list("paper_id", flat=True)[:MAX_NOTABLE]
    )
    return sorted(set(new) | set(notable))


def build_index(paper_ids: Iterable[int]) -> TextIndex:
    rows = (
        Paper.objects.filter(pk__in=sorted(set(paper_ids)))
        .order_by("pk")
        .values_list("pk", "title", "abstract")
    )
    return TextIndex.build(rows.iterator(chunk_size=1000))


# --- The model ---------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    z = max(-35.0, min(35.0, z))
    return 1.0 / (1.0 + math.exp(-z))


def logistic_regression(
    examples: list[tuple[list[int], list[float], int]],
    *,
    seed: int,
    epochs: int = EPOCHS,
) -> tuple[dict[int, float], float]:
    """Weights and bias of a class-balanced, L2-regularised logistic regression.

    ``examples`` are ``(term ids, values, label)`` with labels 1 and 0; stochastic
    gradient descent in an order shuffled by ``seed``, so the answer is repeatable.
    """
    total = len(examples)
    n_pos = sum(label for _, _, label in examples)
    n_neg = total - n_pos
    if not n_pos:
        return {}, 0.0
    # Balanced: the few positives weigh as much, together, as the many negatives.
    class_weight = {1: total / (2 * n_pos), 0: total / (2 * n_neg) if n_neg else 1.0}
    weights: dict[int, float] = defaultdict(float)
    bias = 0.0
    order = list(range(total))
    rng = random.Random(seed)
    step = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            terms, values, label = examples[i]
            z = bias + sum(weights[t] * v for t, v in zip(terms, values, strict=True))
            gradient = (_sigmoid(z) - label) * class_weight[label]
            rate = LEARNING_RATE / (1 + LEARNING_DECAY * step)
            step += 1
            for t, v in zip(terms, values, strict=True):
                weights[t] -= rate * (gradient * v + L2 * weights[t])
            bias -= rate * gradient
    return dict(weights), bias


def heaviest(weights: dict[int, float], limit: int = MAX_WEIGHTS) -> dict[int, float]:
    kept = sorted(weights.items(), key=lambda tw: (-abs(tw[1]), tw[0]))[:limit]
    return {term: weight for term, weight in kept if weight}


@dataclass
class Trained:
    weights: dict[int, float]  # term id → weight, capped
    bias: float
    picks: list[tuple[int, float, int]]  # (paper id, score, nearest positive paper id)


def train_one(
    index: TextIndex, pool: list[int], positives: dict[int, Positive], *, seed: int
) -> Trained | None:
    """The reader's model and picks, or None when none of their positives has text."""
    known = [pk for pk in positives if pk in index.position]
    if not known:
        return None
    negatives = sorted(pk for pk in pool if pk not in positives and pk in index.position)
    rng = random.Random(seed)
    if len(negatives) > MAX_NEGATIVES:
        negatives = sorted(rng.sample(negatives, MAX_NEGATIVES))

    def example(pk: int, label: int):
        position = index.position[pk]
        return (list(index.terms[position]), list(index.weights[position]), label)

    examples = [example(pk, 1) for pk in known] + [example(pk, 0) for pk in negatives]
    weights, bias = logistic_regression(examples, seed=seed)
    weights = heaviest(weights)

    scored = []
    for pk in pool:
        position = index.position.get(pk)
        if position is None or (pk in positives and positives[pk].because in SEEN):
            continue
        scored.append((bias + index.cosine(weights, position), pk))
    scored.sort(key=lambda sp: (-sp[0], -sp[1]))
    picks = [(pk, round(score, 6), _nearest(index, pk, known)) for score, pk in scored[:MAX_PICKS]]
    return Trained(weights, bias, picks)


def _nearest(index: TextIndex, pk: int, known: list[int]) -> int:
    """The positive most like paper ``pk`` (ties: the stronger reason, listed first)."""
    query = index.vector(index.position[pk])
    best, best_cosine = known[0], -1.0
    for other in known:  # in order of strength, so a tie keeps the stronger reason
        cosine = index.cosine(query, index.position[other])
        if cosine > best_cosine + 1e-12:
            best, best_cosine = other, cosine
    return best


# --- Storing ---------------------------------------------------------------------


@dataclass
class TrainingReport:
    readers: int = 0
    trained: int = 0  # readers with at least one positive
    changed: int = 0  # readers whose stored picks changed
    picks: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def train_readers(
    user_ids: Iterable[int],
    *,
    batch_size: int = READERS_PER_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> TrainingReport:
    """Train and store the models and picks of these readers (idempotent)."""
    started = time.monotonic()
    ids = sorted(set(user_ids))
    report = TrainingReport()
    pool = candidate_pool()
    for start in range(0, len(ids), batch_size):
        batch = list(
            get_user_model().objects.filter(pk__in=ids[start : start + batch_size], is_active=True)
        )
        positives = {reader.pk: positives_of(reader) for reader in batch}
        wanted = set(pool).union(*(set(found) for found in positives.values()))
        index = build_index(wanted)
        words = [""] * len(index.vocabulary)
        for word, term in index.vocabulary.items():
            words[term] = word
        for reader in batch:
            trained = train_one(index, pool, positives[reader.pk], seed=reader.pk)
            _store(reader, trained, positives[reader.pk], words, report)
        report.readers += len(batch)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    report.seconds = time.monotonic() - started
    return report


def _store(reader, trained: Trained | None, positives, words: list[str], report) -> None:
    now = timezone.now()
    rows = []
    if trained is not None:
        report.trained += 1
        for rank, (pk, score, near) in enumerate(trained.picks, start=1):
            why = positives[near]
            rows.append(
                Pick(
                    reader=reader,
                    paper_id=pk,
                    rank=rank,
                    score=score,
                    because=why.because,
                    because_paper_id=near,
                    because_collection_id=why.collection_id,
                    because_user_id=why.user_id,
                    because_venue_id=why.venue_id,
                )
            )
    weights = (
        {words[term]: round(weight, 6) for term, weight in trained.weights.items()}
        if trained
        else {}
    )
    with transaction.atomic():
        profile, _ = Profile.objects.select_for_update().get_or_create(user=reader)
        stored = list(
            Pick.objects.filter(reader=reader).values_list(
                "paper_id",
                "rank",
                "because",
                "because_paper_id",
                "because_collection_id",
                "because_user_id",
                "because_venue_id",
            )
        )
        fresh = [
            (
                r.paper_id,
                r.rank,
                r.because,
                r.because_paper_id,
                r.because_collection_id,
                r.because_user_id,
                r.because_venue_id,
            )
            for r in rows
        ]
        if stored != fresh:
            # A paper merged away since the index was read has no row to point to.
            alive = set(
                Paper.objects.filter(
                    pk__in={r.paper_id for r in rows} | {r.because_paper_id for r in rows}
                ).values_list("pk", flat=True)
            )
            Pick.objects.filter(reader=reader).delete()
            Pick.objects.bulk_create(
                [r for r in rows if r.paper_id in alive and r.because_paper_id in alive]
            )
            report.changed += 1
        report.picks += len(rows)
        Profile.objects.filter(pk=profile.pk).update(
            weights=weights,
            bias=round(trained.bias, 6) if trained else 0.0,
            positives=len(positives),
            trained_at=now,
        )


def readers_with_signals():
    """Every active reader who has a signal or stored picks, as a queryset of ids
    (one query, however many readers there are)."""
    signals = (
        Q(pk__in=Summary.objects.alive().values("author"))
        | Q(pk__in=CollectionItem.objects.values("collection__owner"))
        | Q(pk__in=Vote.objects.filter(value=Vote.UP).values("voter"))
        | Q(pk__in=Follow.objects.values("follower"))
        | Q(pk__in=Seed.objects.values("reader"))
        | Q(pk__in=Pick.objects.values("reader"))
    )
    users = get_user_model().objects.filter(signals, is_active=True)
    return users.order_by("pk").values_list("pk", flat=True)
