"""Load the demo corpus: real paper metadata, summaries written for Precis. Idempotent."""

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from precis.accounts.models import TrustLevel, User
from precis.accounts.services import set_trust_level
from precis.collections import services as collection_services
from precis.collections.models import Collection
from precis.demo import corpus
from precis.importers.base import PaperRecord
from precis.papers.services import save_venue, upsert_paper
from precis.summaries import services as summary_services
from precis.summaries.models import Summary

DEMO_PASSWORD = "precis-demo"  # noqa: S105 - printed for the demo; demo users only
DEMO_TRUST_LEVEL = TrustLevel.REGULAR


class Command(BaseCommand):
    help = "Load the demo corpus (papers, venues, users, summaries, votes). Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        for venue in corpus.VENUES:
            save_venue(**venue)
        users = {spec["username"]: self._user(spec) for spec in corpus.USERS}
        papers = {spec["arxiv"]: self._paper(spec) for spec in corpus.PAPERS}
        summaries = {}
        for index, spec in enumerate(corpus.SUMMARIES):
            summary = summary_services.save_summary(
                author=users[spec["author"]],
                paper=papers[spec["paper"]],
                source=spec["source"],
                visibility=spec["visibility"],
                anonymous=spec.get("anonymous", False),
            )
            self._backdate(summary, papers[spec["paper"]], index)
            summaries[(spec["paper"], spec["author"])] = summary
        for voter, paper, author, value in corpus.VOTES:
            summary_services.cast_vote(
                voter=users[voter], summary=summaries[(paper, author)], value=value
            )
        collections = [self._collection(spec, users, papers) for spec in corpus.COLLECTIONS]
        waiting = self._moderation(users, papers, summaries)
        from precis.search.services import reindex

        reindex(restart=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(corpus.VENUES)} venues, {len(papers)} papers, "
                f"{len(users)} users, {len(summaries)} summaries, {len(corpus.VOTES)} votes, "
                f"{len(collections)} collections."
            )
        )
        self.stdout.write(
            f"Sign in as any of {', '.join(users)} with the password “{DEMO_PASSWORD}”."
        )
        moderators = ", ".join(spec["username"] for spec in corpus.MODERATORS)
        self.stdout.write(
            f"Moderator: {moderators}, same password; {waiting} items wait at /moderation/."
        )

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

    @staticmethod
    def _backdate(summary: Summary, paper, index: int) -> None:
        """Spread publication dates over the past months so the tabs differ."""
        if summary.published_at is None:
            return
        when = timezone.now() - timedelta(days=3 * (len(corpus.SUMMARIES) - index), hours=index)
        Summary.objects.filter(pk=summary.pk).update(published_at=when)
        summary.published_at = when
        summary.refresh_rankings()
        Summary.objects.filter(pk=summary.pk).update(popularity=summary.popularity)
