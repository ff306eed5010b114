"""Figures: uploading (with and without JS), what is kept of a file, who may, serving, removal.

Every image is made here with Pillow or written out as SVG text, then sent through
the Django test client as a real multipart upload.
"""

import io
import re
import struct
import zlib
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, PngImagePlugin

from precis.accounts.tests.factories import UserFactory
from precis.lib import richtext
from precis.media import services
from precis.media.models import Figure
from precis.summaries.tests.factories import SummaryFactory

pytestmark = pytest.mark.django_db

UPLOAD = "/figures/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """A storage folder of this test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def writer(alice, client):
    client.force_login(alice)
    return alice


# -- making images -------------------------------------------------------------------


def picture(size=(40, 30), mode="RGB", color=(200, 30, 30)) -> Image.Image:
    image = Image.new(mode, size, color)
    if mode == "RGB" and size[0] >= 2:
        # Left half red, right half blue: shows which way an image was turned.
        image.paste((30, 30, 200), (size[0] // 2, 0, size[0], size[1]))
    return image


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()


def png(size=(40, 30), **options) -> bytes:
    return encoded(picture(size), "PNG", **options)


def upload(client, data: bytes, name="figure.png", description="A plot of the loss", **extra):
    content_type = extra.pop("content_type", "application/octet-stream")
    file = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(UPLOAD, {"file": file, "description": description}, **extra)


def stored(response) -> bytes:
    """The bytes this site serves for the figure an upload answered with."""
    url = response.json()["url"]
    served = Client().get(url)
    assert served.status_code == 200
    return b"".join(served.streaming_content)


# -- uploads that work ---------------------------------------------------------------


def test_png_upload_by_fetch_answers_the_markdown_to_insert(writer, client, storage):
    response = upload(client, png(), description="Loss [log of *all* runs", **JSON)

    assert response.status_code == 201
    data = response.json()
    figure = Figure.objects.get(owner=writer)
    assert data["url"] == f"/figures/{figure.sha256}.png"
    assert data["markdown"] == rf"![Loss &#91;log of \*all\* runs](/figures/{figure.sha256}.png)"
    assert (data["width"], data["height"], data["content_type"]) == (40, 30, "image/png")
    assert (storage / "figures" / f"{figure.sha256}.png").is_file()
    assert figure.sha256 == __import__("hashlib").sha256(stored(response)).hexdigest()


@pytest.mark.parametrize(
    "description",
    [
        "Loss [fast] of *all* runs",
        "a ] b [ c",
        "see [1](http://x.org) & \\(x\\) at $5",
        "C:\\runs_2",
    ],
)
def test_the_markdown_line_renders_the_description_exactly(description):
    figure = Figure(sha256="ab" * 32, content_type="image/png", description=description)

    html = richtext.render(services.markdown_for(figure))

    assert f'alt="{escape(description)}"' in html
    assert "<a " not in html and "<math" not in html


def test_without_javascript_the_form_returns_to_the_figures_page_with_the_line_to_paste(
    writer, client
):
    response = upload(client, png(), description="Architecture")

    figure = Figure.objects.get(owner=writer)
    assert response.status_code == 302
    assert response["Location"] == f"/figures/?added={figure.pk}#figure-{figure.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Your figure is ready" in page
    assert f'value="![Architecture](/figures/{figure.sha256}.png)"' in page


def test_the_editor_offers_the_upload_in_a_new_tab_and_to_scripts(writer, client):
    summary = SummaryFactory(author=writer)
    page = client.get(reverse("summaries:write", args=[summary.paper.pk])).content.decode()

    assert 'href="/figures/" target="_blank"' in page
    assert 'data-upload-url="/figures/"' in page
    # Inside the editor's form, its inputs have no names: saving the text never sends them.
    controls = page[page.index("data-figure-upload") : page.index("data-figure-status")]
    assert " name=" not in controls


def test_jpeg_is_turned_upright_and_loses_exif_and_gps(writer, client):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; show it rotated 90° clockwise
    exif[0x010F] = "SecretCam"
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 2.0)}
    original = encoded(picture((60, 20)), "JPEG", exif=exif.tobytes(), quality=95)
    assert b"SecretCam" in original

    response = upload(client, original, name="IMG_0001.JPG", **JSON)

    assert response.status_code == 201
    kept = stored(response)
    assert b"SecretCam" not in kept and b"Exif" not in kept
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert image.size == (20, 60)  # upright now
    assert not image.getexif()
    # Rotated clockwise: the red left half is now on top.
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 55))
    assert top[0] > 150 and top[2] < 100
    assert bottom[2] > 150 and bottom[0] < 100


