"""Signed-in readers' shared copies (precis/core/readerpages.py): one copy per page, each
reader's own state filled in, and nothing of one reader's ever in another's page."""

import pickle
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from precis.accounts.models import Block
from precis.accounts.tests.factories import UserFactory
from precis.core import generations, readerpages
from precis.discussions.models import Comment
from precis.lib.moderation import ModerationState
from precis.notifications.models import Follow, Notification
from precis.papers.models import SummaryRequest
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.models import Summary, Vote
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def reader_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: each render masks the token afresh."""
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', html)


def site_header(html: str) -> str:
    return html.split('<header class="site-header">')[1].split("</header>")[0]


def whole_page(user, url, settings) -> str:
    """The page rendered for ``user`` with no shared copy (the reference)."""
    old = settings.PAGE_CACHE_SECONDS
    settings.PAGE_CACHE_SECONDS = 0
    try:
        return get(reader_client(user), url)
    finally:
        settings.PAGE_CACHE_SECONDS = old


@pytest.fixture
def site(alice):
    """A venue, papers with listed summaries by alice and another writer, one unsummarised."""
    venue = VenueFactory(key="icml", name="ICML")
    dave = UserFactory(username="dave", display_name="Dave Writer")
    papers = [PaperFactory(venue=venue, year=2015) for _ in range(3)]
    summaries = [
        SummaryFactory(author=dave, paper=papers[0], source="First summary, about graphs."),
        SummaryFactory(author=dave, paper=papers[1], source="Second summary, about graphs."),
        SummaryFactory(author=alice, paper=papers[2], source="Alice explains graphs."),
    ]
    waiting = PaperFactory(venue=venue, year=2015)
    return {
        "venue": venue,
        "dave": dave,
        "papers": papers,
        "summaries": summaries,
        "waiting": waiting,
    }


def pages_of(site) -> list[str]:
    first = site["summaries"][0]
    return [
        "/",
        "/?tab=recent",
        "/?tab=best",
        first.paper.get_absolute_url(),
        site["waiting"].get_absolute_url(),
        first.get_absolute_url(),
        site["dave"].get_absolute_url(),
        "/venues/icml/",
        "/venues/icml/2015/",
        "/topics/cs.LG/",
        first.paper.ordered_authors()[0].get_absolute_url(),
        "/search?q=graphs",
    ]


def give_state(reader, site):
    """Votes, a follow, a request and an unread notification: all of it per reader."""
    first, second = site["summaries"][0], site["summaries"][1]
    Vote.objects.create(summary=first, voter=reader, value=1)
    Vote.objects.create(summary=second, voter=reader, value=-1)
    Follow.objects.create(follower=reader, paper=first.paper)
    Follow.objects.create(follower=reader, venue=site["venue"])
    Follow.objects.create(follower=reader, user=site["dave"])
    SummaryRequest.objects.create(requester=reader, paper=site["waiting"])
    notify(reader)


def notify(reader):
    Notification.objects.create(
        recipient=reader,
        kind=Notification._meta.get_field("kind").choices[0][0],
        actor_name="x",
        text="Hi",
        url="/",
    )


def test_each_reader_gets_the_page_as_if_it_were_rendered_for_them(site, carol, settings):
    """Filled-in shared copies equal whole renders, byte for byte but the CSRF tokens,
    for a reader with state and one without, on every shared page."""
    erin = UserFactory(username="erin", display_name="Erin <Reader> & co")
    give_state(carol, site)
    for url in pages_of(site):
        for reader in (carol, erin):
            client = reader_client(reader)
            first, second = get(client, url), get(client, url)  # a miss, then a copy
            expected = without_tokens(whole_page(reader, url, settings))
            assert without_tokens(first) == expected, url
            assert without_tokens(second) == expected, url


def test_a_copy_carries_the_headers_of_a_whole_render(site, carol, settings):
    """The security headers above all: the site's policy on a copy is built once
    (core/contentpolicy.py), and must be the one django-csp gives a whole render."""
    url = site["summaries"][0].paper.get_absolute_url()
    client = reader_client(carol)
    client.get(url)
    copy = client.get(url)
    settings.SHARED_READER_PAGES = False
    whole = client.get(url)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Vary"):
        assert copy.get(header) == whole.get(header), header
    assert "default-src 'self'" in copy["Content-Security-Policy"]


def test_pages_are_served_from_one_shared_copy(site, carol, monkeypatch):
    renders = count_renders(monkeypatch)
    carols, erins = reader_client(carol), reader_client(UserFactory(username="erin"))
    for url in pages_of(site):
        rendered = len(renders)
        get(carols, url)
        get(erins, url)
        assert len(renders) == rendered + 1, url  # Erin got Carol's copy, filled in for her


def test_a_reader_never_sees_another_readers_state(site, carol, settings):
    erin = UserFactory(username="erin", display_name="Erin Elsewhere")
    give_state(carol, site)
    first = site["summaries"][0]
    for url in pages_of(site):
        carols = get(reader_client(carol), url)
        erins = get(reader_client(erin), url)
        assert "Carol Stranger" in carols and "Carol Stranger" not in erins, url
        assert "Erin Elsewhere" in erins and "Erin Elsewhere" not in carols, url
        assert 'aria-pressed="true"' not in erins, url
        assert "Withdraw my request" not in erins, url
        assert ">Following<" not in erins, url
        assert not set(CSRF_INPUT.findall(carols)) & set(CSRF_INPUT.findall(erins)), url
    paper_page = get(reader_client(carol), first.paper.get_absolute_url())
    assert 'value="clear" class="vote-button vote-up" aria-pressed="true"' in paper_page
    assert ">Following<" in paper_page
    assert "Withdraw my request" in get(reader_client(carol), site["waiting"].get_absolute_url())


def test_the_unread_count_is_each_readers_own(site, carol):
    erin = UserFactory(username="erin")
    notify(carol)
    notify(carol)
    assert "Notifications: 2 unread" in get(reader_client(carol), "/")
    page = get(reader_client(erin), "/")
    assert "unread" not in site_header(page)


def test_the_writer_of_something_on_the_page_gets_it_rendered_for_them(site, alice, carol):
    """Alice's own summary shows her owner controls, on a page others get from a copy."""
    own = site["summaries"][2]
    get(reader_client(carol), own.get_absolute_url())  # the shared copy
    page = get(reader_client(alice), own.get_absolute_url())
    assert "Edit summary" in page
    assert "Edit summary" not in get(reader_client(carol), own.get_absolute_url())
    profile = get(reader_client(alice), alice.get_absolute_url())
    assert 'aria-current="page">Your profile' in profile


