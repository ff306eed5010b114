"""What the request-limits middleware refuses before any view reads the request."""

import io
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the oversized body was read")

    readline = readinto = read


def oversized(client, path, content_type="multipart/form-data; boundary=x", **extra):
    return client.generic(
        "POST",
        path,
        content_type=content_type,
        **{"CONTENT_LENGTH": str(200 * 1024 * 1024), "wsgi.input": Unreadable(), **extra},
    )


def test_it_refuses_an_oversized_upload_by_its_content_length_alone(client, alice):
    client.force_login(alice)
    response = oversized(client, "/papers/add")
    assert response.status_code == 413
    assert "at most 3 MB" in response.text


def test_an_oversized_api_body_is_413_in_the_error_shape(client):
    response = oversized(client, "/api/v1/papers/1/summaries", content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == {"detail", "errors"}


def test_a_malformed_content_length_is_400(client):
    response = client.generic("POST", "/search", b"", CONTENT_LENGTH="12abc")
    assert response.status_code == 400


def test_the_apis_405_uses_the_error_shape(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert set(response.json()) == {"detail", "errors"}
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "path", ["/u/a%00b/", "/topics/a%00b/", "/search?q=a%00b", "/paper?bibtexKey=%00"]
)
def test_a_nul_in_the_address_is_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "NUL" in response.text


def test_a_nul_in_the_apis_address_is_400_in_the_error_shape(client):
    response = client.get("/api/v1/venues/a%00b")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The address contains a NUL")


def test_a_nul_in_a_form_or_json_field_is_400(alice):
    client = Client()
    client.force_login(alice)
    assert client.post("/papers/add", {"query": "a\x00b"}).status_code == 400
    body = json.dumps({"source": "text\x00more", "visibility": "public"})
    response = client.post("/api/v1/papers/1/summaries", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}