def test_a_phone_photo_in_mpo_form_keeps_its_first_picture_as_jpeg(writer, client):
    photo = encoded(
        picture((40, 30)), "MPO", save_all=True, append_images=[picture((20, 15), color=(0, 0, 0))]
    )
    assert Image.open(io.BytesIO(photo)).format == "MPO"

    response = upload(client, photo, name="PXL_0001.jpg", **JSON)

    assert response.status_code == 201
    kept = Image.open(io.BytesIO(stored(response)))
    assert (kept.format, kept.size, getattr(kept, "n_frames", 1)) == ("JPEG", (40, 30), 1)


def test_png_text_chunks_and_appended_html_are_not_kept(writer, client):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made at 12 Secret Street")
    hostile = png(pnginfo=info) + b"<html><script>alert(document.cookie)</script></html>"

    response = upload(client, hostile, **JSON)

    kept = stored(response)
    assert b"Secret Street" not in kept and b"<script" not in kept
    assert Image.open(io.BytesIO(kept)).format == "PNG"


def test_a_jpeg_with_html_appended_is_served_as_a_clean_jpeg(writer, client):
    polyglot = encoded(picture(), "JPEG") + b"<!doctype html><script>alert(1)</script>"

    response = upload(client, polyglot, name="figure.html", content_type="text/html", **JSON)

    assert response.status_code == 201
    assert response.json()["url"].endswith(".jpg")
    served = client.get(response.json()["url"])
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in b"".join(served.streaming_content)


def test_webp_stays_webp(writer, client):
    response = upload(client, encoded(picture(), "WEBP"), name="x.webp", **JSON)

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/webp"
    assert Image.open(io.BytesIO(stored(response))).format == "WEBP"


def test_the_kind_comes_from_the_bytes_not_the_name_or_the_claimed_type(writer, client):
    response = upload(client, png(), name="photo.jpg", content_type="image/jpeg", **JSON)

    assert response.status_code == 201
    assert response.json()["url"].endswith(".png")


def test_very_large_images_are_scaled_down(writer, client):
    response = upload(client, png((3000, 1000)), **JSON)

    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (2560, 853)


def test_the_same_figure_twice_is_stored_once(writer, client, carol, storage):
    first = upload(client, png(), description="First", **JSON).json()
    again = upload(client, png(), description="Second words", **JSON).json()
    other = Client()
    other.force_login(carol)
    theirs = upload(other, png(), **JSON).json()

    assert first["url"] == again["url"] == theirs["url"]
    assert again["markdown"].startswith("![Second words]")
    assert Figure.objects.filter(owner=writer).count() == 1
    assert Figure.objects.count() == 2  # one row per uploader, for their quota
    assert len(list((storage / "figures").iterdir())) == 1


def test_figures_go_through_the_configured_storage(writer, client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    response = upload(client, png(), **JSON)

    name = Figure.objects.get().file_name
    assert default_storage.__class__.__name__ == "InMemoryStorage"
    assert default_storage.exists(name)
    assert Image.open(io.BytesIO(stored(response))).size == (40, 30)


# -- hostile and broken files ----------------------------------------------------------


def _png_with_size(width: int, height: int) -> bytes:
    """A real small PNG whose header claims another size (checksum fixed up)."""
    data = bytearray(png((4, 4)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"", 400, "The file is empty."),
        (b"just some text, not an image", 415, "not a PNG, JPEG, WebP or SVG"),
        (png()[:60], 415, "damaged or incomplete"),
        (png()[:-20], 415, "damaged or incomplete"),
        (_png_with_size(100_000, 100_000), 413, "too many pixels"),
        (encoded(picture(), "GIF"), 415, "not a PNG, JPEG, WebP or SVG"),
        (encoded(picture(), "BMP"), 415, "not a PNG, JPEG, WebP or SVG"),
    ],
    ids=["empty", "text", "truncated-header", "truncated-data", "huge-header", "gif", "bmp"],
)
def test_files_that_are_not_usable_images_are_refused_clearly(
    writer, client, data, status, message
):
    response = upload(client, data, **JSON)

    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not Figure.objects.exists()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(writer, client):
    bomb = encoded(Image.new("L", (8000, 6000)), "PNG")  # 48 megapixels of nothing
    assert len(bomb) < 200_000

    response = upload(client, bomb, **JSON)

    assert response.status_code == 413
    assert "too many pixels" in response.json()["detail"]


