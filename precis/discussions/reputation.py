"""Reputation: the points people earn from the votes others give their writing.

It lives here because it reads votes from two apps, summaries (``Vote``) and
discussions (``AnswerVote``), and discussions is the lowest app that may import
both; summaries announces its votes (``summaries.signals.credit_changed``) and
this module listens (``apps.py``). The numbers are stored by
``accounts.services.record_points``: one ``PointsEntry`` per counted vote or
accepted answer, and their public sum in ``User.reputation`` (which trust levels
read).

Points, for writing the public may see (listed summaries; shown answers to shown,
live questions):

- ``SUMMARY_UPVOTE`` (+10) and ``SUMMARY_DOWNVOTE`` (-2) for a vote on a summary;
- ``ANSWER_UPVOTE`` (+5) and ``ANSWER_DOWNVOTE`` (-2) for a vote on an answer;
- ``ACCEPTED_ANSWER`` (+15) when the asker accepts one's answer to their question.

A total never goes below zero.

Self-dealing does not pay. A vote, or an acceptance, counts nothing when

1. the voter is at trust level NEW, marked as a spammer, or no longer active; or
2. voter and author look like a ring: they joined within ``RING_JOIN_WINDOW`` of
   each other, and either the author also voted up the voter's writing (mutual
   votes), or at least ``RING_SHARE`` of the voter's up-votes went to this author.

So five accounts made together that vote for each other earn nothing from one
another, and neither do sock puppets that vote only for their maker; an older
reader's votes count in full. Two genuine newcomers of the same week who vote
for each other lose those votes too: the price of a simple rule.

Anonymous summaries earn their writer points that only the writer sees (entries
that are not public). The public number, the writers page and "top writers this
month" count named writing only, and the ring rule reads only votes on named
writing, so no vote on an anonymous summary moves a number anyone else sees:
nothing lets a reader infer who wrote one.

``recompute_reputation`` runs after commit of every vote (for the author and the
voter), acceptance, and change that lists or unlists voted writing; ``manage.py
update_reputation`` recomputes everyone in batches (nightly: voters' trust levels
change, new votes make a pair look like a ring). Each run replaces a person's
points whole, so it is idempotent.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q

from precis.accounts import services as accounts
from precis.accounts.models import PointsEntry, TrustLevel
from precis.lib.moderation import shown
from precis.summaries.models import Summary, Vote, listed_q

from .models import Answer, AnswerVote, Question

SUMMARY_UPVOTE = 10
SUMMARY_DOWNVOTE = -2
ANSWER_UPVOTE = 5
ANSWER_DOWNVOTE = -2
ACCEPTED_ANSWER = 15

# Accounts made this close together are suspects when their votes go to each other.
RING_JOIN_WINDOW = timedelta(days=7)
# … and when this share of the voter's up-votes (on named writing) goes to one author.
RING_SHARE = 0.5

BATCH_SIZE = 200  # people per transaction in ``recompute_everyone``

Reason = PointsEntry.Reason


@dataclass(frozen=True)
class Credit:
    """One vote or acceptance, before the self-dealing rules weigh it."""

    author_id: int
    voter_id: int
    points: int
    earned_at: datetime
    public: bool
    reason: str
    object_id: int
    voter_trusted: bool  # not NEW, not a spammer, active
    voter_joined: datetime


def recompute_reputation(user) -> None:
    """Recompute ``user``'s points and reputation now (see the module's rules)."""
    recompute_reputations([user.pk])


@transaction.atomic
def recompute_reputations(user_ids) -> None:
    """Recompute the points of ``user_ids`` in a constant number of queries; idempotent.

    Locks their rows first, so two runs for one person (two votes at once) take
    turns and the later one reads both votes.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return
    joined = dict(
        get_user_model()
        .objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "date_joined")
    )
    credits = _credits(list(joined))
    suspects = {
        (c.voter_id, c.author_id)
        for c in credits
        if c.voter_trusted and abs(c.voter_joined - joined[c.author_id]) <= RING_JOIN_WINDOW
    }
    rings = _rings(suspects)
    entries = [
        PointsEntry(
            user_id=c.author_id,
            points=c.points,
            earned_at=c.earned_at,
            public=c.public,
            reason=c.reason,
            object_id=c.object_id,
        )
        for c in credits
        if c.voter_trusted and (c.voter_id, c.author_id) not in rings
    ]
    accounts.record_points(user_ids=list(joined), entries=entries)


def recompute_reputation_soon(user_ids) -> None:
    """Recompute these people's points in the background once the transaction commits."""
    from .tasks import update_reputation

    ids = sorted({pk for pk in user_ids if pk})
    if ids:
        transaction.on_commit(lambda: update_reputation.enqueue(ids))