def test_the_writer_opens_their_own_private_summary_others_get_404(site, alice, carol):
    private = SummaryFactory(author=alice, paper=site["waiting"], visibility="private")
    assert reader_client(carol).get(private.get_absolute_url()).status_code == 404
    assert reader_client(alice).get(private.get_absolute_url()).status_code == 200
    assert reader_client(carol).get(private.get_absolute_url()).status_code == 404


def test_a_private_summary_never_reaches_the_shared_copy(site, alice, carol):
    paper = site["summaries"][0].paper
    SummaryFactory(author=alice, paper=paper, source="Secret draft words.", visibility="private")
    mine = get(reader_client(alice), paper.get_absolute_url())
    assert "Secret draft words" in mine
    assert "Edit your summary" in mine
    theirs = get(reader_client(carol), paper.get_absolute_url())
    assert "Secret draft words" not in theirs
    assert "Edit your summary" not in theirs


def test_held_and_hidden_content_seen_by_owner_or_moderator_stays_theirs(site, alice, bob, carol):
    summary = site["summaries"][0]
    Comment.objects.create(
        summary=summary, author=alice, source="Held remark.", html="<p>Held remark.</p>",
        moderation=ModerationState.HELD,
    )  # fmt: skip
    hidden = SummaryFactory(author=alice, paper=summary.paper, source="Hidden words.")
    Summary.objects.filter(pk=hidden.pk).update(moderation=ModerationState.HIDDEN)
    assert "Held remark" in get(reader_client(alice), summary.get_absolute_url())
    assert "Hidden words" in get(reader_client(bob), hidden.get_absolute_url())
    assert "Hidden words" in get(reader_client(alice), summary.paper.get_absolute_url())
    for url in (summary.get_absolute_url(), summary.paper.get_absolute_url(), "/"):
        page = get(reader_client(carol), url)
        assert "Held remark" not in page and "Hidden words" not in page, url
    assert reader_client(carol).get(hidden.get_absolute_url()).status_code == 404


def test_readers_who_mute_someone_get_their_own_page(site, carol):
    Block.objects.create(who=carol, whom=site["dave"], kind=Block.Kind.MUTE)
    erin = UserFactory(username="erin")
    assert "First summary" in get(reader_client(erin), "/")
    assert "First summary" not in get(reader_client(carol), "/")
    assert "First summary" in get(reader_client(erin), "/")


