"""A spam wave: twenty fresh accounts post link spam through the forms and the API.

None of it reaches a visitor; all of it waits in the moderators' queue; one bulk
action clears it; the demo's established writers post without delay throughout.
"""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from precis.accounts.models import TrustLevel, User
from precis.accounts.tests.factories import UserFactory
from precis.api.tests.factories import bearer, token_for
from precis.discussions.models import Answer, Comment, Question
from precis.moderation.models import Flag
from precis.papers.models import Paper
from precis.summaries.models import Summary

pytestmark = pytest.mark.django_db

ACCOUNTS = 20
SPAM_WORD = "Zorblax"
SPAM_HOST = "spam-pills.example"
SPAM = (
    f"Buy {SPAM_WORD} now at https://{SPAM_HOST}/buy — [cheap]({'https://'}{SPAM_HOST}/cheap), "
    f"[cheaper](https://{SPAM_HOST}/cheaper), https://{SPAM_HOST}/cheapest and "
    f"<https://{SPAM_HOST}/free>. Best prices on {SPAM_WORD}!"
)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    papers = list(Paper.objects.filter(summaries__isnull=False).distinct().order_by("pk")[:6])
    summaries = list(Summary.objects.listed().order_by("pk")[:6])
    return {"papers": papers, "summaries": summaries, "started": timezone.now()}


def post_through_the_forms(person, demo, n: int) -> None:
    client = Client()
    client.force_login(person)
    paper = demo["papers"][n % len(demo["papers"])]
    client.post(f"/papers/{paper.pk}/write", {"source": f"{SPAM} {n}", "visibility": "public"})
    for k in range(3):
        summary = demo["summaries"][(n + k) % len(demo["summaries"])]
        client.post(f"/summaries/{summary.pk}/comments", {"source": f"{SPAM} {n}.{k}"})
    client.post(
        f"/papers/{paper.pk}/questions",
        {"title": f"Where to buy {SPAM_WORD} {n}?", "source": SPAM},
    )


def post_through_the_api(person, demo, n: int) -> None:
    client = Client()
    auth = bearer(token_for(person))

    def post(path, body):
        client.post(path, json.dumps(body), content_type="application/json", **auth)

    paper = demo["papers"][n % len(demo["papers"])]
    post(f"/api/v1/papers/{paper.pk}/summaries", {"source": f"{SPAM} {n}", "visibility": "public"})
    for k in range(3):
        summary = demo["summaries"][(n + k) % len(demo["summaries"])]
        post(f"/api/v1/summaries/{summary.pk}/comments", {"source": f"{SPAM} {n}.{k}"})
    post(
        f"/api/v1/papers/{paper.pk}/questions",
        {"title": f"Where to buy {SPAM_WORD} {n}?", "source": SPAM},
    )


@pytest.fixture
def wave(demo):
    spammers = [
        UserFactory(username=f"fresh{n:02d}", trust_level=TrustLevel.NEW) for n in range(ACCOUNTS)
    ]
    for n, person in enumerate(spammers):
        (post_through_the_forms if n % 2 else post_through_the_api)(person, demo, n)
    return spammers


def spam_rows(spammers) -> list:
    rows = []
    for model in (Summary, Comment, Question, Answer):
        rows += list(model.objects.filter(author__in=spammers))
    return rows


def public_pages(demo) -> list[str]:
    pages = ["/", "/?tab=recent", "/?tab=best", "/questions/", "/users/", "/venues/"]
    pages += [paper.get_absolute_url() for paper in demo["papers"]]
    pages += [summary.get_absolute_url() for summary in demo["summaries"]]
    pages += [f"/feeds/papers/{paper.pk}.atom" for paper in demo["papers"]]
    pages += ["/feeds/summaries.atom", "/rss.xml", "/sitemap-summaries.xml"]
    pages += [f"/search?q={SPAM_WORD}", "/search?q=pills", f"/api/v1/search?q={SPAM_WORD}"]
    pages += [f"/api/v1/papers/{paper.pk}/summaries" for paper in demo["papers"]]
    return pages


# Words only the spam itself holds (a search page repeats the words searched for).
MARKERS = ("Best prices", f"{SPAM_HOST}/cheapest")


def visible_spam(pages) -> list[str]:
    visitor = Client()
    bodies = {path: visitor.get(path, follow=True).content.decode() for path in pages}
    return [path for path, body in bodies.items() if any(m in body for m in MARKERS)]


def test_a_spam_wave_reaches_no_visitor_waits_for_moderators_and_goes_in_one_click(wave, demo, bob):
    rows = spam_rows(wave)
    assert len(rows) == ACCOUNTS * 5  # a summary, three comments and a question each

    pages = public_pages(demo)
    assert visible_spam(pages) == []
    assert all(not row.is_shown for row in rows)
    queued = {(flag.target_type.model, flag.target_id) for flag in Flag.objects.open()}
    assert {(type(row)._meta.model_name, row.pk) for row in rows} <= queued

    moderator = Client()
    moderator.force_login(bob)
    queue = moderator.get("/moderation/")
    assert queue.status_code == 200
    assert "Best prices" in queue.text

    clicks = 0
    while Flag.objects.open().filter(author__in=wave).exists():
        moderator.post("/moderation/bulk", {"action": "spammer", "all_matching": "1"})
        clicks += 1
        assert clicks <= 3, "a wave should take a click or two, not one per post"
    print(f"moderator POSTs to clear a wave of {ACCOUNTS} accounts: {clicks}")
    assert clicks == 1
    assert all(User.objects.get(pk=person.pk).is_spammer for person in wave)
    assert visible_spam(pages) == []


def test_the_demos_established_writers_are_never_held(wave, demo):
    """Right after the wave, each demo writer posts a summary, a comment and a question,
    links included, through the forms: none of it waits for a moderator."""
    writers = User.objects.filter(summaries__isnull=False, trust_level__gte=TrustLevel.MEMBER)
    writers = list(writers.distinct().order_by("username"))
    assert len(writers) >= 6, "the demo's writers are trusted"
    link = "see https://arxiv.org/abs/1512.03385 and https://github.com/KaimingHe"
    for n, writer in enumerate(writers):
        client = Client()
        client.force_login(writer)
        target = demo["summaries"][n % len(demo["summaries"])]
        client.post(f"/summaries/{target.pk}/comments", {"source": f"A fair point; {link} ({n})."})
        paper = Paper.objects.exclude(summaries__author=writer).order_by("pk")[n]
        client.post(
            f"/papers/{paper.pk}/write",
            {"source": f"The paper's idea in brief; {link}.", "visibility": "public"},
        )
        client.post(
            f"/papers/{paper.pk}/questions",
            {"title": f"How does this compare with ResNet ({n})?", "source": link},
        )
    posted = [
        model.objects.filter(author__in=writers, created_at__gte=demo["started"])
        for model in (Summary, Comment, Question)
    ]
    assert [rows.count() for rows in posted] == [len(writers)] * 3
    held = sum(rows.exclude(moderation="ok").count() for rows in posted)
    print(f"posts by established demo writers held: {held} of {3 * len(writers)}")
    assert held == 0
