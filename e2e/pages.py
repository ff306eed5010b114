"""A small site that stresses layout, and the list of every page a person can reach on it.

Built through the real services (summaries, comments, questions, collections), so the
HTML is what the renderer makes: wide display math, a table, long author lists and
words with no place to break, a venue with several years, a moderator with a queue.
"""

from dataclasses import dataclass, field

from precis.accounts.tests.factories import PASSWORD, UserFactory
from precis.collections import services as collections
from precis.discussions import services as discussions
from precis.moderation.tests.factories import hold, make_moderator
from precis.notifications import services as notifications
from precis.papers import claims, demand
from precis.papers.models import Identifier
from precis.papers.tests.factories import PaperFactory, VenueFactory
from precis.summaries import services as summaries

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3

WIDE_SUMMARY = rf"""## What the paper does

The paper trains a residual network whose blocks learn $\mathcal{{F}}(x) = H(x) - x$ rather than
$H(x)$, so that $y = \mathcal{{F}}(x, \{{W_i\}}) + x$ and $\log D$ stays small.

$$\mathcal{{L}}(\theta) = \sum_{{i=1}}^{{N}} \left( y_i - \sum_{{k=1}}^{{K}} \frac{{\exp(w_k^\top x_i + b_k)}}{{\sum_{{j=1}}^{{K}} \exp(w_j^\top x_i + b_j)}} \cdot \mathrm{{softmax}}\left(\frac{{Q K^\top}}{{\sqrt{{d_k}}}}\right) V \right)^2 + \lambda \lVert \theta \rVert_2^2 + \mu \sum_{{\ell=1}}^{{L}} \lVert W_\ell - W_{{\ell-1}} \rVert_F^2$$

The optimum is $\min_G \max_D V(D, G)$, with cases

$$f(x) = \begin{{cases}} x^2 & x \ge 0 \\ -x & x < 0 \end{{cases}} \qquad A = \begin{{pmatrix}} 1 & 2 & 3 \\ 4 & 5 & 6 \end{{pmatrix}}$$

Inline, a long note: $\text{{the expected return under the behaviour policy divided by the target policy}}$.

| Model | Depth | Top-1 error | Top-5 error | Parameters | FLOPs | Training time on eight GPUs |
|-------|------:|------------:|------------:|-----------:|------:|-----------------------------|
| ResNet-34 | 34 | 21.53 | 5.60 | 21.8M | 3.6G | two weeks and a bit, with a learning-rate schedule |
| ResNet-152 | 152 | 19.38 | 4.49 | 60.2M | 11.3G | almost a month on the cluster in the basement |

A word that never breaks: {LONG_WORD}, and a link
https://example.org/{LONG_WORD}/{LONG_WORD}.

```
for block in range(number_of_blocks_in_this_very_deep_network_with_a_long_line_of_code): y = f(x) + x
```

### Why it matters

Deeper networks train as easily as shallow ones, @{{writer}} notes.
"""

PLAIN_SUMMARY = """Attention replaces recurrence: every token looks at every other token.

Scores are scaled by $\\sqrt{d_k}$ so the softmax does not saturate:

$$\\mathrm{softmax}\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$$
"""

MANY_AUTHORS = [f"Author Number{n} Withaverylongsurname{n}" for n in range(40)]


@dataclass
class Site:
    writer: object
    reader: object
    moderator: object
    wide_paper: object
    plain_paper: object
    empty_paper: object
    wide_summary: object
    plain_summary: object
    question: object
    comment: object
    collection: object
    venue: object
    author: object
    topic: str = "cs.LG"
    password: str = PASSWORD
    extra: dict = field(default_factory=dict)


