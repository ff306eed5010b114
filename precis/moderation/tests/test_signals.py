"""Each spam signal on its own: links, blocked hosts, near-duplicates, throw-away addresses."""

import random

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.moderation import signals
from precis.moderation.models import BlockedHost, Fingerprint

LONG_TEXT = (
    "Residual connections let very deep networks train because each block only has to "
    "learn a small correction to the identity, and the gradient flows through the "
    "shortcut unchanged. The authors compare plain and residual networks of the same "
    "depth and find that the plain ones get worse as they get deeper while the residual "
    "ones keep improving."
)


# -- finding links in Markdown -----------------------------------------------------------


def test_it_finds_markdown_links_autolinks_reference_links_images_and_bare_urls():
    text = (
        "See [the post](https://blog.example.com/a) and <https://shop.example.net/b>.\n"
        "Bare: http://x.example.org/c, or www.www-host.example/d!\n"
        "![chart](https://img.example.com/c.png)\n\n"
        "[ref]: https://ref.example.com/e\n"
    )
    links = signals.links_in(text)
    assert links.urls == (
        "https://blog.example.com/a",
        "https://shop.example.net/b",
        "http://x.example.org/c",
        "www.www-host.example/d",
        "https://img.example.com/c.png",
        "https://ref.example.com/e",
    )
    assert links.images == ("https://img.example.com/c.png",)
    assert links.hosts == {
        "blog.example.com", "shop.example.net", "x.example.org", "www.www-host.example",
        "img.example.com", "ref.example.com",
    }  # fmt: skip


def test_it_counts_links_to_papers_code_and_this_site_as_familiar(settings):
    settings.SITE_URL = "https://precis.example"
    text = (
        "[paper](https://arxiv.org/abs/1512.03385), https://en.wikipedia.org/wiki/ResNet, "
        "https://github.com/a/b, https://precis.example/papers/1/, [here](/papers/2/), "
        "arXiv:1512.03385 and doi:10.1109/CVPR.2016.90"
    )
    links = signals.links_in(text)
    assert len(links.urls) == 4
    assert links.unfamiliar == ()


def test_it_ignores_malformed_hosts():
    assert signals.host_of("http://[oops") == ""
    assert signals.links_in("http://[oops and more").hosts == set()


# -- link count and share --------------------------------------------------------------------


def test_a_few_links_cost_nothing_and_each_further_one_a_point_up_to_a_cap():
    def text(n):
        return LONG_TEXT + " " + " ".join(f"https://site{i}.example/" for i in range(n))

    assert signals.link_count_signal(signals.links_in(text(2))).points == 0
    assert signals.link_count_signal(signals.links_in(text(3))).points == 1
    assert signals.link_count_signal(signals.links_in(text(5))).points == 3
    many = signals.link_count_signal(signals.links_in(text(40)))
    assert many.points == signals.MAX_LINK_POINTS
    assert many.text == "40 links to other sites"


def test_text_that_is_mostly_link_scores_and_a_link_in_a_long_text_does_not():
    spam = "Great post! https://cheap-pills.example/buy-now-best-price"
    assert signals.link_share_signal(spam, signals.links_in(spam)).points == 3
    some = (
        "I wrote a longer note about why the shortcut helps the gradient at "
        "https://myblog.example/resnets if you want it."
    )
    assert signals.link_share_signal(some, signals.links_in(some)).points == 1
    fine = LONG_TEXT + " More at https://myblog.example/resnets."
    assert signals.link_share_signal(fine, signals.links_in(fine)).points == 0
    assert signals.link_share_signal(LONG_TEXT, signals.links_in(LONG_TEXT)).points == 0


