"""The math font: served through staticfiles from node_modules, hashed by collectstatic, and
never a reason for collectstatic to fail where `npm ci` was skipped."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

FONT = "vendor/stix-two-math/stix-two-math-latin-400-normal.woff2"
SITE_CSS = Path(django_settings.BASE_DIR) / "precis" / "static" / "css" / "site.css"
MANIFEST_STORAGE = {
    **django_settings.STORAGES,
    "staticfiles": {"BACKEND": "precis.lib.staticstorage.ManifestStaticFilesStorage"},
}
needs_font = pytest.mark.skipif(
    not django_settings.MATH_FONT_DIR.is_dir(),
    reason="node_modules/@fontsource/stix-two-math is absent: run `make install`",
)


def font_face() -> str:
    css = SITE_CSS.read_text()
    match = re.search(r'@font-face\s*\{[^}]*font-family:\s*"Precis Math"[^}]*\}', css)
    assert match, "site.css declares no @font-face for Precis Math"
    return match.group()


def test_site_css_declares_the_math_font_and_uses_it_for_all_mathml():
    face = font_face()
    assert "font-display: swap" in face
    assert f'url("../{FONT}") format("woff2")' in face
    assert "unicode-range" not in face  # the whole font, math symbols included
    assert re.search(r'\nmath \{ font-family: "Precis Math",[^}]*\bmath;', SITE_CSS.read_text())


@needs_font
def test_the_font_is_found_by_staticfiles_and_is_woff2():
    path = finders.find(FONT)
    assert path, f"{FONT} is not found by the staticfiles finders"
    assert Path(path).read_bytes()[:4] == b"wOF2"


@needs_font
def test_collectstatic_hashes_the_font_the_css_refers_to(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = MANIFEST_STORAGE
    call_command("collectstatic", interactive=False, verbosity=0)
    css = next(tmp_path.glob("css/site.*.css")).read_text()
    hashed = re.search(
        r'url\("\.\./vendor/stix-two-math/stix-two-math-latin-400-normal\.(\w+)\.woff2"\)', css
    )
    assert hashed, "site.css does not point at the hashed font"
    assert (
        tmp_path
        / "vendor"
        / "stix-two-math"
        / f"stix-two-math-latin-400-normal.{hashed.group(1)}.woff2"
    ).is_file()


def test_collectstatic_works_without_node_modules(settings, tmp_path, caplog):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATICFILES_DIRS = [Path(django_settings.BASE_DIR) / "precis" / "static"]
    call_command("collectstatic", interactive=False, verbosity=0)
    css = next(tmp_path.glob("css/site.*.css")).read_text()
    assert f'url("../{FONT}")' in css  # left as written: browsers fall back to local fonts
    assert "make install" in caplog.text


def test_other_missing_files_still_fail_collectstatic(settings, tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "broken.css").write_text('body { background: url("../img/missing.png"); }')
    settings.STATIC_ROOT = tmp_path / "out"
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATICFILES_DIRS = [source]
    with pytest.raises(ValueError, match=r"missing\.png"):
        call_command("collectstatic", interactive=False, verbosity=0)
