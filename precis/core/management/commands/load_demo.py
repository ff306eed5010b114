"""Load the demo corpus: real paper metadata, summaries written for Precis, and a month of
activity (edits, comments, questions, votes, views, follows, notifications). Idempotent:
a second run finds everything in place and adds nothing."""

import hashlib
import logging
import random
import time
from contextlib import contextmanager
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone

from precis.accounts.models import TrustLevel, User
from precis.accounts.services import set_trust_level
from precis.collections import services as collection_services
from precis.collections.models import Collection
from precis.demo import activity, corpus
from precis.importers.base import PaperRecord
from precis.papers.models import Venue
from precis.papers.services import save_venue, upsert_paper
from precis.summaries import services as summary_services
from precis.summaries.models import DailyViews, Revision, Summary, Vote

DEMO_PASSWORD = "precis-demo"  # noqa: S105 - printed for the demo; demo users only
DEMO_TRUST_LEVEL = TrustLevel.REGULAR
# Summaries are published this many days apart, the last a couple of days ago.
DAYS_BETWEEN_SUMMARIES = 2
# Views are replayed for this many days back.
ACTIVITY_DAYS = 30


class Command(BaseCommand):
    help = "Load the demo corpus (papers, venues, users, summaries, votes). Safe to run twice."

    def handle(self, *args, **options):
        started = time.monotonic()
        # Background tasks run inline in the demo; their log lines would bury the summary.
        tasks_log = logging.getLogger("django_tasks")
        level = tasks_log.level
        tasks_log.setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                counts = self._load()
            related = self._related()
            from precis.demo import foryou as foryou_demo  # a feed for you (issue 13)

            foryou_demo.load()
            from precis.demo import opendata  # open data: the dump of all the above (issue 13)

            opendata.load()
        finally:
            tasks_log.setLevel(level)
        self._report(counts, related, time.monotonic() - started)

    def _load(self) -> dict:
        self.now = timezone.now()
        for venue in corpus.VENUES:
            save_venue(**venue)
        users = {spec["username"]: self._user(spec) for spec in corpus.USERS}
        papers = {
            spec["arxiv"]: self._paper(spec) for spec in (*corpus.PAPERS, *activity.WAITING_PAPERS)
        }
        # Before the summaries: following is what turns their publication into notifications.
        self._follows(users, papers)
        summaries = self._summaries(users, papers)
        self._votes(users, summaries)
        collections = [self._collection(spec, users, papers) for spec in corpus.COLLECTIONS]
        self._conversation(users, papers, summaries)
        waiting = self._moderation(users, papers, summaries)
        from precis.demo import findings as findings_demo  # findings on papers (issue 13)

        findings_demo.load(users=users, papers=papers)
        self._demand(users, papers)
        self._daily_views(summaries)
        self._read_old_notifications(users)
        from precis.search.services import reindex

        reindex(restart=True)
        return {
            "users": users,
            "papers": len(papers),
            "summaries": len(summaries),
            "collections": len(collections),
            "waiting": waiting,
        }

    def _report(self, counts: dict, related, seconds: float) -> None:
        from precis.discussions.models import Answer, Comment, Question
        from precis.notifications.models import Notification

        users = counts["users"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {seconds:.1f} s: {len(corpus.VENUES)} venues, "
                f"{counts['papers']} papers, {len(users)} users, {counts['summaries']} "
                f"summaries ({Revision.objects.count()} revisions), {Vote.objects.count()} "
                f"votes, {Comment.objects.count()} comments, {Question.objects.count()} questions "
                f"with {Answer.objects.count()} answers, {counts['collections']} collections, "
                f"{Notification.objects.count()} notifications, related papers for "
                f"{related.papers} papers."
            )
        )
        self.stdout.write(
            f"Sign in as any of {', '.join(users)} with the password “{DEMO_PASSWORD}”."
        )
        moderators = ", ".join(spec["username"] for spec in corpus.MODERATORS)
        self.stdout.write(
            f"Moderator: {moderators}, same password; {counts['waiting']} items wait at "
            "/moderation/."
        )

    # -- a month of activity ---------------------------------------------------------

    def _ago(self, days: float, hours: float = 0):
        return self.now - timedelta(days=days, hours=hours)

    @contextmanager
    def _dated(self, when):
        """Notifications sent inside are dated ``when``: the demo replays a past month."""
        from precis.notifications.models import Notification

        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        yield
        Notification.objects.filter(pk__gt=before).update(created_at=when)

    @contextmanager
    def _unsent(self):
        """Notifications sent inside are taken back (for what the demo then holds)."""
        from precis.notifications.models import Notification

        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        yield
        Notification.objects.filter(pk__gt=before).delete()

    def _follows(self, users, papers) -> None:
        from precis.notifications import services as notifications

        venues = {venue.key: venue for venue in Venue.objects.filter(
            key__in=[target for _, kind, target in activity.FOLLOWS if kind == "venue"]
        )}  # fmt: skip
        for follower, kind, target in activity.FOLLOWS:
            if kind == "user":
                notifications.follow(follower=users[follower], user=users[target])
            elif kind == "venue":
                notifications.follow(follower=users[follower], venue=venues[target])
            else:
                notifications.follow(follower=users[follower], paper=papers[target])

    def _summaries(self, users, papers) -> dict:
        """Every summary, published DAYS_BETWEEN_SUMMARIES apart; those with a history in
        activity.REVISIONS are written version by version the first time."""
        histories = {(spec["paper"], spec["author"]): spec for spec in activity.REVISIONS}
        summaries = {}
        for index, spec in enumerate(corpus.SUMMARIES):
            key = (spec["paper"], spec["author"])
            author, paper = users[spec["author"]], papers[spec["paper"]]
            when = self._ago(DAYS_BETWEEN_SUMMARIES * (len(corpus.SUMMARIES) - index), hours=index)
            history = histories.get(key)
            is_new = not Summary.objects.filter(author=author, paper=paper).exists()
            with self._dated(when):
                if is_new and history:
                    for source, note in earlier_versions(spec["source"], history):
                        summary_services.save_summary(
                            author=author, paper=paper, source=source,
                            visibility=spec["visibility"], note=note,
                        )  # fmt: skip
                summary = summary_services.save_summary(
                    author=author,
                    paper=paper,
                    source=spec["source"],
                    visibility=spec["visibility"],
                    anonymous=spec.get("anonymous", False),
                    note=history["final_note"] if history and is_new else "",
                )
            self._backdate(summary, when)
            summaries[key] = summary
        return summaries

    def _backdate(self, summary: Summary, when) -> None:
        """Date the summary and its revisions from ``when`` on, a couple of days apart."""
        revisions = list(summary.revisions.order_by("number").values_list("pk", flat=True))
        step = min(timedelta(days=2), (self.now - when) / (len(revisions) + 1))
        for number, pk in enumerate(revisions):
            Revision.objects.filter(pk=pk).update(created_at=when + step * number)
        edited = when + step * max(len(revisions) - 1, 0)
        Summary.objects.filter(pk=summary.pk).update(created_at=when, updated_at=edited)
        if summary.published_at is not None:
            Summary.objects.filter(pk=summary.pk).update(published_at=when)
            summary.published_at = when

    def _votes(self, users, summaries) -> None:
        """Cast the corpus's votes, dated over the last month (never before the summary)."""
        for number, (voter, paper, author, value) in enumerate(corpus.VOTES):
            summary = summaries[(paper, author)]
            # Casting a vote again changes nothing but costs a reputation recount.
            if not Vote.objects.filter(voter=users[voter], summary=summary, value=value).exists():
                summary_services.cast_vote(voter=users[voter], summary=summary, value=value)
            when = self._ago(number * 7 % ACTIVITY_DAYS, hours=number % 24)
            if summary.published_at and when < summary.published_at:
                when = summary.published_at + timedelta(hours=1 + number % 12)
            Vote.objects.filter(voter=users[voter], summary=summary).update(
                created_at=when, updated_at=when
            )

    def _conversation(self, users, papers, summaries) -> None:
        """Comment threads under summaries, and questions with voted (and accepted) answers.
        Each is posted once, found again on a second run by its writer and text."""
        for spec in activity.THREADS:
            self._comment(spec, summaries[(spec["paper"], spec["summary_author"])], users)
        for spec in activity.QUESTIONS:
            self._question(spec, users, papers)

    def _comment(self, spec, summary, users, parent=None) -> None:
        from precis.discussions import services as discussions
        from precis.discussions.models import Comment

        author = users[spec["author"]]
        comment = Comment.objects.filter(
            summary=summary, author=author, parent=parent, source=spec["source"]
        ).first()
        if comment is None:
            when = self._ago(spec["days_ago"], hours=len(spec["source"]) % 12)
            with self._dated(when):
                comment = discussions.post_comment(
                    author=author, summary=summary, source=spec["source"], parent=parent
                )
            Comment.objects.filter(pk=comment.pk).update(created_at=when, updated_at=when)
        for reply in spec.get("replies", ()):
            self._comment(reply, summary, users, parent=comment)

    def _question(self, spec, users, papers) -> None:
        from precis.discussions import services as discussions
        from precis.discussions.models import Answer, Question

        asker, paper = users[spec["author"]], papers[spec["paper"]]
        question = Question.objects.filter(paper=paper, author=asker, title=spec["title"]).first()
        if question is None:
            when = self._ago(spec["days_ago"])
            with self._dated(when):
                question = discussions.ask_question(
                    author=asker, paper=paper, title=spec["title"], source=spec["source"]
                )
            Question.objects.filter(pk=question.pk).update(created_at=when)
        for answer_spec in spec["answers"]:
            author = users[answer_spec["author"]]
            answer = Answer.objects.filter(question=question, author=author).first()
            if answer is None:
                when = self._ago(answer_spec["days_ago"], hours=3)
                with self._dated(when):
                    answer = discussions.post_answer(
                        author=author, question=question, source=answer_spec["source"]
                    )
                Answer.objects.filter(pk=answer.pk).update(created_at=when)
            for voter, value in answer_spec.get("votes", ()):
                if not answer.votes.filter(voter=users[voter], value=value).exists():
                    discussions.cast_answer_vote(voter=users[voter], answer=answer, value=value)
            if answer_spec.get("accepted"):
                discussions.accept_answer(question=question, answer=answer, by=asker)

    def _demand(self, users, papers) -> None:
        """Visits to paper pages and requests for summaries: what puts the papers nobody
        has explained yet on the home page. Views are set, not added, so a rerun keeps them."""
        from precis.papers import demand
        from precis.papers.models import Paper

        for arxiv_id, paper in papers.items():
            views = activity.PAPER_VIEWS.get(arxiv_id, activity.OTHER_PAPER_VIEWS)
            Paper.objects.filter(pk=paper.pk).update(views=views)
        for reader, arxiv_id in activity.SUMMARY_REQUESTS:
            demand.request_summary(requester=users[reader], paper=papers[arxiv_id])
        demand.recount([paper.pk for paper in papers.values()])
        from precis.demo import requests as requests_demo  # requests and a claim (issue 13)

        requests_demo.load(users=users, papers=papers)
        from precis.demo import versions as versions_demo  # two versions, issue 13

        versions_demo.load(users=users)

    def _daily_views(self, summaries) -> None:
        """Views of each listed summary per day over the last ACTIVITY_DAYS (sparklines,
        popularity), the same numbers on every run of the same day."""
        today = timezone.localdate()
        rows = []
        for (paper, author), summary in summaries.items():
            summary.refresh_from_db()  # with its votes
            if not summary.is_listed or summary.published_at is None:
                continue
            published = timezone.localdate(summary.published_at)
            for back in range(ACTIVITY_DAYS):
                day = today - timedelta(days=back)
                if day < published:
                    break
                seed = hashlib.sha256(f"{paper}|{author}|{day}".encode()).hexdigest()
                fresh = max(0, 8 - (day - published).days)  # a new summary is read more
                count = random.Random(seed).randint(1, 6) + max(summary.score, 0) // 2 + fresh
                rows.append(DailyViews(summary=summary, day=day, count=count))
        DailyViews.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["summary", "day"], update_fields=["count"]
        )
        for summary in summaries.values():
            total = sum(summary.daily_views.values_list("count", flat=True))
            summary.views = total
            summary.refresh_rankings()
            Summary.objects.filter(pk=summary.pk).update(views=total, popularity=summary.popularity)

    def _read_old_notifications(self, users) -> None:
        """Older notifications were read; the last few days' wait in each bell."""
        from precis.notifications.models import Notification

        cutoff = self._ago(activity.READ_AFTER_DAYS)
        Notification.objects.filter(
            recipient__in=users.values(), created_at__lt=cutoff, read_at__isnull=True
        ).update(read_at=models.F("created_at") + timedelta(hours=5))

    @staticmethod
    def _related():
        from precis.papers.related import compute_related

        return compute_related()

    def _user(self, spec) -> User:
        user, created = User.objects.get_or_create(
            username=spec["username"],
            defaults={
                "email": spec["email"],
                "display_name": spec["display_name"],
                "bio": spec["bio"],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=spec["email"], defaults={"verified": True, "primary": True}
        )
        # Established writers, set by hand as staff would: their posts are never held.
        level = spec.get("trust_level", DEMO_TRUST_LEVEL)
        if (user.trust_level, user.trust_level_locked) != (level, True):
            set_trust_level(user=user, level=level, by_hand=True)
        return user

    def _moderation(self, users, papers, summaries) -> int:
        """A moderator, and a held comment, a reported question and an appealed answer
        for the queue; each made once. How many queue items are open."""
        from precis.discussions import services as discussions
        from precis.discussions.models import Answer, Comment, Question
        from precis.lib import screening
        from precis.lib.moderation import MODERATORS_GROUP, ModerationState
        from precis.moderation import services as moderation
        from precis.moderation.kinds import kind_of
        from precis.moderation.models import Flag

        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        for spec in corpus.MODERATORS:
            users[spec["username"]] = self._user(spec)
            users[spec["username"]].groups.add(group)
        for spec in corpus.SPAM_USERS:
            users[spec["username"]] = self._user(spec)
        for spec in corpus.HELD_COMMENTS:
            author = users[spec["author"]]
            summary = summaries[(spec["paper"], spec["summary_author"])]
            if Comment.objects.filter(summary=summary, author=author).exists():
                continue
            with self._unsent():  # a held comment tells nobody
                comment = discussions.post_comment(
                    author=author, summary=summary, source=spec["source"]
                )
            if comment.is_shown:  # as the spam rules would have held it
                verdict = screening.Verdict(
                    state=ModerationState.HELD,
                    reason=spec["reason"],
                    score=spec["score"],
                    signals=tuple(spec["signals"]),
                )
                kind_of(comment).set_state(comment, verdict.state, verdict.reason)
                moderation.open_flag(
                    comment, cause=Flag.Cause.HELD, score=verdict.score, signals=verdict.signals
                )
                moderation.record_rule_decision(comment, verdict)
        for spec in corpus.REPORTED_QUESTIONS:
            author, paper = users[spec["author"]], papers[spec["paper"]]
            question = Question.objects.filter(
                paper=paper, author=author, title=spec["title"]
            ).first() or discussions.ask_question(
                author=author, paper=paper, title=spec["title"], source=spec["source"]
            )
            for reporter, reason, text in spec["reports"]:  # reporting twice changes nothing
                moderation.report(reporter=users[reporter], row=question, reason=reason, text=text)
        for spec in corpus.APPEALED_ANSWERS:
            asker, author = users[spec["asker"]], users[spec["author"]]
            question = Question.objects.filter(
                paper=papers[spec["paper"]], author=asker, title=spec["title"]
            ).first() or discussions.ask_question(
                author=asker,
                paper=papers[spec["paper"]],
                title=spec["title"],
                source=spec["question"],
            )
            if Answer.objects.filter(question=question, author=author).exists():
                continue
            answer = discussions.post_answer(
                author=author, question=question, source=spec["source"]
            )
            moderation.hide(moderator=users[spec["moderator"]], row=answer, reason=spec["reason"])
            moderation.appeal(author=author, row=answer, text=spec["appeal"])
        return Flag.objects.open().count()

    def _paper(self, spec):
        record = PaperRecord(
            title=spec["title"],
            authors=spec["authors"],
            abstract=spec.get("abstract", ""),
            year=spec["year"],
            published_on=date.fromisoformat(spec["published"]) if spec.get("published") else None,
            venue_key=spec["venue"],
            url=spec.get("url", ""),
            keywords=spec.get("keywords", []),
            categories=spec.get("categories", []),
            identifiers={
                scheme: spec[scheme]
                for scheme in ("arxiv", "doi", "dblp", "bibtex")
                if spec.get(scheme)
            },
            source="demo",
        )
        paper, _ = upsert_paper(record)
        return paper

    @staticmethod
    def _collection(spec, users, papers):
        """Create the collection, or rebuild its contents from the spec when it exists."""
        collection, created = Collection.objects.get_or_create(
            owner=users[spec["owner"]], title=spec["title"]
        )
        collection_services.update_collection(
            collection=collection,
            title=spec["title"],
            description=spec["description"],
            visibility=spec["visibility"],
        )
        if not created:
            collection.items.all().delete()
            collection.sections.all().delete()
        for section_spec in spec["sections"]:
            section = None
            if section_spec["title"]:
                section = collection_services.add_section(
                    collection=collection, title=section_spec["title"]
                )
            for arxiv_id, note in section_spec["items"]:
                collection_services.add_item(
                    collection=collection, paper=papers[arxiv_id], section=section, note=note
                )
        return collection


def earlier_versions(final: str, history: dict) -> list[tuple[str, str]]:
    """The earlier revisions of a summary, oldest first, with their notes, from its final
    text and activity.REVISIONS' edits (each undoing a newer revision's changes)."""
    versions = []
    text = final
    for step in history["earlier"]:
        for newer, older in step["edits"]:
            if newer not in text:
                raise ValueError(f"demo revision edit not found: {newer[:60]!r}")
            text = text.replace(newer, older, 1)
        if step.get("drop_section"):
            heading = step["drop_section"]
            start = text.index(heading)
            level = heading.split(" ", 1)[0]
            end = text.find(f"\n{level} ", start + len(heading))
            text = text[:start] + (text[end + 1 :] if end >= 0 else "")
        versions.append((text, step["note"]))
    return versions[::-1]
