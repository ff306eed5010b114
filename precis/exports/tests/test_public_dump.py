"""manage.py export_public_dump, its task, the files it writes, and /data/ that serves them."""

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from precis.discussions import services as discussions
from precis.exports import dumps
from precis.exports.tasks import refresh_public_dump
from precis.papers.models import PaperRedirect
from precis.papers.services import merge_papers
from precis.papers.tests.factories import PaperFactory
from precis.summaries.models import Summary
from precis.summaries.tests.factories import SummaryFactory

from . import dumping

pytestmark = pytest.mark.django_db


@pytest.fixture
def dump_dir(settings, tmp_path):
    settings.PUBLIC_DUMP_DIR = tmp_path / "dumps"
    settings.PUBLIC_DUMP_KEEP = 2
    return settings.PUBLIC_DUMP_DIR


@pytest.fixture
def corpus(alice):
    paper = PaperFactory(arxiv="1512.03385", title="Deep residual learning", authors=["K. He"])
    summary = SummaryFactory(author=alice, paper=paper, source="Skip connections help.")
    discussions.post_comment(author=alice, summary=summary, source="A note.")
    return {"paper": paper, "summary": summary}


# -- files and manifest ---------------------------------------------------------------


def test_the_command_writes_one_file_per_kind_and_a_manifest_that_checks_out(dump_dir, corpus):
    call_command("export_public_dump", str(dump_dir), verbosity=0)
    [path] = dumps.complete_dumps(dump_dir)
    manifest = dumping.manifest(path)
    assert manifest["format"] == dumps.FORMAT
    assert manifest["schema_version"] == dumps.SCHEMA_VERSION
    assert manifest["licence"]["name"] == "CC BY 4.0"
    assert manifest["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert manifest["generated_at"].startswith(path.name[:4])
    names = {f["name"] for f in manifest["files"]}
    assert names == {f"{kind.name}.jsonl.gz" for kind in dumps.kinds()}
    assert names | {"manifest.json"} == {p.name for p in path.iterdir()}
    records = dumping.records(path)
    for entry in manifest["files"]:
        data = (path / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["rows"] == len(records[entry["kind"]])
        assert entry["fields"]
        for row in records[entry["kind"]]:
            assert set(row) == set(entry["fields"]), entry["kind"]
    paper = records["papers"][0]
    assert paper["id"] == corpus["paper"].pk
    assert paper["identifiers"] == {"arxiv": "1512.03385"}
    assert paper["authors"][0]["name"] == "K. He"
    assert paper["venue"]["key"] == corpus["paper"].venue.key
    assert "abstract" not in paper
    assert records["summaries"][0]["paper_id"] == corpus["paper"].pk
    assert records["comments"][0]["summary_id"] == corpus["summary"].pk


def test_without_a_folder_it_writes_into_the_setting(dump_dir, corpus):
    call_command("export_public_dump", verbosity=0)
    assert len(dumps.complete_dumps(dump_dir)) == 1


def test_the_same_data_gives_the_same_bytes(tmp_path, corpus):
    first = dumping.write(tmp_path / "a")
    second = dumping.write(tmp_path / "b")
    for kind in dumps.kinds():
        assert (first / kind.file_name).read_bytes() == (second / kind.file_name).read_bytes()


def test_merged_papers_leave_a_redirect_map(tmp_path, alice):
    kept = PaperFactory(arxiv="1706.03762")
    duplicate = PaperFactory()
    SummaryFactory(author=alice, paper=duplicate)
    old_id = duplicate.pk
    merge_papers(duplicate=duplicate, into=kept)
    assert PaperRedirect.objects.filter(old_id=old_id).exists()
    records = dumping.records(dumping.write(tmp_path))
    [redirect] = records["redirects"]
    assert redirect["old_id"] == old_id and redirect["paper_id"] == kept.pk
    assert f"/papers/{old_id}/" in redirect["old_url"]
    assert old_id not in {p["id"] for p in records["papers"]}
    # The summary moved with the merge, and the dump has it under the kept paper.
    assert records["summaries"][0]["paper_id"] == kept.pk
    # The old URL still leads to the paper.
    response = Client().get(redirect["old_url"].split("testserver", 1)[-1], follow=True)
    assert response.status_code == 200


# -- atomicity, keeping, locking ------------------------------------------------------


def test_it_keeps_the_newest_dumps_only(dump_dir, corpus):
    for _ in range(4):
        call_command("export_public_dump", str(dump_dir), "--keep", "2", verbosity=0)
    kept = dumps.complete_dumps(dump_dir)
    assert len(kept) == 2
    assert dumps.latest(dump_dir).name == kept[0].name
    assert [p.name for p in sorted(kept)] == [p.name for p in kept[::-1]]


def test_a_failed_run_leaves_no_dump_and_no_partial_folder(dump_dir, corpus, monkeypatch):
    def broken():
        yield {"ok": 1}
        raise RuntimeError("database went away")

    broken_kind = dumps.Kind("broken", "", {"ok": ""}, broken)
    monkeypatch.setattr(dumps, "kinds", lambda: [*dumps.KINDS, broken_kind])
    with pytest.raises(RuntimeError):
        dumps.write_dump(dump_dir, keep=2)
    assert list(dump_dir.iterdir()) == [dump_dir / dumps.LOCK_FILE]
    assert dumps.latest(dump_dir) is None


def test_a_partial_folder_is_never_listed_and_is_cleaned_up_by_the_next_run(dump_dir, corpus):
    dump_dir.mkdir(parents=True)
    partial = dump_dir / f"{dumps.TEMP_PREFIX}abc"
    partial.mkdir()
    (partial / "papers.jsonl.gz").write_bytes(b"half")
    unfinished = dump_dir / "20990101T000000Z"  # a folder without its manifest
    unfinished.mkdir()
    assert dumps.latest(dump_dir) is None
    assert Client().get("/data/").status_code == 200
    dumps.write_dump(dump_dir, keep=2)
    assert not partial.exists()
    assert dumps.latest(dump_dir).name != unfinished.name


def test_a_second_writer_stops_at_once_while_another_holds_the_folder(dump_dir, corpus):
    # flock(2) locks belong to an open file, so this holds the lock as another
    # process would, and the kernel drops it when that process dies.
    dump_dir.mkdir(parents=True)
    with dumps._exclusive(dump_dir):
        with pytest.raises(dumps.DumpBusy):
            dumps.write_dump(dump_dir, keep=2)
        with pytest.raises(CommandError, match="already"):
            call_command("export_public_dump", str(dump_dir), verbosity=0)
        assert refresh_public_dump.enqueue().return_value is None
        assert dumps.complete_dumps(dump_dir) == []
    assert refresh_public_dump.enqueue().return_value is not None
    assert len(dumps.complete_dumps(dump_dir)) == 1


def test_the_task_writes_a_dump_and_can_run_again(dump_dir, corpus):
    first = refresh_public_dump.enqueue().return_value
    second = refresh_public_dump.enqueue().return_value
    assert first and second and first != second
    assert [p.name for p in dumps.complete_dumps(dump_dir)] == [second, first]


def test_the_task_can_be_enqueued_from_the_command(dump_dir, corpus, capsys):
    # The tests' task backend runs it at once, as a worker would later.
    call_command("export_public_dump", "--enqueue")
    assert "Enqueued" in capsys.readouterr().out
    assert dumps.latest(dump_dir) is not None


def test_a_bad_keep_is_a_clear_error(dump_dir):
    with pytest.raises(CommandError, match="at least 1"):
        call_command("export_public_dump", "--keep", "0")


def test_an_unwritable_folder_is_a_clear_error(tmp_path, corpus):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match="Could not write"):
        call_command("export_public_dump", str(blocker / "dumps"), verbosity=0)


# -- hostile data -----------------------------------------------------------------------

CONTROL = "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\u2028\u2029\ufeff"
HUGE = "x" * 200_000


def test_control_characters_and_huge_fields_still_give_valid_json_lines(tmp_path, alice):
    nul = "" if connection.vendor == "postgresql" else "\x00"  # PostgreSQL text holds no NUL
    paper = PaperFactory(title="Plain")
    summary = SummaryFactory(author=alice, paper=paper, source="Plain.")
    hostile = f"a{nul}{CONTROL}b{HUGE}"
    Summary.objects.filter(pk=summary.pk).update(source=hostile)
    type(paper).objects.filter(pk=paper.pk).update(title=f"T{nul}{CONTROL}")
    records = dumping.records(dumping.write(tmp_path))
    assert records["summaries"][0]["source"] == hostile
    assert records["papers"][0]["title"] == f"T{nul}{CONTROL}"


def test_a_lone_surrogate_becomes_a_replacement_character():
    line = dumps.json_line({"text": "a\ud800b\udfffc", "ok": "é\u2028"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line.decode("utf-8")) == {"text": "a\ufffdb\ufffdc", "ok": "é\u2028"}


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_invalid_utf8_stored_in_sqlite_does_not_stop_the_dump(tmp_path, alice):
    summary = SummaryFactory(author=alice, source="Plain.")
    with connection.cursor() as cursor:
        # A lone surrogate's bytes (ED A0 80), as another tool might have written them.
        cursor.execute(
            "UPDATE summaries_summary SET source = CAST(X'61EDA08062' AS TEXT) WHERE id = %s",
            [summary.pk],
        )
    records = dumping.records(dumping.write(tmp_path))
    assert records["summaries"][0]["source"].startswith("a\ufffd")
    assert records["summaries"][0]["source"].endswith("b")


# -- /data/ -----------------------------------------------------------------------------


def test_without_a_dump_the_page_says_so(dump_dir, client):
    response = client.get("/data/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "No dump yet" in body
    assert dumps.LICENCE["url"] in body


def test_the_page_lists_the_latest_dump_with_everything_a_downloader_checks(
    dump_dir, corpus, client
):
    path = dumping.write(dump_dir)
    manifest = dumping.manifest(path)
    body = client.get("/data/").content.decode()
    for entry in manifest["files"]:
        assert f"/data/{path.name}/{entry['name']}" in body
        assert entry["sha256"] in body
        for field in entry["fields"]:
            assert f"<code>{field}</code>" in body
    assert f"/data/{path.name}/manifest.json" in body
    assert "CC BY 4.0" in body and dumps.LICENCE["url"] in body
    assert path.name[:4] in body  # the year of its date


def test_a_new_dump_shows_at_once_despite_the_page_cache(dump_dir, corpus, client):
    first = dumping.write(dump_dir)
    assert first.name in client.get("/data/").content.decode()
    second = dumping.write(dump_dir)
    assert second.name in client.get("/data/").content.decode()


def test_files_come_with_their_type_and_a_download_name(dump_dir, corpus, client):
    path = dumping.write(dump_dir)
    response = client.get(f"/data/{path.name}/summaries.jsonl.gz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert not response.has_header("Content-Encoding")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="precis-{path.name}-summaries.jsonl.gz"'
    )
    assert "immutable" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == (path / "summaries.jsonl.gz").read_bytes()
    assert json.loads(gzip.decompress(body).splitlines()[0])["id"] == corpus["summary"].pk
    manifest = client.get(f"/data/{path.name}/manifest.json")
    assert manifest["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(b"".join(manifest.streaming_content))["format"] == dumps.FORMAT
    assert client.head(f"/data/{path.name}/papers.jsonl.gz").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/data/20260101T000000Z/papers.jsonl.gz",  # no such dump
        "/data/{name}/secrets.jsonl.gz",  # not in the manifest
        "/data/{name}/.lock",
        "/data/{name}/..%2F..%2Fsettings.py",
        "/data/..%2F{name}/papers.jsonl.gz",
        "/data/{name}%00/papers.jsonl.gz",
        "/data/{name}/papers.jsonl.gz%00",
        "/data/{name}/%ED%A0%80.jsonl.gz",  # a lone surrogate's bytes
        "/data/" + "9" * 5000 + "/papers.jsonl.gz",
        "/data/{name}/" + "a" * 200_000,
    ],
)
def test_anything_else_under_data_is_not_found(dump_dir, corpus, client, url):
    path = dumping.write(dump_dir)
    (path / "secrets.jsonl.gz").write_bytes(b"not listed")
    response = client.get(url.replace("{name}", path.name))
    # 400 for a NUL, which the request limits refuse before any view.
    assert response.status_code == (400 if "%00" in url else 404)


def test_only_get_and_head_are_answered(dump_dir, corpus):
    path = dumping.write(dump_dir)
    client = Client()
    assert client.post("/data/").status_code == 405
    assert client.post(f"/data/{path.name}/papers.jsonl.gz").status_code == 405


def test_a_pruned_file_is_not_found_not_an_error(dump_dir, corpus, client):
    path = dumping.write(dump_dir)
    os.remove(path / "papers.jsonl.gz")
    assert client.get(f"/data/{path.name}/papers.jsonl.gz").status_code == 404


def test_the_about_page_states_the_same_licence(client):
    body = client.get("/about/").content.decode()
    assert 'id="licence"' in body
    assert dumps.LICENCE["url"] in body and dumps.LICENCE["name"] in body
    assert "/data/" in body


def test_the_docs_describe_every_field(corpus):
    docs = (Path(__file__).resolve().parents[3] / "docs" / "operations.md").read_text()
    for kind in dumps.kinds():
        assert f"`{kind.file_name}`" in docs, kind.name


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_every_file_comes_from_one_snapshot(tmp_path, alice):
    # On PostgreSQL: one REPEATABLE READ READ ONLY transaction around all the files.
    SummaryFactory(author=alice, source="Committed before the dump.")
    records = dumping.records(dumping.write(tmp_path))
    assert [s["source"] for s in records["summaries"]] == ["Committed before the dump."]
    assert not connection.in_atomic_block
