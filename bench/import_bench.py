"""Import throughput and memory: an OAI-PMH page set and a synthetic dblp.xml dump.

Builds the inputs in a temporary folder from the real slices in ../shared/fixtures
(same structure, records renumbered so each is a distinct paper), then imports
each into a fresh database in a child process and prints records/s, the CPU
seconds of the importer, of its background parser and of the PostgreSQL backend
(on a busy machine records/s understates; the CPU seconds do not), and the peak
RSS of the importer and of the parser. Two sizes of each input (a quarter, then
the whole) show whether memory stays flat.

The database is a scratch SQLite file; with DATABASE_URL set to PostgreSQL it is
a fresh database beside the one named (``<name>_bench``, dropped afterwards).

    .venv/bin/python bench/import_bench.py [--dblp 200000] [--oai 50000] [--only oai|dblp]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precis_import .venv/bin/python bench/import_bench.py
"""

import argparse
import copy
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures"
sys.path.insert(0, str(ROOT))


def clean_dtd(text: str) -> str:
    """Only the declarations: the shared copy of dblp.dtd has unrelated text appended."""
    without_comments = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    return "\n".join(re.findall(r"<!(?:ENTITY|ELEMENT|ATTLIST)\b[^>]*>", without_comments))


def build_dblp_dump(path: Path, records: int) -> None:
    """A dblp.xml of ``records`` publications cycling through the real slices' records."""
    from lxml import etree

    dtd = clean_dtd((FIXTURES / "dblp" / "dblp.dtd").read_text(encoding="utf-8"))
    (path.parent / "dblp.dtd").write_text(dtd, encoding="utf-8")
    templates = []
    for name in ("askmrsinh_dblp-tiny.xml", "evelasquez_dblp_sample_with_homepages.xml"):
        copy_path = path.parent / name
        shutil.copy(FIXTURES / "dblp" / name, copy_path)
        parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=True)
        tree = etree.parse(str(copy_path), parser)
        copy_path.unlink()
        templates += [r for r in tree.getroot() if isinstance(r.tag, str) and r.tag != "www"]
    with path.open("wb") as out:
        out.write(
            b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp>\n'
        )
        for number in range(records):
            record = copy.deepcopy(templates[number % len(templates)])
            stream = record.get("key", "conf/x/y").split("/")[1]
            record.set("key", f"conf/{stream}/Synthetic{number}")
            title = record.find("title")
            if title is not None:
                title.text = f"{(title.text or 'Untitled').rstrip('.')} (synthetic {number})."
            for ee in record.findall("ee"):
                record.remove(ee)
            out.write(etree.tostring(record, encoding="ISO-8859-1", xml_declaration=False))
        out.write(b"</dblp>\n")


def fresh_postgres(url: str) -> tuple[str, str]:
    """A new empty database beside the one ``url`` names: (its URL, its name)."""
    import psycopg

    base, _, name = url.rstrip("/").rpartition("/")
    bench_name = f"{name.partition('?')[0]}_bench"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{bench_name}"')
    return f"{base}/{bench_name}", bench_name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    base = url.rpartition("/")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_import(kind: str, inputs: list[Path]) -> None:
    """In a child process: import into a fresh database, print throughput and peak RSS."""
    scratch = Path(tempfile.mkdtemp(prefix="precis-import-bench-"))
    given = os.environ.get("DATABASE_URL", "")
    postgres = given.startswith(("postgres://", "postgresql://"))
    database_url, database_name = (
        fresh_postgres(given) if postgres else (f"sqlite:///{scratch}/bench.sqlite3", "")
    )
    os.environ.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-only",
        DJANGO_SETTINGS_MODULE="precis.settings",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from precis.importers.pipeline import read_records_in_background
    from precis.papers.services import ImportReport, upsert_papers

    call_command("migrate", verbosity=0)
    report = ImportReport()
    server_before = server_cpu_seconds(connection)
    started, cpu_started = time.perf_counter(), time.process_time()
    fmt = "dblp" if kind == "dblp" else "arxiv-oai"
    report.add(upsert_papers(read_records_in_background(inputs, fmt), batch_size=2000))
    seconds = time.perf_counter() - started
    importer_cpu = time.process_time() - cpu_started
    server_cpu = server_cpu_seconds(connection) - server_before
    peak_mib = peak_rss_mib()
    # the parser process has been joined, so it counts among this one's children
    parser = resource.getrusage(resource.RUSAGE_CHILDREN)
    parser_cpu, parser_mib = parser.ru_utime + parser.ru_stime, parser.ru_maxrss / 1024
    print(
        f"{kind:5} {connection.vendor:10} {report.total:>8,} records {seconds:6.1f} s "
        f"{report.total / seconds:>7,.0f} rec/s | CPU s: importer {importer_cpu:5.1f} "
        f"parser {parser_cpu:5.1f} server {server_cpu:5.1f} | peak RSS {peak_mib:4.0f} MiB "
        f"parser {parser_mib:3.0f} MiB | {report.created:,} created, "
        f"{len(report.skipped):,} skipped",
        flush=True,
    )
    connection.close()
    shutil.rmtree(scratch, ignore_errors=True)
    if postgres:
        drop_postgres(database_url, database_name)


def server_cpu_seconds(connection) -> float:
    """CPU time of this connection's PostgreSQL backend (0 for SQLite, which runs in-process).

    Read from /proc: the benchmark and the server share the machine.
    """
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:  # a server on another machine
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dblp", type=int, default=200_000, help="records in the big dump")
    parser.add_argument("--oai", type=int, default=50_000, help="records in the OAI page set")
    parser.add_argument("--only", choices=["oai", "dblp"], help="run one of the two imports")
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_import(args.run[0], [Path(p) for p in args.run[1:]])
        return
    if not FIXTURES.is_dir():
        sys.exit(f"needs the real slices in {FIXTURES}")
    work = Path(tempfile.mkdtemp(prefix="precis-import-inputs-"))
    try:
        from precis.importers.tests.oai_sequence import split_into_pages

        me = [sys.executable, __file__, "--run"]
        if args.only in (None, "oai"):
            source = FIXTURES / "arxiv_oai" / "arxivsync_ListRecords_arXiv_1000_records.xml"
            pages = split_into_pages(
                source, work / "oai", per_page=1000, repeat=max(1, args.oai // 1000)
            )
            # the first quarter of the pages, then all of them
            subprocess.run([*me, "oai", *map(str, pages[: max(1, len(pages) // 4)])], check=True)
            subprocess.run([*me, "oai", *map(str, pages)], check=True)
        if args.only in (None, "dblp"):
            small_dump, big_dump = work / "small" / "dblp.xml", work / "big" / "dblp.xml"
            small_dump.parent.mkdir()
            big_dump.parent.mkdir()
            build_dblp_dump(small_dump, args.dblp // 4)
            build_dblp_dump(big_dump, args.dblp)
            subprocess.run([*me, "dblp", str(small_dump)], check=True)
            subprocess.run([*me, "dblp", str(big_dump)], check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