def test_a_voter_sees_their_vote_at_once_and_others_within_seconds(site, carol, settings):
    summary = site["summaries"][0]
    voter, other = reader_client(carol), reader_client(UserFactory(username="erin"))
    url = summary.paper.get_absolute_url()
    assert "data-score>0<" in get(other, url)
    generation = generations.current()
    voter.post(reverse("summaries:vote", args=[summary.pk]), {"value": "up"})
    assert generations.current() == generation  # a vote empties no cache
    page = get(voter, url)
    assert 'aria-pressed="true"' in page and "data-score>1<" in page
    assert "data-score>0<" in get(other, url)  # the shared copy, up to a few seconds old
    settings.VOTE_STALENESS_SECONDS = 0
    assert "data-score>1<" in get(other, url)
    assert 'aria-pressed="true"' not in get(other, url)


def test_a_new_public_summary_shows_to_signed_in_readers_at_once(site, carol):
    paper = site["waiting"]
    reader = reader_client(carol)
    assert "Freshly explained" not in get(reader, "/")
    writer = reader_client(site["dave"])
    writer.post(
        reverse("summaries:write", args=[paper.pk]),
        {"source": "Freshly explained, in plain words.", "visibility": "public", "save": ""},
    )
    assert "Freshly explained" in get(reader, "/")
    assert "Freshly explained" in get(reader, paper.get_absolute_url())


def test_a_copy_costs_a_constant_number_of_queries(site, carol, settings):
    for n in range(12):
        SummaryFactory(paper=PaperFactory(), source=f"More summary {n}.")
    give_state(carol, site)
    client = reader_client(carol)
    counts = {}
    for url in ("/", site["summaries"][0].paper.get_absolute_url(), "/venues/icml/"):
        get(client, url)
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        counts[url] = len(queries)
    # one statement for the session (this process has read it before), the reader and
    # all their state on the page
    assert counts == dict.fromkeys(counts, 1), counts


def test_hostile_text_cannot_forge_a_hole(site, alice, carol):
    """Only the server's secret makes a marker: text shaped like one stays text, on the
    page a reader gets from the shared copy."""
    fakes = [
        "xq" + "0" * 20 + "_vcsrf_",
        "xq" + readerpages._secret()[:19] + "_h0_",
        readerpages.marker("v", "csrf").replace("xq", "xQ"),
    ]
    title = " ".join(fakes)
    summary = SummaryFactory(author=alice, paper=PaperFactory(title=title), source=title)
    for url in ("/", summary.paper.get_absolute_url(), summary.get_absolute_url()):
        get(reader_client(carol), url)
        page = get(reader_client(carol), url)
        for fake in fakes:
            assert fake in page, url
        assert len(set(CSRF_INPUT.findall(page))) == 1, url


@pytest.mark.parametrize(
    "query", ["q=%00", "q=" + "x" * 200_000, "page=99999999999999999999", "q=%ED%A0%80"]
)
def test_hostile_queries_never_break_a_shared_page(site, carol, query):
    response = reader_client(carol).get("/search?" + query)
    assert response.status_code in (200, 400)
    response = reader_client(carol).get("/?" + query)
    assert response.status_code in (200, 400)


def test_reading_notifications_empties_no_cache_and_the_bell_follows_at_once(site, carol):
    notify(carol)
    client = reader_client(carol)
    assert "Notifications: 1 unread" in get(client, "/")
    generation = generations.current()
    client.post(reverse("notifications:read_all"))
    assert generations.current() == generation
    assert "unread" not in site_header(get(client, "/"))


def count_renders(monkeypatch) -> list:
    renders = []
    render_shared = readerpages._render_shared

    def counted(*args, **kwargs):
        renders.append(args[1].path)
        return render_shared(*args, **kwargs)

    monkeypatch.setattr(readerpages, "_render_shared", counted)
    return renders


def test_a_copy_serves_from_the_cache_where_the_process_holds_no_body(site, carol, monkeypatch):
    """As another process, or this one after holding other bodies, would read it."""
    renders = count_renders(monkeypatch)
    client, url = reader_client(carol), site["summaries"][0].get_absolute_url()
    first = get(client, url)
    monkeypatch.setattr(readerpages, "_bodies", {})
    assert without_tokens(get(client, url)) == without_tokens(first)
    assert renders == [url] and len(readerpages._bodies) == 1


