"""The image proxy: signed paths only, public hosts only, real images only, cached, sealed."""

import html
import ipaddress
import socket
from html.parser import HTMLParser

import pytest
from django.core import signing
from django.urls import reverse

from precis.lib import imageproxy, richtext, safehttp
from precis.media import proxy, views
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a" + b"\x01\x00\x01\x00" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 40
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'

# Addresses the fake resolver gives; anything else "does not exist".
PUBLIC_ADDRESS = "93.184.216.34"
HOSTS = {
    "images.example": [PUBLIC_ADDRESS],
    "v6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
    "intranet.example": ["192.168.1.10"],
    "sneaky.example": [PUBLIC_ADDRESS, "10.0.0.7"],  # one public, one private address
    "metadata.example": ["169.254.169.254"],
    "localhost": ["127.0.0.1", "::1"],
}


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    """DNS without the network: the HOSTS table, and IP literals as themselves."""
    asked = []

    def resolve(host, port, type=0, **kwargs):  # getaddrinfo names it "type"
        asked.append(host)
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            if host not in HOSTS:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            addresses = HOSTS[host]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, type, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(safehttp, "resolve", resolve)
    return asked


def proxied(url: str) -> str:
    return imageproxy.path_for(url)


def upstream(path: str, address: str = PUBLIC_ADDRESS, scheme: str = "https") -> str:
    """The URL the proxy really requests: the checked address, not the name."""
    host = f"[{address}]" if ":" in address else address
    return f"{scheme}://{host}{path}"


# --------------------------------------------------------------------------
# Signatures
# --------------------------------------------------------------------------


def test_the_path_it_signs_is_the_one_the_view_answers():
    path = proxied("https://images.example/a.png")
    signature, encoded = path.removeprefix("/img/").split("/")
    assert reverse("media:image", args=[signature, encoded]) == path
    assert imageproxy.url_from(signature, encoded) == "https://images.example/a.png"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda sig, enc: (sig[:-1] + ("A" if sig[-1] != "A" else "B"), enc),
        lambda sig, enc: (sig, imageproxy._encode("http://169.254.169.254/latest/meta-data")),
        lambda sig, enc: (sig, enc + "AA"),
        lambda sig, enc: ("", enc),
        lambda sig, enc: (signing.Signer(salt="another.salt").signature(enc), enc),
    ],
    ids=["signature", "url", "padding", "empty", "other-salt"],
)
def test_it_answers_404_to_a_path_it_did_not_sign(client, network, tamper):
    signature, encoded = proxied("https://images.example/a.png").removeprefix("/img/").split("/")
    signature, encoded = tamper(signature, encoded)
    response = client.get(f"/img/{signature}/{encoded}")
    assert response.status_code == 404
    assert network.requests == []


def test_old_secret_keys_still_verify(settings):
    path = proxied("https://images.example/a.png")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    signature, encoded = path.removeprefix("/img/").split("/")
    assert imageproxy.url_from(signature, encoded) == "https://images.example/a.png"


# --------------------------------------------------------------------------
# Fetching: public hosts only
# --------------------------------------------------------------------------


def test_it_fetches_from_the_checked_address_with_the_real_host_name(client, network):
    network.route(upstream("/a.png"), PNG, headers={"Content-Type": "text/html"})
    response = client.get(proxied("https://images.example/a.png"))
    assert response.status_code == 200
    assert response.content == PNG
    request = network.requests[0]
    assert request.headers["Host"] == "images.example"
    assert request.extensions["sni_hostname"] == "images.example"
    assert "Cookie" not in request.headers and "Referer" not in request.headers