def test_animated_images_are_refused(writer, client):
    frames = [picture(color=(i * 40, 0, 0)) for i in range(3)]
    animated = encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])

    response = upload(client, animated, **JSON)

    assert response.status_code == 415
    assert "Animated" in response.json()["detail"]


def test_files_over_the_limit_are_refused_with_the_limit(writer, client, settings):
    settings.FIGURE_MAX_BYTES = 2000
    response = upload(client, png((300, 300), compress_level=0), **JSON)

    assert response.status_code == 413
    assert "a figure may be at most 0.0 MB" in response.json()["detail"]


def test_a_request_over_the_site_limit_is_refused_unread_and_the_editor_can_say_why(
    writer, client, settings
):
    response = upload(client, b"\x89PNG" + b"0" * settings.MAX_REQUEST_BYTES, **JSON)

    assert response.status_code == 413
    assert "more than we accept in one request" in response.json()["detail"]
    assert not Figure.objects.exists()


def test_a_missing_description_is_asked_for_and_nothing_is_kept(writer, client):
    response = upload(client, png(), description="   ", **JSON)

    assert response.status_code == 400
    assert "Describe the figure" in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == ["description"]
    assert not Figure.objects.exists()


def test_errors_without_javascript_show_on_the_form(writer, client):
    response = upload(client, b"GIF89a nonsense", description="x")

    assert response.status_code == 415
    assert "not a PNG, JPEG, WebP or SVG" in response.content.decode()


# -- SVG ---------------------------------------------------------------------------------

HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 200 100" onload="alert(1)">
  <script>alert(2)</script>
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient>
    <path id="dot" d="M0 0h2v2z"/>
  </defs>
  <rect width="200" height="100" fill="url(#g)" onclick="alert(3)"
        style="fill: url(#g); stroke: red"/>
  <rect width="10" height="10" style="background: url(http://evil.example/track.png)"/>
  <rect width="10" height="10" fill="url(http://evil.example/x.svg#p)"/>
  <a xlink:href="javascript:alert(4)"><text x="5" y="50">Loss <tspan>curve</tspan> here</text></a>
  <foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml">
    <script>alert(5)</script></body></foreignObject>
  <image href="http://evil.example/spy.png" width="10" height="10"/>
  <image xlink:href="https://evil.example/spy.png" width="10" height="10"/>
  <use href="#dot" x="10"/>
  <use href="http://evil.example/sprite.svg#icon"/>
  <set attributeName="href" to="javascript:alert(6)"/>
  <animate attributeName="onclick" to="alert(7)"/>
  <style>@import url(http://evil.example/x.css); rect { fill: blue }</style>
  <style>text { font-weight: bold }</style>
</svg>"""


def test_svg_keeps_the_drawing_and_loses_everything_active_or_external(writer, client):
    response = upload(client, HOSTILE_SVG, name="plot.svg", **JSON)

    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (200, 100)
    kept = stored(response).decode()
    for gone in (
        "script", "alert", "onload", "onclick", "javascript", "foreignObject", "evil.example",
        "<set", "<animate", "@import", "<a ",
    ):  # fmt: skip
        assert gone not in kept, gone
    assert 'fill="url(#g)"' in kept
    assert "fill: url(#g); stroke: red" in kept
    assert '<use href="#dot" x="10"/>' in kept
    assert "Loss <tspan>curve</tspan> here" in kept
    assert "text { font-weight: bold }" in kept
    assert 'width="200" height="100"' in kept  # sized from its viewBox


def test_svg_is_served_sandboxed(writer, client):
    url = upload(client, HOSTILE_SVG, name="plot.svg", **JSON).json()["url"]

    served = client.get(url)

    assert served["Content-Type"] == "image/svg+xml"
    assert served["Content-Security-Policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert served["Content-Security-Policy"].endswith("sandbox")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_svg_with_an_external_entity_is_refused(writer, client):
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>"""

    response = upload(client, xxe, name="x.svg", **JSON)

    assert response.status_code == 415
    assert "entities" in response.json()["detail"]


def test_svg_entity_expansion_is_refused(writer, client):
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>"""

    assert upload(client, laughs, name="x.svg", **JSON).status_code == 415


def test_svg_doctype_without_entities_is_fine(writer, client):
    illustrator = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" width="10mm" height="5mm"><path d="M0 0L10 5"/></svg>"""

    response = upload(client, illustrator, name="x.svg", **JSON)

    assert response.status_code == 201
    assert (response.json()["width"], response.json()["height"]) == (38, 19)


def test_svg_uses_of_uses_are_dropped(writer, client):
    nested = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">
  <defs><path id="a" d="M0 0h1v1z"/>
    <g id="b"><use href="#a"/><use href="#a" x="1"/></g>
    <g id="c"><use href="#b"/><use href="#b" y="1"/></g></defs>
  <use href="#c"/><use href="#a" x="5"/></svg>"""

    kept = stored(upload(client, nested, name="x.svg", **JSON)).decode()

    assert kept.count("<use") == 3  # the two inside #b and the one of #a
    assert 'href="#b"' not in kept and 'href="#c"' not in kept


def test_svg_may_embed_raster_images_as_data_but_nothing_else(writer, client):
    import base64

    inner = base64.b64encode(png((2, 2))).decode()
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  viewBox="0 0 4 4"><image width="2" height="2" xlink:href="data:image/png;base64,{inner}"/>
  <image width="2" height="2" href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>
  <image width="2" height="2" href="data:image/png;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/></svg>"""

    kept = stored(upload(client, svg.encode(), name="x.svg", **JSON)).decode()

    assert kept.count("<image") == 1
    assert f"data:image/png;base64,{inner}" in kept


def test_malformed_svg_and_other_xml_are_refused(writer, client):
    assert upload(client, b"<svg><g></svg>", name="x.svg", **JSON).status_code == 415
    html_page = b"<html><body><script>alert(1)</script></body></html>"
    response = upload(client, html_page, name="x.svg", **JSON)
    assert response.status_code == 415


# -- who may upload ---------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(UPLOAD)["Location"].startswith("/accounts/login/")
    response = upload(client, png(), **JSON)
    assert response.status_code == 403
    assert "Sign in" in response.json()["detail"]


def test_unconfirmed_email_cannot_upload(client, alice):
    EmailAddress.objects.filter(user=alice).update(verified=False)
    client.force_login(alice)

    response = upload(client, png(), **JSON)

    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.json()["detail"]
    assert "Confirm your e-mail address" in client.get(UPLOAD).content.decode()


def test_suspended_writers_cannot_upload(client, alice):
    alice.suspended_until = timezone.now() + timedelta(days=3)
    alice.save()
    client.force_login(alice)

    response = upload(client, png(), **JSON)

    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]
    assert not Figure.objects.exists()


def test_uploads_need_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert upload(client, png(), **JSON).status_code == 403
    assert not Figure.objects.exists()


def test_uploads_are_rate_limited_per_person(writer, client):
    limit = services.FIGURE_UPLOAD.count
    for _ in range(limit):
        assert upload(client, b"", **JSON).status_code == 400

    response = upload(client, png(), **JSON)

    assert response.status_code == 429
    assert "Too many figure upload requests" in response.json()["detail"]


def test_each_writer_has_a_storage_quota(writer, client, settings):
    first = upload(client, png((40, 30)), **JSON)
    settings.FIGURE_QUOTA_BYTES = first.json()["bytes"] + 10

    response = upload(client, png((80, 60)), **JSON)

    assert response.status_code == 413
    assert "Your figures take" in response.json()["detail"]
    assert Figure.objects.count() == 1


# -- serving, deleting, removing -----------------------------------------------------------