# -- blocked hosts -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_blocked_host_and_its_subdomains_score_and_learned_ones_weigh_less():
    BlockedHost.objects.create(host="Spam.Example.")  # saved normalised
    BlockedHost.objects.create(host="maybe.example", learned=True)
    assert BlockedHost.objects.filter(host="spam.example").exists()

    def signal(text):
        return signals.blocked_host_signal(signals.links_in(text))

    assert signal("see https://www.spam.example/x").points == signals.BLOCKED_HOST_POINTS
    assert signal("see https://a.b.spam.example/x").text == "links to a blocked host: spam.example"
    assert signal("see https://maybe.example/").points == signals.LEARNED_HOST_POINTS
    assert signal("https://maybe.example/ https://spam.example/").points == 10
    assert signal("see https://notspam.example/ and https://example/").points == 0
    assert signal("no links at all").points == 0


@pytest.mark.django_db
def test_it_learns_unfamiliar_hosts_but_never_familiar_or_everyday_ones(bob):
    BlockedHost.objects.create(host="known.example", reason="by hand")
    added = signals.learn_hosts(
        [
            "Buy at https://pills.example/ and https://www.pills.example/x",
            "https://known.example/ https://arxiv.org/abs/1 https://youtube.com/watch",
        ],
        added_by=bob,
        reason="Linked by a spammer.",
    )
    assert added == ["pills.example", "www.pills.example"]
    assert BlockedHost.objects.get(host="pills.example").learned
    assert BlockedHost.objects.get(host="known.example").reason == "by hand"  # left as it was
    assert not BlockedHost.objects.filter(host__in=["arxiv.org", "youtube.com"]).exists()


# -- SimHash and near-duplicates -------------------------------------------------------------


def test_the_simhash_ignores_case_spacing_punctuation_and_where_links_point():
    first = signals.simhash(LONG_TEXT + " https://pills.example/a")
    assert first == signals.simhash(LONG_TEXT) and 0 <= first < 2**64
    copy = LONG_TEXT.upper().replace(", ", " ; ").replace(" ", "\n  ") + " www.other.example/b"
    assert signals.simhash(copy) == first
    other = "Batch normalisation normalises each layer's inputs over the mini-batch " * 3
    assert signals.distance(first, signals.simhash(other)) > 10


def test_a_one_word_edit_of_a_long_text_stays_near():
    rng = random.Random(0)
    vocabulary = [
        "the",
        "a",
        "deep",
        "network",
        "layer",
        "residual",
        "gradient",
        "shortcut",
        "identity",
        "block",
        "depth",
    ]
    words = [rng.choice(vocabulary) for _ in range(400)]
    before = signals.simhash(" ".join(words))
    words[200] = "changed"
    assert signals.distance(before, signals.simhash(" ".join(words))) <= signals.NEAR_DISTANCE


def test_short_text_has_no_simhash():
    assert signals.simhash("Thanks, this is very clear!") is None
    assert signals.fingerprint_fields("Thanks!")["simhash"] is None


def test_stored_hashes_are_signed_64_bit_and_their_bands_cover_the_hash():
    value = 2**64 - 1
    assert signals.to_signed(value) == -1
    assert signals.distance(value, -1) == 0
    assert signals.bands(value) == [0xFFFF] * 4
    assert sum(b << (16 * i) for i, b in enumerate(signals.bands(0x1234_5678_9ABC_DEF0))) == (
        0x1234_5678_9ABC_DEF0
    )


def test_two_hashes_within_three_bits_always_share_a_band():
    rng = random.Random(7)
    for _ in range(200):
        value = rng.getrandbits(64)
        flipped = value
        for bit in rng.sample(range(64), 3):
            flipped ^= 1 << bit
        assert set(enumerate(signals.bands(value))) & set(enumerate(signals.bands(flipped)))