def test_it_fetches_plain_http_and_ipv6_hosts(client, network):
    network.route(upstream("/b.gif", scheme="http"), GIF)
    network.route(upstream("/c.jpg", address=HOSTS["v6.example"][0]), JPEG)
    assert client.get(proxied("http://images.example/b.gif")).status_code == 200
    assert client.get(proxied("https://v6.example/c.jpg")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://127.0.0.2:80/a.png",
        "https://localhost/a.png",
        "http://10.1.2.3/a.png",
        "http://172.16.0.1/a.png",
        "http://192.168.0.1/a.png",
        "http://169.254.169.254/latest/meta-data/iam",
        "http://100.64.0.1/a.png",
        "http://0.0.0.0/a.png",
        "http://224.0.0.1/a.png",
        "http://240.0.0.1/a.png",
        "http://[::1]/a.png",
        "http://[fe80::1]/a.png",
        "http://[fc00::1]/a.png",
        "http://[::ffff:127.0.0.1]/a.png",
        "http://[2002:7f00:1::]/a.png",
        "http://[ff02::1]/a.png",
        "https://intranet.example/a.png",
        "https://metadata.example/latest/meta-data",
        "https://sneaky.example/a.png",
        "https://images.example:8443/a.png",
    ],
)
def test_it_refuses_addresses_that_are_not_on_the_public_internet(client, network, url):
    response = client.get(proxied(url))
    assert response.status_code == 403
    assert b"not on the public internet" in response.content
    assert network.requests == []


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data",
        "https://intranet.example/secret.png",
        "http://[::1]/a.png",
        "file:///etc/passwd",
        "gopher://images.example/x",
    ],
)
def test_it_checks_every_redirect_as_it_checks_the_first_address(client, network, location):
    network.route(upstream("/moved.png"), status=302, headers={"Location": location})
    response = client.get(proxied("https://images.example/moved.png"))
    assert response.status_code == 403
    assert len(network.requests) == 1


def test_it_follows_redirects_between_public_hosts(client, network):
    network.route(upstream("/old.png"), status=301, headers={"Location": "/new.png"})
    network.route(upstream("/new.png"), WEBP)
    response = client.get(proxied("https://images.example/old.png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"


def test_it_stops_after_a_few_redirects(client, network):
    network.route(upstream("/loop.png"), status=302, headers={"Location": "/loop.png"})
    response = client.get(proxied("https://images.example/loop.png"))
    assert response.status_code == 502
    assert len(network.requests) == safehttp.MAX_REDIRECTS + 1


def test_it_resolves_a_name_once_per_hop_and_connects_to_that_answer(client, network, resolver):
    network.route(upstream("/a.png"), PNG)
    client.get(proxied("https://images.example/a.png"))
    assert resolver == ["images.example"]
    assert str(network.requests[0].url).startswith(f"https://{PUBLIC_ADDRESS}/")


def test_an_unknown_host_is_a_bad_gateway(client, network):
    response = client.get(proxied("https://nowhere.example/a.png"))
    assert response.status_code == 502
    assert network.requests == []


def test_an_unreachable_host_is_a_bad_gateway(client, network):
    import httpx

    network.fail(upstream("/a.png"), httpx.ConnectError("refused"))
    assert client.get(proxied("https://images.example/a.png")).status_code == 502


def test_a_missing_image_is_not_found(client, network):
    network.route(upstream("/gone.png"), b"not here", status=404)
    assert client.get(proxied("https://images.example/gone.png")).status_code == 404


def test_offline_sites_fetch_nothing(client, network, settings):
    settings.OUTBOUND_HTTP = False
    assert client.get(proxied("https://images.example/a.png")).status_code == 503
    assert network.requests == []


# --------------------------------------------------------------------------
# Only real images, by their bytes
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (AVIF, "image/avif"),
    ],
)
def test_it_serves_the_type_the_bytes_say_whatever_the_server_claims(
    client, network, body, content_type
):
    network.route(upstream("/i"), body, headers={"Content-Type": "text/html"})
    response = client.get(proxied("https://images.example/i"))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type


@pytest.mark.parametrize(
    "body",
    [
        SVG,
        b"<html><script>alert(1)</script></html>",
        HEIC,
        b"",
        b"GIF8",
        b"RIFF\x00\x00\x00\x00WAVE",
    ],
    ids=["svg", "html", "heic", "empty", "truncated-gif", "wave"],
)
def test_it_refuses_anything_that_is_not_a_raster_image(client, network, body):
    network.route(upstream("/i.png"), body, headers={"Content-Type": "image/png"})
    response = client.get(proxied("https://images.example/i.png"))
    assert response.status_code == 415
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_it_refuses_images_over_the_size_cap(client, network):
    network.route(upstream("/huge.png"), PNG + b"\x00" * proxy.MAX_IMAGE_BYTES)
    response = client.get(proxied("https://images.example/huge.png"))
    assert response.status_code == 502
    assert b"larger than 5 MB" in response.content


