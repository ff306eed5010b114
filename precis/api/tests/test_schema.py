"""Property-based tests of the GET endpoints against their own OpenAPI schema.

The schema is fetched through Django's test client; schemathesis then generates
requests from it and sends them to the WSGI app in-process, so they run inside
the test's database transaction. Bounded and derandomized: 40 examples per GET
operation that fits the schema, and 25 per operation of every method that does not.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from precis.discussions import services as discussions
from precis.papers.tests.factories import PaperFactory
from precis.summaries.tests.factories import SummaryFactory


def load_schema(*modes: GenerationMode):
    # Collection runs before the test environment exists, so name an allowed host.
    raw = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = WSGIHandler()
    loaded.config.generation.update(modes=list(modes))
    return loaded


schema = load_schema(GenerationMode.POSITIVE).include(method="GET")
# Data that breaks the schema on purpose (wrong types, out-of-range numbers, missing
# fields, odd strings), sent to every operation, writes included.
negative_schema = load_schema(GenerationMode.NEGATIVE)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: a finished request must not close the test's connection."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def data(alice, carol):
    paper = PaperFactory(arxiv="1512.03385")
    summary = SummaryFactory(paper=paper, author=alice, anonymous=True)
    discussions.post_comment(author=carol, summary=summary, source="Why?")
    discussions.ask_question(author=carol, paper=paper, title="How deep?")


@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,  # the same examples every run: CI must not flake on a lucky draw
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_get_endpoints_keep_their_schema(case):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


@negative_schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_malformed_request_is_a_server_error(case, alice):
    """Every operation, signed in with a write token, answers malformed input with a 4xx."""
    from precis.api.tests.factories import token_for

    # Rate limits count within one window for the whole test (conftest pins the clock).
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token_for(alice)}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"detail", "errors"}, body
