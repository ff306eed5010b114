import pytest
from django.urls import reverse, set_script_prefix

from precis.lib.urls import link

ROUTES = [
    ("papers:detail", (1, "deep-residual-learning")),
    ("papers:detail", (987654321, "paper")),
    ("papers:author", (42, "kaiming-he")),
    ("papers:venue", ("icml",)),
    ("papers:venue_year", ("nips", 2017)),
    ("summaries:detail", (7,)),
    ("accounts:profile", ("mara_k",)),
    ("accounts:profile", ("José.Ñ+tag@home",)),
    ("discussions:question", (3,)),
]


@pytest.mark.parametrize(("name", "args"), ROUTES)
def test_links_are_what_reverse_builds(name, args):
    assert link(name, *args) == reverse(name, args=args)


def test_links_follow_the_script_prefix():
    set_script_prefix("/precis/")
    try:
        assert (
            link("summaries:detail", 7)
            == "/precis/summaries/7/"
            == reverse("summaries:detail", args=[7])
        )
    finally:
        set_script_prefix("/")