def test_a_copy_kept_by_an_earlier_release_is_rendered_again(site, carol, monkeypatch):
    """A copy in the shared cache whose body lacks today's hole reads (kept before an
    upgrade) is a miss, not an error."""
    renders = count_renders(monkeypatch)
    client, url = reader_client(carol), site["summaries"][0].get_absolute_url()
    first = get(client, url)
    key = readerpages._key(client.get(url).wsgi_request)
    cached = caches[generations.PAGES_CACHE].get(key)
    old_body = pickle.loads(cached["body"])  # noqa: S301 (the test's own pickle)
    del old_body["reads"], old_body["kinds"]
    cached["body"] = pickle.dumps(old_body)
    caches[generations.PAGES_CACHE].set(key, cached)
    monkeypatch.setattr(readerpages, "_bodies", {})
    generations.forget_near_copies()  # as a process started on the new release
    assert without_tokens(get(client, url)) == without_tokens(first)
    assert renders == [url, url]


def test_a_process_holds_a_bounded_number_of_bodies(site, carol, monkeypatch):
    monkeypatch.setattr(readerpages, "BODIES_KEPT", 2)
    monkeypatch.setattr(readerpages, "_bodies", {})
    client = reader_client(carol)
    for url in pages_of(site):
        get(client, url)
    assert len(readerpages._bodies) == 2


# --- the reader and their state are read in one statement on a hit; what the session
# says is still checked as Django checks it


def warmed(user, url) -> Client:
    """``user``'s client, after a first request has made the page's shared copy."""
    client = reader_client(user)
    get(client, url)
    return client


def test_a_reader_whose_password_changed_since_is_signed_out_on_a_hit(site, carol, monkeypatch):
    renders = count_renders(monkeypatch)
    client = warmed(carol, "/")
    carol.set_password("a new and different passphrase")
    carol.save()
    header = site_header(get(client, "/"))
    assert "Sign in" in header
    assert carol.public_name not in header
    assert "_auth_user_id" not in client.session  # Django flushed the stale session
    assert renders == ["/"]


def test_a_reader_deleted_since_gets_a_signed_out_page(site, carol):
    client = warmed(carol, "/")
    carol.delete()
    header = site_header(get(client, "/"))
    assert "Sign in" in header


def test_a_reader_suspended_since_gets_their_page_rendered_for_them(site, carol, monkeypatch):
    client = warmed(carol, "/")
    renders = count_renders(monkeypatch)
    shared = readerpages._fill
    fills = []
    monkeypatch.setattr(readerpages, "_fill", lambda *a: fills.append(1) or shared(*a))
    carol.suspended_until = carol.date_joined.replace(year=carol.date_joined.year + 100)
    carol.save()
    get(client, "/")
    assert renders == [] and fills == []


# Only Precis writes a session, so its id is always a number; not always one a reader has.
@pytest.mark.parametrize("stored_id", ["-5", "0", "9" * 30, str(2**63), "123456789"])
def test_a_session_naming_no_reader_is_a_signed_out_visit(site, carol, stored_id):
    client = warmed(carol, "/")
    session = client.session
    session["_auth_user_id"] = stored_id
    session.save()
    assert "Sign in" in site_header(get(client, "/"))


def test_a_readers_row_and_state_on_a_hit_match_a_whole_render(site, carol, settings):
    give_state(carol, site)
    for url in pages_of(site):
        client = warmed(carol, url)
        assert without_tokens(get(client, url)) == without_tokens(whole_page(carol, url, settings))


def test_a_session_that_names_someone_else_since_is_read_for_them(site, alice, carol, settings):
    """Each process remembers which reader a session named; a hit reads that reader with
    the session, and what the session says now decides."""
    give_state(carol, site)
    client = warmed(carol, "/")
    assert carol.public_name in site_header(get(client, "/"))
    session = client.session
    session["_auth_user_id"] = str(alice.pk)
    session["_auth_user_hash"] = alice.get_session_auth_hash()
    session.save()
    page = get(client, "/")
    assert alice.public_name in site_header(page)
    assert carol.public_name not in site_header(page)
    assert "Notifications: 1 unread" not in page  # carol's
    assert without_tokens(page) == without_tokens(whole_page(alice, "/", settings))


def test_a_session_ended_elsewhere_gets_a_signed_out_page_at_once(site, carol):
    """As when the reader signs out on another device: the session is gone from the
    database (and the cache), though this process remembers whom it named."""
    client = warmed(carol, "/")
    get(client, "/")
    client.session.delete()
    assert "Sign in" in site_header(get(client, "/"))
