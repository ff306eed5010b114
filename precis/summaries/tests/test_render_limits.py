"""A summary beyond the render limits: the writer sees why, keeps the text, and nothing breaks."""

import pytest
from django.urls import reverse

from precis.api.tests.factories import bearer, token_for
from precis.core.rerendering import rerender_stale
from precis.lib import richtext
from precis.papers.tests.factories import PaperFactory
from precis.summaries import services
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

BIG_TABLE = "| a |\n|---|\n" + "| x |\n" * 3_000
MESSAGE = "This text has a table of 3,000 rows; the limit is 1,000."


def test_saving_shows_the_limit_beside_the_text_and_keeps_the_text(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    source = "My notes.\n\n" + BIG_TABLE
    response = client.post(
        reverse("summaries:write", args=[paper.pk]), {"source": source, "visibility": "public"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert MESSAGE in body
    assert "My notes.\n\n| a |\n|---|\n| x |" in body  # still in the textarea
    assert not Summary.objects.exists()


def test_the_preview_button_shows_the_limit_too(client, alice):
    paper = PaperFactory()
    client.force_login(alice)
    response = client.post(
        reverse("summaries:write", args=[paper.pk]),
        {"source": BIG_TABLE, "visibility": "public", "preview": "1"},
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()


def test_the_live_preview_shows_the_limit_where_the_preview_goes(client, alice):
    client.force_login(alice)
    response = client.post(reverse("summaries:preview"), {"source": BIG_TABLE})
    assert response.status_code == 200
    assert response.content.decode() == f'<p class="error-text" role="alert">{MESSAGE}</p>'


def test_the_api_answers_422_in_its_error_shape(client, alice):
    paper = PaperFactory()
    response = client.post(
        f"/api/v1/papers/{paper.pk}/summaries",
        {"source": BIG_TABLE, "visibility": "public"},
        content_type="application/json",
        **bearer(token_for(alice)),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == MESSAGE
    assert response.json()["errors"][0]["msg"] == MESSAGE


def test_the_service_refuses_it_and_saves_nothing(alice):
    with pytest.raises(richtext.RenderLimitExceeded, match="3,000 rows"):
        services.save_summary(
            author=alice, paper=PaperFactory(), source=BIG_TABLE, visibility="public"
        )
    assert not Summary.objects.exists()


def test_a_stored_summary_over_a_limit_still_rerenders_as_escaped_text(alice):
    summary = SummaryFactory(author=alice, source="Fine.")
    # As if saved before the limits existed.
    Summary.objects.filter(pk=summary.pk).update(source="<b>" + BIG_TABLE, renderer_version=1)
    assert rerender_stale() == 1
    summary.refresh_from_db()
    assert summary.renderer_version == richtext.RENDERER_VERSION
    assert summary.html.startswith("<p>&lt;b&gt;| a |")
    assert "<table>" not in summary.html
