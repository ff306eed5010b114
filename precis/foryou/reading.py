"""Reading a reader's feed: stored picks, their explanations, and the cold start.

Used by the page, the e-mail and the Atom feed alike, so the privacy rules hold the
same in all three: a pick shows a paper (papers are public) and, beside it, that
paper's best *listed* summary not written by someone the reader muted or blocked
(an anonymous one stays "Anonymous"). Explanations name only the paper the reader
engaged with and things the reader may see now (a seeded collection still
seedable, a followed person who still summarises that paper under their name);
otherwise a pick keeps a plain "close to what you read here". Every function takes a
constant number of queries, whatever the number of picks on the page.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q

from precis.accounts.models import User
from precis.lib.moderation import ModerationState
from precis.papers.models import Paper
from precis.summaries.models import Summary, Visibility

from .models import Because, Pick, Profile, Seed
from .rules import followable_collections, seedable_collections, silenced_q

PICKS_PER_PAGE = 20
POPULAR_COUNT = 20


@dataclass(frozen=True)
class Explanation:
    lead: str  # "Because you collected"
    paper: Paper | None  # the paper engaged with, or None for the plain reason
    tail: str = ""

    @property
    def text(self) -> str:
        """One line of plain text (e-mail, Atom)."""
        if self.paper is None:
            return self.lead
        return f"{self.lead} “{self.paper.title}”{self.tail}"


PLAIN = Explanation("Close to what you read, collected and wrote here", None)


@dataclass
class Entry:
    paper: Paper
    summary: Summary | None
    why: Explanation


def picks_page(reader, page_number):
    """The page of ``reader``'s picks (a Paginator page of ``Entry``)."""
    picks = (
        Pick.objects.filter(reader=reader)
        .select_related("because_paper", "because_venue")
        .prefetch_related(Prefetch("paper", queryset=Paper.objects.with_authors()))
    )
    page = Paginator(picks, PICKS_PER_PAGE).get_page(page_number)
    page.object_list = entries(reader, list(page.object_list))
    return page


def top_entries(reader, count: int) -> list[Entry]:
    """The reader's best ``count`` picks as entries (e-mail, Atom)."""
    picks = (
        Pick.objects.filter(reader=reader)
        .select_related("because_paper", "because_venue")
        .prefetch_related(Prefetch("paper", queryset=Paper.objects.with_authors()))[:count]
    )
    return entries(reader, list(picks))


def entries(reader, picks: list[Pick]) -> list[Entry]:
    if not picks:
        return []
    best = best_summaries(reader, [pick.paper_id for pick in picks])
    allowed = _allowed_reasons(reader, picks)
    return [Entry(pick.paper, best.get(pick.paper_id), _explain(pick, allowed)) for pick in picks]


def best_summaries(reader, paper_ids: list[int]) -> dict[int, Summary]:
    """Each paper's best listed summary that ``reader`` does not have muted; one query."""
    rows = (
        Summary.objects.listed()
        .excluding_muted_by(reader)
        .filter(paper_id__in=paper_ids)
        .select_related("author")
        .best_first()
    )
    best: dict[int, Summary] = {}
    for summary in rows:
        best.setdefault(summary.paper_id, summary)
    return best


def _allowed_reasons(reader, picks: list[Pick]) -> dict[str, set]:
    """What the explanations on this page may still name: two or three queries."""
    seed_ids = {p.because_collection_id for p in picks if p.because == Because.SEEDED}
    follow_ids = {
        p.because_collection_id for p in picks if p.because == Because.FOLLOWED_COLLECTION
    }
    allowed: dict[str, dict | set] = {"seeded": {}, "followed": {}, "people": set()}
    # Collection id → its title where it is public, None where it is not (the reader's
    # own private list, someone's unlisted one): named only when anyone could find it.
    if seed_ids:
        seeded = (
            seedable_collections(reader)
            .filter(pk__in=seed_ids)
            .filter(pk__in=Seed.objects.filter(reader=reader).values("collection"))
        )
        allowed["seeded"] = _titles(seeded)
    if follow_ids:
        allowed["followed"] = _titles(followable_collections(reader).filter(pk__in=follow_ids))
    pairs = {
        (p.because_user_id, p.because_paper_id)
        for p in picks
        if p.because == Because.FOLLOWED_USER and p.because_user_id and p.because_paper_id
    }
    if pairs:
        # A followed person explains a pick only while they still have a listed summary
        # of that paper under their own name: never through an anonymous one.
        match = Q()
        for user_id, paper_id in pairs:
            match |= Q(author_id=user_id, paper_id=paper_id)
        rows = (
            Summary.objects.listed()
            .filter(match, anonymous=False, author__in=User.objects.public())
            .exclude(silenced_q(reader, "author"))
            .select_related("author")
        )
        allowed["people"] = {(s.author_id, s.paper_id, s.author.public_name) for s in rows}
    return allowed


def _titles(collections) -> dict[int, str | None]:
    rows = collections.values_list("pk", "title", "visibility", "moderation")
    return {
        pk: title if (visibility, moderation) == (Visibility.PUBLIC, ModerationState.OK) else None
        for pk, title, visibility, moderation in rows
    }


def _explain(pick: Pick, allowed: dict[str, set]) -> Explanation:
    paper = pick.because_paper
    if paper is None:
        return PLAIN
    because = pick.because
    if because == Because.WROTE:
        return Explanation("Because you wrote a summary of", paper)
    if because == Because.COLLECTED:
        return Explanation("Because you collected", paper)
    if because == Because.VOTED:
        return Explanation("Because you voted for a summary of", paper)
    if because == Because.FOLLOWED_PAPER:
        return Explanation("Because you follow", paper)
    if because == Because.SEEDED and pick.because_collection_id in allowed["seeded"]:
        title = allowed["seeded"][pick.because_collection_id]
        named = f"the collection “{title}”" if title else "a collection"
        return Explanation(f"Because you chose {named} for your feed, with", paper)
    if because == Because.FOLLOWED_COLLECTION and pick.because_collection_id in allowed["followed"]:
        title = allowed["followed"][pick.because_collection_id]
        named = f"the collection “{title}”" if title else "a collection"
        return Explanation(f"Because you follow {named}, with", paper)
    if because == Because.FOLLOWED_USER:
        for user_id, paper_id, name in allowed["people"]:
            if (user_id, paper_id) == (pick.because_user_id, pick.because_paper_id):
                return Explanation(f"Because you follow {name}, who summarised", paper)
    if because == Because.FOLLOWED_VENUE and pick.because_venue is not None:
        return Explanation(f"Because you follow {pick.because_venue.name}, which published", paper)
    return PLAIN


def popular(reader, count: int = POPULAR_COUNT) -> list[Summary]:
    """The cold start: popular recent listed summaries, none by people the reader muted."""
    return list(
        Summary.objects.listed()
        .excluding_muted_by(reader)
        .select_related("author")
        .prefetch_related(Prefetch("paper", queryset=Paper.objects.with_authors()))
        .order_by("-popularity", "-pk")[:count]
    )


def state_of(reader) -> Profile | None:
    return Profile.objects.filter(user=reader).first()
