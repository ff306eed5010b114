"""Walk every URL pattern with hostile values and check that none of them is a server error.

Each parameter of each route gets values a bored attacker or a broken client would
send (huge numbers, NUL and other control characters, 10,000-character strings,
unbalanced search syntax), and every query parameter the views read gets them too,
as a visitor and as a signed-in user, by GET and by POST. A 4xx is a fine answer;
a 500 (or an exception escaping the view) is a bug.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import httpx
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.moderation import services as moderation
from precis.notifications.models import Notification
from precis.papers.models import Author, Identifier
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries.tests.factories import SummaryFactory

LONG = "a" * 10_000
HUGE = "99999999999999999999"
HOSTILE_TEXT = [
    "a\x00b",
    "\x1b[31m\x07",
    "\u202etxt.exe",
    LONG,
    '"unbalanced (*',
    "NEAR(a b author: -",
    "year:" + HUGE,
    "%",
    "../..",
    "\U0001f600" * 50,
    "<script>alert(1)</script>' OR 1=1 --",
]
HOSTILE_NUMBERS = [HUGE, "9223372036854775808", "2147483648", "-1", "0", "1e9", ""]
HOSTILE_VALUES = HOSTILE_TEXT + HOSTILE_NUMBERS
# Every query-string and form field name the views and the API read.
PARAMETERS = [
    "page", "q", "tab", "field", "reply_to", "comments", "next", "a", "b", "bibtexKey",
    "cursor", "limit", "year", "arxiv", "doi", "dblp", "view", "kind", "source", "title",
    "visibility", "anonymous", "value", "parent", "note", "summary", "section", "direction",
    "action", "paper", "query", "url", "papers", "description", "name", "scope",
    "cause", "author", "reason", "preset", "flags", "shown", "all_shown", "all_matching",
    "moderator", "person", "text",
]  # fmt: skip
SKIPPED_PREFIXES = ("admin/",)  # Django's own admin, staff only
EXPECTED_STATUSES = set(range(200, 500))


@dataclass
class Route:
    name: str
    template: str  # e.g. "papers/{pk}/{slug}/"
    converters: dict[str, str] = field(default_factory=dict)  # parameter → converter kind


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = _route_text(entry.pattern)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern):
            yield prefix + route, f"{namespace}{entry.name or entry.lookup_str}"


def _route_text(pattern) -> str | None:
    """The pattern as ``text<conv:name>`` route syntax; regex routes are translated."""
    if hasattr(pattern, "_route"):
        return str(pattern._route)
    regex = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\Z", "")
    regex = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", regex)
    if re.search(r"[()\[\]*+?|\\]", regex):
        return None  # an alternation or class we cannot fill in; listed by the count check
    return regex


def routes() -> list[Route]:
    found = []
    for text, name in _walk(get_resolver().url_patterns):
        if text.startswith(SKIPPED_PREFIXES):
            continue
        converters = {
            param: kind or "str" for kind, param in re.findall(r"<(?:(\w+):)?(\w+)>", text)
        }
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)
        found.append(Route(name=name, template=template, converters=converters))
    return found


def hostile_for(kind: str) -> list[str]:
    if kind == "int":
        return [HUGE, "9223372036854775808", "2147483648", "0"]
    if kind == "slug":
        return [LONG, "-", "_", "a-" * 2000]
    # Plus bytes that are not UTF-8 at all, which only a raw path can carry.
    return [quote(value, safe="") for value in HOSTILE_TEXT if value] + ["%FF%FE", "a%C0%AF"]


@pytest.fixture
def world(alice, bob, carol, network):
    """One of everything, so that the good values reach deep into each view."""
    network.fail("http", httpx.ConnectError("the network is off in this test"))
    venue = VenueFactory(key="icml")
    paper = PaperFactory(venue=venue, year=2015, arxiv="1502.03167")
    Identifier.objects.create(paper=paper, scheme="doi", value="10.1000/xyz")
    # The member walking is alice: her own summary reaches the owner's pages too.
    summary = SummaryFactory(author=alice, paper=paper)
    SummaryFactory(author=carol, paper=paper, anonymous=True)
    comment = discussions.post_comment(author=carol, summary=summary, source="Why?")
    discussions.post_comment(author=alice, summary=summary, source="Because.", parent=comment)
    question = discussions.ask_question(author=alice, paper=paper, title="Which data?")
    answer = discussions.post_answer(author=carol, question=question, source="ImageNet.")
    collection = collections.create_collection(owner=alice, title="Reading", visibility="public")
    section = collections.add_section(collection=collection, title="Week 1")
    item = collections.add_item(collection=collection, paper=paper, section=section)
    # A queue item for the moderator's walk, and alice's hidden comment for her appeal.
    flag = moderation.report(reporter=carol, row=question, reason="spam").flag
    hidden = discussions.post_comment(author=alice, summary=summary, source="Off topic.")
    moderation.hide(moderator=bob, row=hidden, reason="Off-topic.")
    notification = Notification.objects.filter(recipient=alice).first()
    author = Author.objects.first()
    by_namespace = {
        "papers": paper.pk,
        "summaries": summary.pk,
        "collections": collection.pk,
        "notifications": notification.pk if notification else 1,
        "exports": paper.pk,
        "feeds": paper.pk,
    }
    return {
        "by_namespace": by_namespace,
        "values": {
            "paper_id": paper.pk,
            "summary_id": summary.pk,
            "answer_id": answer.pk,
            "section_id": section.pk,
            "item_id": item.pk,
            "token_id": 1,
            "number": 1,
            "slug": paper.slug or "paper",
            "key": "icml",
            "year": 2015,
            "username": "alice",
            "value": "1502.03167",
            "name": "cs.LG",
            "kind": "paper",
            "section": "summaries",
            "token": "x",
            "rest": "nothing-here",
            "kind_name": "comment",
        },
        "pk_by_route": {
            "discussions:comment_edit": comment.pk,
            "discussions:comment_delete": comment.pk,
            "discussions:comment_history": comment.pk,
            "discussions:question": question.pk,
            "discussions:answer_create": question.pk,
            "discussions:accept": question.pk,
            "discussions:question_delete": question.pk,
            "discussions:answer_vote": answer.pk,
            "discussions:answer_delete": answer.pk,
            "papers:author": author.pk,
            "moderation:report": comment.pk,
            "moderation:appeal": hidden.pk,
            "moderation:act": flag.pk,
            "moderation:item": comment.pk,
        },
    }


def good_values(route: Route, world) -> dict[str, str]:
    namespace = route.name.split(":")[0]
    values = {}
    for param in route.converters:
        if param == "pk":
            value = world["pk_by_route"].get(route.name) or world["by_namespace"].get(namespace, 1)
        else:
            value = world["values"].get(param, "1")
        values[param] = str(value)
    return values


def urls_for(route: Route, world) -> list[str]:
    good = good_values(route, world)
    urls = ["/" + route.template.format(**good)]
    for param, kind in route.converters.items():
        for bad in hostile_for(kind):
            urls.append("/" + route.template.format(**{**good, param: bad}))
    return urls


def query_strings() -> list[str]:
    """Each hostile value in every parameter at once, then mixed rotations."""
    queries = [urlencode(dict.fromkeys(PARAMETERS, value)) for value in HOSTILE_VALUES]
    for shift in range(3):
        mixed = {
            name: HOSTILE_VALUES[(shift + n) % len(HOSTILE_VALUES)]
            for n, name in enumerate(PARAMETERS)
        }
        queries.append(urlencode(mixed))
    return queries


class Tally:
    """Counts requests; keeps one example of each (route, error) pair that failed."""

    def __init__(self):
        self.requests = 0
        self.failures: dict[tuple[str, str], tuple[str, int]] = {}

    def check(self, route: Route, client: Client, method: str, url: str, data=None) -> None:
        self.requests += 1
        try:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data or {})
        except Exception as error:  # an exception that escaped the view is a 500
            self._fail(route, method, url, f"{type(error).__name__}: {str(error)[:200]}")
            return
        if response.status_code not in EXPECTED_STATUSES:
            self._fail(route, method, url, f"status {response.status_code}")

    def _fail(self, route, method, url, what):
        key = (f"{method} {route.name}", what)
        example, count = self.failures.get(key, (url, 0))
        self.failures[key] = (example, count + 1)

    def report(self) -> str:
        return "\n".join(
            f"{where} ×{count}: {what}\n    e.g. {example[:300]}"
            for (where, what), (example, count) in self.failures.items()
        )


def client_for(user) -> Client:
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def no_rate_limits(monkeypatch):
    """Rate limits would turn most of the walk into 429s and hide what lies behind them."""
    from precis.lib import ratelimit

    monkeypatch.setattr(ratelimit, "allow", lambda *args, **kwargs: True)


def test_it_can_fill_in_every_route():
    all_routes = routes()
    assert len(all_routes) > 80
    names = {route.name for route in all_routes}
    for expected in ("papers:detail", "summaries:history", "search:search", "feeds:user"):
        assert expected in names


@pytest.mark.parametrize("route", routes(), ids=lambda route: route.name)
def test_no_hostile_value_is_a_server_error(route, world, alice, bob, no_rate_limits):
    """Hostile path values and query strings as a visitor and a member (and, on the
    moderators' pages, a moderator); hostile forms posted."""
    tally = Tally()
    urls = urls_for(route, world)
    queries = query_strings()
    walkers = (None, alice, bob) if route.name.startswith("moderation:") else (None, alice)
    for user in walkers:
        client = client_for(user)
        for url in urls:
            tally.check(route, client, "GET", url)
        for query in queries:
            tally.check(route, client, "GET", f"{urls[0]}?{query}")
    if route.name != "account_logout":  # it would end the walk's session
        for user in walkers[1:]:
            client = client_for(user)
            for value in HOSTILE_VALUES:
                tally.check(route, client, "POST", urls[0], dict.fromkeys(PARAMETERS, value))
    assert not tally.failures, tally.report()
