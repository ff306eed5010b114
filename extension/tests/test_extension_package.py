"""The browser extension without a browser: its unit tests in Node, and its packages."""

import importlib.util
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parent.parent


def load_build():
    spec = importlib.util.spec_from_file_location("extension_build", EXTENSION / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build()


def test_extension_identifier_extraction_in_node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("no node on PATH: the identifier unit tests need Node 18 or later")
    result = subprocess.run(
        [node, "--test", str(EXTENSION / "tests")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^# pass [1-9]", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^# fail 0$", result.stdout, re.MULTILINE), result.stdout


ADDONS_LINTER = EXTENSION.parent / "node_modules" / ".bin" / "addons-linter"


def addons_linter(package: Path) -> dict:
    """Mozilla's own verdict on a Firefox package (what addons.mozilla.org runs on upload)."""
    if shutil.which("node") is None or not ADDONS_LINTER.exists():
        pytest.skip("addons-linter needs Node and `npm ci` (make install) in the repository")
    result = subprocess.run(
        [str(ADDONS_LINTER), str(package), "--output", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(result.stdout)


def firefox_package(folder: Path) -> Path:
    return next(path for path in build.build(folder) if path.name == "precis-firefox.zip")


def test_the_firefox_package_passes_mozillas_addons_linter(tmp_path):
    firefox = firefox_package(tmp_path)
    report = addons_linter(firefox)
    found = [(m["code"], m["message"]) for kind in ("errors", "warnings") for m in report[kind]]
    assert found == []
    assert report["summary"] == {"errors": 0, "notices": 0, "warnings": 0}


def test_the_linter_would_catch_a_chromium_only_background(tmp_path):
    firefox = firefox_package(tmp_path)
    files = read_zip(firefox)
    manifest = json.loads(files["manifest.json"])
    manifest["background"] = {"service_worker": "background.js"}  # Chromium's, not Firefox's
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, json.dumps(manifest) if name == "manifest.json" else data)
    codes = [m["code"] for m in addons_linter(broken)["errors"]]
    assert codes == ["BACKGROUND_SERVICE_WORKER_NOFALLBACK"]


def test_extension_packages_are_byte_for_byte_reproducible(tmp_path):
    first = build.build(tmp_path / "one")
    second = build.build(tmp_path / "two")
    assert [path.name for path in first] == ["precis-chromium.zip", "precis-firefox.zip"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def referenced_files(manifest: dict, files: dict[str, bytes]) -> set[str]:
    """Every file the manifest and the extension's HTML pages load."""
    wanted = set(manifest["icons"].values()) | set(manifest["action"]["default_icon"].values())
    wanted |= {manifest["action"]["default_popup"], manifest["options_ui"]["page"]}
    background = manifest["background"]
    wanted |= set(background.get("scripts", [])) | {background.get("service_worker")} - {None}
    for script in manifest["content_scripts"]:
        wanted |= set(script["js"])
    for page in ("popup.html", "options.html"):
        html = files[page].decode()
        wanted |= set(re.findall(r'(?:src|href)="([\w./-]+\.(?:js|css))"', html))
    return wanted


@pytest.mark.parametrize("browser", ["chromium", "firefox"])
def test_extension_package_holds_what_its_manifest_loads_and_nothing_else(tmp_path, browser):
    build.build(tmp_path)
    files = read_zip(tmp_path / f"precis-{browser}.zip")
    manifest = json.loads(files["manifest.json"])
    assert manifest["manifest_version"] == 3
    wanted = referenced_files(manifest, files)
    assert wanted <= set(files), wanted - set(files)
    assert set(files) - wanted == {"manifest.json"}
    # No tests, tools, build script or README in a store package.
    assert not {name for name in files if name.startswith(("tests/", "tools/"))}
    assert "build.py" not in files and "README.md" not in files
    if browser == "chromium":
        assert manifest["background"] == {"service_worker": "background.js"}
        assert "browser_specific_settings" not in manifest
    else:
        assert manifest["background"] == {
            "scripts": ["identifiers.js", "settings.js", "background.js"]
        }
        gecko = manifest["browser_specific_settings"]["gecko"]
        assert gecko["id"] and gecko["data_collection_permissions"]["required"]


def test_extension_asks_for_no_host_access_it_does_not_need():
    manifest = json.loads((EXTENSION / "manifest.json").read_text())
    # "scripting" registers the content script for every site, only once the reader
    # has switched that on and granted access to all sites (optional, at run time).
    assert manifest["permissions"] == ["storage", "scripting"]
    assert "host_permissions" not in manifest
    # The server's origin is asked for at run time, from the options page.
    assert set(manifest["optional_host_permissions"]) == {"https://*/*", "http://*/*"}
    settings = (EXTENSION / "settings.js").read_text()
    assert 'const ALL_SITES = ["https://*/*", "http://*/*"];' in settings
    for pattern in manifest["content_scripts"][0]["matches"]:
        assert pattern.startswith("https://") and "*://" not in pattern, pattern
    assert "no tracking" in manifest["description"] and len(manifest["description"]) <= 132


def test_extension_package_takes_another_default_server(tmp_path):
    build.main(["--out", str(tmp_path), "--server", "https://precis.example.org/"])
    settings = read_zip(tmp_path / "precis-firefox.zip")["settings.js"].decode()
    assert 'const DEFAULT_SERVER = "https://precis.example.org";' in settings
    with pytest.raises(SystemExit):
        build.main(["--out", str(tmp_path), "--server", 'javascript:alert("x")'])


def test_extension_code_never_assigns_html():
    """The panel builds DOM; server strings never go through an HTML sink."""
    sinks = re.compile(
        r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function"
    )
    for script in EXTENSION.glob("*.js"):
        assert not sinks.search(script.read_text()), script.name
