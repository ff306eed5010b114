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
        "not-found": "/no-such-page/",
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
    }


MODERATOR_PAGES = {"moderation": "/moderation/", "moderation-log": "/moderation/log"}