def build_site() -> Site:
    writer = UserFactory(
        username="writer_" + "w" * 40,
        display_name=f"Wilhelmina {LONG_WORD[:60]}",
    )
    writer.bio = f"Writes about deep learning. {LONG_WORD}"
    writer.save(update_fields=["bio"])
    reader = UserFactory(username="reader", display_name="Reader Person")
    moderator = make_moderator("mod_mina")

    venue = VenueFactory(
        key="neurips",
        name="Conference on Neural Information Processing Systems and Its Workshops",
    )
    wide_paper = PaperFactory(
        title=f"Deep residual learning for image recognition: {LONG_WORD}",
        abstract=f"Deeper neural networks are more difficult to train. {LONG_WORD}. " * 6,
        venue=venue,
        year=2016,
        keywords=["residual networks", LONG_WORD[:50]],
        categories=["cs.LG", "cs.CV"],
        authors=MANY_AUTHORS,
    )
    Identifier.objects.create(paper=wide_paper, scheme="arxiv", value="1512.03385")
    plain_paper = PaperFactory(
        title="Attention is all you need",
        venue=venue,
        year=2017,
        authors=["Ashish Vaswani", "Noam Shazeer"],
    )
    empty_paper = PaperFactory(title="A paper no one has summarised yet", venue=venue, year=2018)
    for year in range(2010, 2016):
        PaperFactory(venue=venue, year=year, title=f"Older work from {year}")

    wide_summary = summaries.save_summary(
        author=writer,
        paper=wide_paper,
        source=WIDE_SUMMARY.replace("{writer}", reader.username),
        visibility="public",
    )
    # A second revision, so history has a diff to show.
    summaries.save_summary(
        author=writer,
        paper=wide_paper,
        source=WIDE_SUMMARY.replace("{writer}", reader.username).replace(
            "train as easily", "train about as easily"
        ),
        visibility="public",
    )
    plain_summary = summaries.save_summary(
        author=reader, paper=plain_paper, source=PLAIN_SUMMARY, visibility="public"
    )
    summaries.save_summary(
        author=reader,
        paper=wide_paper,
        source=f"A shorter account with $\\sum_i x_i$ and {LONG_WORD}.",
        visibility="public",
    )
    summaries.cast_vote(voter=reader, summary=wide_summary, value=1)

    comment = discussions.post_comment(
        author=reader, summary=wide_summary, source=f"Why does $x_1$ dominate? {LONG_WORD}"
    )
    discussions.post_comment(
        author=writer, summary=wide_summary, source="Because of the skip path.", parent=comment
    )
    question = discussions.ask_question(
        author=reader,
        paper=wide_paper,
        title=f"What does the identity shortcut buy? {LONG_WORD}",
        source="Section 3 says $p(\\theta)$ is flat; why?",
    )
    answer = discussions.post_answer(
        author=writer,
        question=question,
        source="It keeps gradients alive: $\\partial y/\\partial x = 1 + \\ldots$",
    )
    discussions.accept_answer(question=question, answer=answer, by=reader)

    collection = collections.create_collection(
        owner=writer,
        title=f"Reading list: {LONG_WORD[:70]}",
        description="Papers worth *reading* twice.",
        visibility="public",
    )
    section = collections.add_section(collection=collection, title="Foundations")
    collections.add_item(collection=collection, paper=wide_paper, section=section, note=LONG_WORD)
    collections.add_item(collection=collection, paper=plain_paper)

    notifications.follow(follower=writer, paper=plain_paper)
    summaries.save_draft(
        writer=writer,
        paper=empty_paper,
        source=f"Half a thought about {LONG_WORD}, kept by the autosave.",
        visibility="public",
    )
    # Something in the moderation queue.
    spam = summaries.save_summary(
        author=UserFactory(username="newcomer"),
        paper=empty_paper,
        source=f"Buy now {LONG_WORD} https://example.org/a https://example.org/b",
        visibility="public",
    )
    hold(spam)
    add_findings(reader=reader, writer=writer, paper=wide_paper)  # Findings
    # Requests: readers asked for the empty paper, and a writer claimed it.
    demand.request_summary(requester=reader, paper=empty_paper)
    claims.claim_paper(writer=writer, paper=empty_paper)
    train_feeds(writer, reader)  # A feed for you
    add_versions(writer)  # Versions: a paper now at v2, a summary written for v1
    write_public_dump()  # Open data: last, so that it holds everything above

    return Site(
        writer=writer,
        reader=reader,
        moderator=moderator,
        wide_paper=wide_paper,
        plain_paper=plain_paper,
        empty_paper=empty_paper,
        wide_summary=wide_summary,
        plain_summary=plain_summary,
        question=question,
        comment=comment,
        collection=collection,
        venue=venue,
        author=wide_paper.authors.first(),
    )


# Pages with display or inline math from the summaries above.
MATH_PAGES = {"paper", "summary", "history", "home", "home-recent", "home-best", "question"}


def public_pages(site: Site) -> dict[str, str]:
    """Name → path of every page a signed-out reader can open."""
    return {
        "home": "/",
        "home-recent": "/?tab=recent",
        "home-best": "/?tab=best",
        "paper": site.wide_paper.get_absolute_url(),
        "paper-plain": site.plain_paper.get_absolute_url(),
        "paper-empty": site.empty_paper.get_absolute_url(),
        "summary": site.wide_summary.get_absolute_url(),
        "history": f"/summaries/{site.wide_summary.pk}/history",
        "comment": f"/comments/{site.comment.pk}/",
        "venues": "/venues/",
        "venue": site.venue.get_absolute_url(),
        "venue-year": f"/venues/{site.venue.key}/2016/",
        "author": site.author.get_absolute_url(),
        "topic": f"/topics/{site.topic}/",
        "profile": site.writer.get_absolute_url(),
        "writers": "/users/",
        "questions": "/questions/",
        "question": site.question.get_absolute_url(),
        "collection": site.collection.get_absolute_url(),
        "search": "/search?q=residual",
        "search-empty": "/search",
        "about": "/about/",
        "conduct": "/conduct/",
        "add-paper": "/papers/add",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "requests": "/requests/",
        "requests-filtered": f"/requests/?field=cs&venue={site.venue.key}",
        **findings_pages(site),  # Findings
        "not-found": "/no-such-page/",
        "data": "/data/",  # Open data
        "for-you-signed-out": "/for-you/",  # A feed for you: what it is, and a sign-in link
        **versions_pages(),  # Versions: the paper's versions list, the notice and its diff
    }