def recompute_everyone(*, batch_size: int = BATCH_SIZE, progress=None) -> int:
    """Recompute everyone who wrote something or holds points, a committed batch at a
    time in id order; returns how many. Idempotent: run it again at any time."""
    users = get_user_model().objects.filter(
        Exists(Summary.objects.filter(author=OuterRef("pk")))
        | Exists(Answer.objects.filter(author=OuterRef("pk")))
        | Exists(PointsEntry.objects.filter(user=OuterRef("pk")))
        | ~Q(reputation=0)
    )
    total = users.count()
    done, last = 0, 0
    while True:
        ids = list(
            users.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        recompute_reputations(ids)
        done, last = done + len(ids), ids[-1]
        if progress:
            progress(done, total)


# -- reading the votes ---------------------------------------------------------------

# The voter's standing, joined into each vote's row.
_VOTER = (
    "voter_id",
    "voter__trust_level",
    "voter__is_active",
    "voter__is_spammer",
    "voter__date_joined",
)


def _trusted(trust_level: int, is_active: bool, is_spammer: bool) -> bool:
    return trust_level > TrustLevel.NEW and is_active and not is_spammer


def _credits(author_ids: list[int]) -> list[Credit]:
    """Every vote and acceptance the public may see on these people's writing. Three
    queries, each with its voter's standing joined in."""
    credits = []
    summary_votes = (
        Vote.objects.filter(listed_q("summary__"), summary__author_id__in=author_ids)
        .exclude(voter=F("summary__author"))
        .values_list(
            "pk", "value", "created_at", "summary__author_id", "summary__anonymous", *_VOTER
        )
    )
    for pk, value, at, author, anonymous, voter, level, active, spammer, joined in summary_votes:
        credits.append(
            Credit(
                author_id=author,
                voter_id=voter,
                points=SUMMARY_UPVOTE if value == Vote.UP else SUMMARY_DOWNVOTE,
                earned_at=at,
                public=not anonymous,
                reason=Reason.SUMMARY_VOTE,
                object_id=pk,
                voter_trusted=_trusted(level, active, spammer),
                voter_joined=joined,
            )
        )
    answer_votes = (
        AnswerVote.objects.filter(
            _live("answer__"), _live("answer__question__"), answer__author_id__in=author_ids
        )
        .exclude(voter=F("answer__author"))
        .values_list("pk", "value", "created_at", "answer__author_id", *_VOTER)
    )
    for pk, value, at, author, voter, level, active, spammer, joined in answer_votes:
        credits.append(
            Credit(
                author_id=author,
                voter_id=voter,
                points=ANSWER_UPVOTE if value == AnswerVote.UP else ANSWER_DOWNVOTE,
                earned_at=at,
                public=True,
                reason=Reason.ANSWER_VOTE,
                object_id=pk,
                voter_trusted=_trusted(level, active, spammer),
                voter_joined=joined,
            )
        )
    # Dated by the question's last change, which accepting is (questions are not edited).
    accepted = (
        Question.objects.filter(
            _live(), _live("accepted_answer__"), accepted_answer__author_id__in=author_ids
        )
        .exclude(author=F("accepted_answer__author"))
        .values_list(
            "accepted_answer_id",
            "updated_at",
            "accepted_answer__author_id",
            "author_id",
            "author__trust_level",
            "author__is_active",
            "author__is_spammer",
            "author__date_joined",
        )
    )
    for answer, at, author, asker, level, active, spammer, joined in accepted:
        credits.append(
            Credit(
                author_id=author,
                voter_id=asker,
                points=ACCEPTED_ANSWER,
                earned_at=at,
                public=True,
                reason=Reason.ACCEPTED_ANSWER,
                object_id=answer,
                voter_trusted=_trusted(level, active, spammer),
                voter_joined=joined,
            )
        )
    return credits


def _live(prefix: str = "") -> Q:
    """Not deleted and shown, through ``prefix``."""
    return Q(**{f"{prefix}deleted_at__isnull": True}) & shown(prefix)


def _rings(suspects: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which (voter, author) pairs of ``suspects`` (joined close together) look like a
    ring: mutual up-votes, or most of the voter's up-votes going to that author.

    Reads up-votes on named writing only (so anonymous summaries stay out of every
    public number). At most four queries, none when there are no suspects.
    """
    if not suspects:
        return set()
    voters = {voter for voter, _ in suspects}
    authors = {author for _, author in suspects}
    given: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # voter → author → n
    for voter, author, n in _upvotes(voter_ids=voters):
        given[voter][author] += n
    # (voter, author) pairs where the author voted the voter up in return.
    mutual = {
        (receiver, giver) for giver, receiver, _ in _upvotes(voter_ids=authors, author_ids=voters)
    }
    rings = set()
    for voter, author in suspects:
        total = sum(given[voter].values())
        if (voter, author) in mutual or (total and given[voter][author] / total >= RING_SHARE):
            rings.add((voter, author))
    return rings


def _upvotes(*, voter_ids, author_ids=None):
    """(voter, author, count) of up-votes on named summaries and on answers. Two queries."""
    named = Vote.objects.filter(value=Vote.UP, summary__anonymous=False, voter_id__in=voter_ids)
    answers = AnswerVote.objects.filter(value=AnswerVote.UP, voter_id__in=voter_ids)
    if author_ids is not None:
        named = named.filter(summary__author_id__in=author_ids)
        answers = answers.filter(answer__author_id__in=author_ids)
    for votes, author in ((named, "summary__author_id"), (answers, "answer__author_id")):
        counts = votes.order_by().values("voter_id", author).annotate(n=Count("pk"))
        yield from counts.values_list("voter_id", author, "n")