def test_figures_are_served_with_long_cache_headers_and_nosniff(writer, client):
    url = upload(client, png(), **JSON).json()["url"]

    served = Client().get(url)

    assert served["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "Set-Cookie" not in served
    assert Client().head(url).status_code == 200


def test_unknown_figures_and_wrong_extensions_are_404(writer, client):
    url = upload(client, png(), **JSON).json()["url"]

    assert client.get(url.replace(".png", ".svg")).status_code == 404
    assert client.get("/figures/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/figures/../../settings.py").status_code == 404


def test_owners_delete_their_figures_and_the_file_goes_with_the_last(
    writer, client, carol, django_capture_on_commit_callbacks
):
    url = upload(client, png(), **JSON).json()["url"]
    other = Client()
    other.force_login(carol)
    upload(other, png(), **JSON)
    mine, theirs = Figure.objects.get(owner=writer), Figure.objects.get(owner=carol)

    assert other.post(reverse("media:delete_figure", args=[mine.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("media:delete_figure", args=[mine.pk]))
    assert Client().get(url).status_code == 200  # carol keeps hers
    with django_capture_on_commit_callbacks(execute=True):
        other.post(reverse("media:delete_figure", args=[theirs.pk]))

    assert not Figure.objects.exists()
    assert Client().get(url).status_code == 404
    assert not default_storage.exists(mine.file_name)


def test_a_moderator_removes_a_figure_from_the_whole_site(
    writer, client, storage, django_capture_on_commit_callbacks
):
    url = upload(client, png(), **JSON).json()["url"]
    admin = UserFactory(username="admin-mod", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    figure = Figure.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:media_figure_changelist"),
            {"action": "remove_from_site", "_selected_action": [figure.pk]},
        )

    assert response.status_code == 302
    assert Client().get(url).status_code == 404
    assert not (storage / figure.file_name).exists()
    # Nobody can bring it back by uploading it again, and it leaves the quota.
    again = upload(client, png(), **JSON)
    assert again.status_code == 403
    assert "moderator removed" in again.json()["detail"]
    assert services.quota_used(writer) == 0
    assert "Removed by a moderator" in client.get(UPLOAD).content.decode()


# -- in the text -----------------------------------------------------------------------------


def test_a_figure_renders_in_the_summary_page(writer, client, no_page_cache):
    markdown = upload(
        client, png(), description="Training loss [fig. 2] at $5 \\(x\\)", **JSON
    ).json()["markdown"]
    summary = SummaryFactory(author=writer, source=f"Results:\n\n{markdown}\n\nThe end.")

    page = Client().get(summary.get_absolute_url()).content.decode()

    figure = Figure.objects.get()
    assert re.search(
        rf'<img src="/figures/{figure.sha256}\.png" alt="Training loss \[fig\. 2\] at \$5 \\\(x\\\)"',
        page,
    )


def test_the_renderer_shows_own_figures_as_they_are_and_proxies_the_rest():
    own = "/figures/" + "ab" * 32 + ".svg"

    html = richtext.render(f"![a]({own}) ![b](https://example.org/x.png) ![c](/figures/x.png)")

    assert f'src="{own}"' in html
    assert 'src="/img/' in html  # the external one, through the image proxy
    assert "/figures/x.png" not in html  # not one of ours: shown as its text


# -- settings ------------------------------------------------------------------------------


def _environment(tmp_path, **variables) -> dict[str, str]:
    import os

    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "STORAGE_BACKEND")}
    return {**base, "VAR_DIR": str(tmp_path / "var"), **variables}


def test_figures_are_kept_under_var_dir_unless_a_storage_is_named(tmp_path):
    from precis.testing import manage_python

    code = (
        "import json; from django.core.files.storage import storages; s = storages['default']; "
        "print(json.dumps([type(s).__name__, str(getattr(s, 'location', ''))]))"
    )
    kind, location = manage_python(code, env=_environment(tmp_path))
    assert (kind, location) == ("FileSystemStorage", str(tmp_path / "var" / "media"))

    other = _environment(
        tmp_path,
        STORAGE_BACKEND="django.core.files.storage.InMemoryStorage",
        STORAGE_OPTIONS='{"base_url": "/elsewhere/"}',
    )
    assert manage_python(code, env=other)[0] == "InMemoryStorage"


def test_storage_options_that_are_not_a_json_object_stop_start_up(tmp_path):
    from precis.testing import manage

    done = manage("check", env=_environment(tmp_path, STORAGE_OPTIONS="[1, 2]"), check=False)

    assert done.returncode != 0
    assert "STORAGE_OPTIONS must be a JSON object" in done.stderr