def test_it_serves_an_image_of_exactly_the_size_cap(client, network):
    body = PNG + b"\x00" * (proxy.MAX_IMAGE_BYTES - len(PNG))
    network.route(upstream("/big.png"), body)
    assert client.get(proxied("https://images.example/big.png")).status_code == 200


# --------------------------------------------------------------------------
# Caching
# --------------------------------------------------------------------------


def test_a_second_request_comes_from_the_cache(client, network):
    network.route(upstream("/a.png"), PNG)
    path = proxied("https://images.example/a.png")
    assert client.get(path).content == PNG
    assert client.get(path).content == PNG
    assert len(network.requests) == 1


def test_while_one_fetch_of_an_image_runs_others_wait_without_fetching(client, network):
    import hashlib

    from django.core.cache import cache

    url = "https://images.example/a.png"
    network.route(upstream("/a.png"), PNG)
    key = "imageproxy:" + hashlib.sha256(url.encode()).hexdigest()
    cache.add(key + ":fetching", 1, 30)  # a fetch in flight, in another worker
    response = client.get(proxied(url))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert network.requests == []
    cache.delete(key + ":fetching")
    assert client.get(proxied(url)).content == PNG


def test_images_too_big_to_keep_are_fetched_again(client, network, monkeypatch):
    monkeypatch.setattr(proxy, "CACHE_MAX_BYTES", len(PNG) - 1)
    network.route(upstream("/a.png"), PNG)
    path = proxied("https://images.example/a.png")
    client.get(path)
    client.get(path)
    assert len(network.requests) == 2


def test_a_failure_is_remembered_briefly(client, network):
    network.route(upstream("/a.png"), SVG)
    path = proxied("https://images.example/a.png")
    assert client.get(path).status_code == 415
    assert client.get(path).status_code == 415
    assert len(network.requests) == 1


# --------------------------------------------------------------------------
# What the answer carries
# --------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_answer_is_sealed_cacheable_and_sets_no_cookie(client, network, alice, signed_in):
    if signed_in:
        client.force_login(alice)
    network.route(upstream("/a.png"), PNG)
    response = client.get(proxied("https://images.example/a.png"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == f"public, max-age={proxy.CACHE_SECONDS}"
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert not response.cookies


def test_errors_are_sealed_too(client, network):
    response = client.get("/img/forged/aHR0cHM6Ly9ldmlsLmV4YW1wbGU")
    assert response.status_code == 404
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert not response.cookies


def test_it_answers_head_but_not_post(client, network):
    network.route(upstream("/a.png"), PNG)
    path = proxied("https://images.example/a.png")
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_it_limits_requests_per_client(client, network, monkeypatch):
    monkeypatch.setattr(views, "REQUESTS_PER_MINUTE", 3)
    network.route(upstream("/a.png"), PNG)
    path = proxied("https://images.example/a.png")
    statuses = [client.get(path).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = client.get(path, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


# --------------------------------------------------------------------------
# Pages, feeds and the policy
# --------------------------------------------------------------------------


def test_the_content_security_policy_allows_images_only_from_this_site(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img_src.split() == ["img-src", "'self'"]


def sources(html: str) -> list[str]:
    """Every ``src`` attribute of every element of ``html``."""

    class Sources(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.found += [value for name, value in attrs if name == "src"]

    parser = Sources()
    parser.found = []
    parser.feed(html)
    return parser.found


def test_a_summary_with_an_image_shows_it_only_through_the_proxy(client):
    summary = SummaryFactory(source="A plot: ![loss](https://images.example/loss.png)")
    page = client.get(summary.get_absolute_url()).content.decode()
    path = proxied("https://images.example/loss.png")
    assert sources(summary.html) == [path]
    assert path in sources(page)
    assert all(src.startswith("/") and not src.startswith("//") for src in sources(page))


def test_feeds_carry_the_proxied_image_as_an_absolute_url(client, settings):
    SummaryFactory(source="A plot: ![loss](https://images.example/loss.png)")
    feed = client.get(reverse("feeds:summaries")).content.decode()
    entry = html.unescape(feed.split("<content")[1].split("</content>")[0])
    assert sources(entry) == [settings.SITE_URL + proxied("https://images.example/loss.png")]


def test_the_renderer_version_changed_so_stored_html_is_rendered_again():
    assert richtext.RENDERER_VERSION >= 2