def signed_in_pages(site: Site) -> dict[str, str]:
    """Name → path of the pages that need an account (the writer's, or a moderator's)."""
    return {
        "editor": f"/summaries/{site.wide_summary.pk}/edit",
        "write": f"/papers/{site.empty_paper.pk}/write",
        "settings": "/settings/",
        "notifications": "/notifications/",
        "drafts": "/drafts/",
        "collection-edit": f"/collections/{site.collection.pk}/edit",
        "collection-new": "/collections/new",
        "for-you": "/for-you/",  # A feed for you: the writer's picks
        "finding-new": f"/findings/papers/{site.wide_paper.pk}/new",  # Findings
        "summary-outdated-own": versions_pages()["summary-outdated"],  # Versions: confirm
        "collect": f"/papers/{site.plain_paper.pk}/collect",  # Browser extension's link
    }


MODERATOR_PAGES = {"moderation": "/moderation/", "moderation-log": "/moderation/log"}
MODERATOR_PAGES["moderation-requests"] = "/moderation/requests"  # Requests


# -- Open data: /data/ lists the site's public dump, written by build_site ---------------


def write_public_dump() -> None:
    """The site's public data dump, into a folder of its own, so /data/ lists its files."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    from precis.exports import dumps

    settings.PUBLIC_DUMP_DIR = Path(tempfile.mkdtemp(prefix="precis-e2e-dumps-"))
    dumps.write_dump(settings.PUBLIC_DUMP_DIR, keep=1)


# -- Findings: an erratum with math, a reply and a status move; a code link in the header --


def add_findings(*, reader, writer, paper) -> None:
    from precis.findings import services as findings

    erratum = findings.report_finding(
        author=reader,
        paper=paper,
        kind="erratum",
        title=f"Equation 3 drops the shortcut's projection {LONG_WORD}",
        source=PLAIN_SUMMARY,
        paper_version="v2",
    )
    findings.post_reply(author=writer, finding=erratum, source=f"Agreed: $W_s x$. {LONG_WORD}")
    findings.change_status(finding=erratum, by=reader, to="resolved")
    findings.report_finding(
        author=writer,
        paper=paper,
        kind="code_data",
        title=f"Official code {LONG_WORD}",
        link_url=f"https://example.org/{LONG_WORD}",
    )


def findings_pages(site: Site) -> dict[str, str]:
    from precis.findings.models import Finding

    finding = Finding.objects.filter(paper=site.wide_paper, kind="erratum").first()
    return {
        "findings": "/findings/",
        "findings-paper": f"/findings/papers/{site.wide_paper.pk}/",
        "finding": finding.get_absolute_url(),
    }


# --- A feed for you ------------------------------------------------------------------------


def train_feeds(writer, reader) -> None:
    """Picks for the writer and the reader, so that /for-you/ shows a full page."""
    from precis.foryou.training import train_readers

    train_readers([writer.pk, reader.pk])


# -- Versions: a paper whose summary was written for an earlier version ------------------

VERSIONS_ARXIV_ID = "1302.2146"


def add_versions(writer) -> None:
    """The paper at v1, the writer's summary of it, then v2 with a longer abstract."""
    from datetime import date

    from precis.importers.base import PaperRecord, VersionRecord
    from precis.papers.services import upsert_paper

    def at(number: int, abstract: str, comments: str) -> PaperRecord:
        return PaperRecord(
            title=f"A paper revised on arXiv: {LONG_WORD}",
            identifiers={"arxiv": VERSIONS_ARXIV_ID},
            abstract=abstract,
            comments=comments,
            source="arxiv",
            versions=[VersionRecord(n, date(2013, 2, 6 * n)) for n in range(1, number + 1)],
        )

    paper, _ = upsert_paper(at(1, f"We study a signature. {LONG_WORD}", "18 pages"))
    summaries.save_summary(author=writer, paper=paper, source=PLAIN_SUMMARY, visibility="public")
    upsert_paper(at(2, f"We study a signature and its reach. {LONG_WORD}", "18 pages; v2: more"))


def versions_pages() -> dict[str, str]:
    from precis.papers.models import Paper

    paper = Paper.objects.by_identifier("arxiv", VERSIONS_ARXIV_ID).get()
    return {
        "paper-versions": paper.get_absolute_url(),
        "summary-outdated": paper.summaries.get().get_absolute_url(),
    }
