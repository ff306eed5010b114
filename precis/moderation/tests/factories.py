"""Content of every kind, and queue items, built through the real services."""

from django.contrib.auth.models import Group

from precis.accounts.tests.factories import UserFactory
from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.lib.moderation import MODERATORS_GROUP, ModerationState
from precis.moderation import services
from precis.moderation.kinds import kind_of
from precis.moderation.models import Flag
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory

KIND_NAMES = (
    "summary", "comment", "question", "answer", "collection",
    "finding", "findingreply",  # precis.findings
    "profile",
)  # fmt: skip


def make_moderator(username: str = "mod_mina"):
    person = UserFactory(username=username)
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    person.groups.add(group)
    return person


def make(kind: str, author, *, n: int = 0):
    """One ``kind`` item by ``author`` (the profile: ``author`` itself), shown."""
    if kind == "profile":
        return author
    paper = PaperFactory()
    if kind == "summary":
        return SummaryFactory(author=author, paper=paper, source=f"Summary {n}: a plain account.")
    if kind == "comment":
        summary = SummaryFactory(paper=paper)
        return discussions.post_comment(author=author, summary=summary, source=f"Comment {n}.")
    if kind == "question":
        return discussions.ask_question(author=author, paper=paper, title=f"Question {n}?")
    if kind == "answer":
        question = discussions.ask_question(author=UserFactory(), paper=paper, title=f"Asked {n}?")
        return discussions.post_answer(author=author, question=question, source=f"Answer {n}.")
    if kind in ("finding", "findingreply"):  # precis.findings
        from precis.findings import services as findings

        reporter = author if kind == "finding" else UserFactory()
        finding = findings.report_finding(
            author=reporter, paper=paper, kind="erratum", title=f"Finding {n}", source=f"Why {n}."
        )
        if kind == "finding":
            return finding
        return findings.post_reply(author=author, finding=finding, source=f"Reply {n}.")
    return collections.create_collection(owner=author, title=f"List {n}", visibility="public")


def one_of_each(author) -> dict:
    return {kind: make(kind, author if kind != "profile" else UserFactory()) for kind in KIND_NAMES}


def hold(row, *, score: float = 6.0, signals=("many links", "new account")) -> Flag:
    """Hold ``row`` as the spam rules would, and open its queue item."""
    kind_of(row).set_state(row, ModerationState.HELD, "Held for review: our spam checks.")
    return services.open_flag(row, cause=Flag.Cause.HELD, score=score, signals=signals)


def hide(row, moderator, reason: str = "Spam or advertising.") -> None:
    services.hide(moderator=moderator, row=row, reason=reason)
    row.refresh_from_db()