@pytest.mark.django_db
def test_it_finds_recent_near_duplicates_by_other_accounts_but_leaves_out_the_item_itself():
    writer, copier = UserFactory(), UserFactory()
    Fingerprint.objects.create(
        author=writer, kind="comment", object_id=1, **signals.fingerprint_fields(LONG_TEXT)
    )
    near = signals.near_duplicates(LONG_TEXT + " Buy at https://pills.example/now")
    assert [m.author_id for m in near] == [writer.pk]
    assert signals.duplicate_signal(near, author_id=copier.pk).points == signals.DUPLICATE_POINTS
    assert signals.near_duplicates(LONG_TEXT, exclude=("comment", 1)) == []
    assert signals.duplicate_signal(near, author_id=writer.pk).points == 0  # one's own text


def test_more_accounts_or_a_spammer_weigh_more_and_ones_own_repeats_a_little():
    copies = [signals.Match(author_id=i, is_spammer=False, distance=0) for i in (2, 3, 4)]
    assert signals.duplicate_signal(copies, author_id=1).points == signals.CAMPAIGN_POINTS
    spam = [signals.Match(author_id=2, is_spammer=True, distance=1)]
    assert signals.duplicate_signal(spam, author_id=1).points == signals.SPAMMER_COPY_POINTS
    own = [signals.Match(author_id=1, is_spammer=False, distance=0)] * 2
    assert signals.duplicate_signal(own, author_id=1).points == signals.OWN_REPEAT_POINTS
    assert signals.duplicate_signal(own[:1], author_id=1).points == 0


@pytest.mark.django_db
def test_it_compares_only_the_last_seven_days(django_assert_max_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    row = Fingerprint.objects.create(
        author=UserFactory(), kind="answer", object_id=9, **signals.fingerprint_fields(LONG_TEXT)
    )
    Fingerprint.objects.filter(pk=row.pk).update(screened_at=timezone.now() - timedelta(days=8))
    with django_assert_max_num_queries(1):
        assert signals.near_duplicates(LONG_TEXT) == []


@pytest.mark.django_db
def test_it_forgets_fingerprints_after_thirty_days():
    from datetime import timedelta

    from django.utils import timezone

    old, new = (
        Fingerprint.objects.create(author=UserFactory(), kind="comment", object_id=i)
        for i in (1, 2)
    )
    Fingerprint.objects.filter(pk=old.pk).update(screened_at=timezone.now() - timedelta(days=31))
    assert signals.forget_old_fingerprints() == 1
    assert list(Fingerprint.objects.all()) == [new]
    assert signals.forget_old_fingerprints() == 0


# -- the author's address -------------------------------------------------------------------


def test_a_throw_away_address_is_a_signal_and_subdomains_count(db):
    assert signals.disposable_email_signal(UserFactory(email="a@mailinator.com")).points == 2
    assert signals.disposable_email_signal(UserFactory(email="b@x.mailinator.com")).points == 2
    assert signals.disposable_email_signal(UserFactory(email="c@example.org")).points == 0


@pytest.mark.parametrize(
    "text",
    [
        "[x](//evil.example/buy)",
        "[x](https&#58;//evil.example/buy)",
        "[x](https:&#47;&#47;evil.example/buy)",
        "[x](http:evil.example)",
        "[x][r]\n\n[r]: //evil.example",
    ],
)
def test_it_finds_every_link_the_renderer_makes_however_it_is_spelt(text):
    assert signals.links_in(text).hosts == {"evil.example"}


def test_a_host_longer_than_dns_allows_costs_no_time_and_is_never_learned(alice):
    text = "http://" + "a." * 30_000 + "example"  # within the 60,000-character limit
    assert signals.links_in(text).unfamiliar
    assert signals.learn_hosts([text], added_by=alice, reason="test") == []


def test_marking_a_spammer_learns_from_what_was_hidden_before_too(alice, bob):
    from precis.moderation import services
    from precis.moderation.tests.factories import hide, make

    comment = make("comment", alice)
    comment.source = "Cheap at https://earlier-hidden.example/buy"
    comment.save(update_fields=["source"])
    hide(comment, bob)
    services.mark_spammer(moderator=bob, person=alice)
    assert BlockedHost.objects.filter(host="earlier-hidden.example", learned=True).exists()
