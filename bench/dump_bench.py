"""The public data dump at a realistic size: rows per second and peak memory, at two sizes.

Builds the synthetic corpus of bench/search_bench.py (papers with authors and
arXiv ids, public summaries shared among writers), adds two or three revisions
per summary and a few comments under each, then runs the dump
(``precis.exports.dumps.write_dump``) in a fresh process and prints its rows/s,
bytes written and peak resident memory (VmHWM). It does this for a quarter of
the size and for the full size: the dump streams (``.iterator(chunk_size=…)``),
so peak memory should stay about the same while the rows grow fourfold.

    .venv/bin/python bench/dump_bench.py [--papers 200000] [--summaries 40000] [--db sqlite|postgres]

PostgreSQL uses --pg-url (default: precis_dump_bench on the local server), dropped
and created afresh for each size.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from scratch import fresh_postgres  # noqa: E402  (bench/ is the script's folder)

COMMENTS_PER_SUMMARY = 3
WRITERS = 2000


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def setup(scratch: str) -> None:
    os.environ.update(
        SECRET_KEY="bench-only-" + "k" * 50,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="ERROR",
        VAR_DIR=scratch,
        SITE_URL="https://precis.example.org",
        DJANGO_SETTINGS_MODULE="precis.settings",
    )
    import django

    django.setup()


def build(papers: int, summaries: int) -> None:
    """Migrate and fill the database named by DATABASE_URL.

    The words come from bench/search_bench.py's generator; rows go in through
    ``bulk_create`` (every field's default filled in, whatever fields other apps
    add) in batches.
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from search_bench import FAMILY, GIVEN, VENUES, abstract, title

    from precis.accounts.models import User
    from precis.discussions.models import Comment
    from precis.papers.models import Author, Identifier, Paper, PaperAuthor, Venue
    from precis.summaries.models import Revision, Summary

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rng = random.Random(7)
    now = timezone.now()
    venues = [Venue.objects.create(key=key, name=key.upper()) for key in VENUES]
    authors = Author.objects.bulk_create(Author(name=f"{g} {f}") for g in GIVEN for f in FAMILY)
    # An unusable password: hashing thousands of real ones would take minutes.
    writers = User.objects.bulk_create(
        User(username=f"writer{n}", email=f"writer{n}@example.org", password="!")
        for n in range(WRITERS)
    )
    batch = 5000
    paper_ids: list[int] = []
    for start in range(0, papers, batch):
        rows = []
        for _ in range(start, min(start + batch, papers)):
            paper = Paper(
                title=title(rng),
                year=rng.randint(2005, 2025),
                venue=rng.choice(venues),
                categories=["cs.LG"],
                source="bench",
            )
            paper.derive_fields()
            rows.append(paper)
        with transaction.atomic():
            made = Paper.objects.bulk_create(rows)
            links, ids = [], []
            for offset, paper in enumerate(made):
                number = start + offset
                for position, author in enumerate(rng.sample(authors, rng.randint(1, 5))):
                    links.append(PaperAuthor(paper=paper, author=author, position=position))
                value = f"{15 + number // 1_080_000 % 10}{number % 12 + 1:02d}.{number // 12:05d}"
                ids.append(Identifier(paper=paper, scheme="arxiv", value=value))
            PaperAuthor.objects.bulk_create(links)
            Identifier.objects.bulk_create(ids)
        paper_ids += [paper.pk for paper in made]
    chosen = rng.sample(paper_ids, summaries)
    for start in range(0, summaries, batch):
        rows = []
        for number, paper_id in enumerate(chosen[start : start + batch], start):
            text = abstract(rng)
            up = rng.randint(0, 30)
            rows.append(
                Summary(
                    paper_id=paper_id,
                    author=writers[number % WRITERS],
                    visibility="public",
                    anonymous=number % 10 == 0,
                    source=text,
                    html=f"<p>{text}</p>",
                    excerpt_html=f"<p>{text[:300]}</p>",
                    published_at=now,
                    upvotes=up,
                    score=up,
                )
            )
        with transaction.atomic():
            made = Summary.objects.bulk_create(rows)
            revisions, comments = [], []
            for summary in made:
                count = rng.randint(1, 3)
                for number in range(1, count + 1):
                    text = summary.source if number == count else abstract(rng)
                    revisions.append(
                        Revision(
                            summary=summary,
                            number=number,
                            editor=summary.author,
                            source=text,
                            visibility="public",
                            anonymous=summary.anonymous,
                        )
                    )
                for _ in range(rng.randint(0, 2 * COMMENTS_PER_SUMMARY)):
                    text = abstract(rng)[:400]
                    comments.append(
                        Comment(
                            summary=summary,
                            author=rng.choice(writers),
                            source=text,
                            html=f"<p>{text}</p>",
                        )
                    )
            Revision.objects.bulk_create(revisions)
            Comment.objects.bulk_create(comments)
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def dump(target: str) -> None:
    """Write one dump and print what it took (run in a process of its own)."""
    from django.urls import reverse

    from precis.exports import dumps

    reverse("exports:data")  # loads the URLconf, as any worker has before its first task
    started = time.perf_counter()
    path = dumps.write_dump(Path(target), keep=1)
    seconds = time.perf_counter() - started
    manifest = dumps.read_dump(path).manifest
    rows = sum(f["rows"] for f in manifest["files"])
    size = sum(f["bytes"] for f in manifest["files"])
    kinds = ", ".join(f"{f['kind']} {f['rows']:,}" for f in manifest["files"] if f["rows"])
    print(f"  {kinds}")
    print(
        f"  dump: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, "
        f"{size / 1e6:.1f} MB compressed, peak RSS {peak_rss_mib():.0f} MiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=200_000)
    parser.add_argument("--summaries", type=int, default=40_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/precis_dump_bench")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        setup(os.environ["VAR_DIR"])
        if args.step[0] == "build":
            build(*(int(n) for n in args.step[1].split(",")))
        else:
            dump(args.step[1])
        return
    me = [sys.executable, __file__, "--step"]
    for scale in (4, 1):
        papers, summaries = args.papers // scale, args.summaries // scale
        scratch = tempfile.mkdtemp(prefix="precis-dump-bench-")
        env = dict(os.environ, VAR_DIR=scratch)
        if args.db == "postgres":
            fresh_postgres(args.pg_url)
            env["DATABASE_URL"] = args.pg_url
        else:
            env["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        print(f"{args.db}: {papers:,} papers, {summaries:,} summaries", flush=True)
        subprocess.run([*me, "build", f"{papers},{summaries}"], env=env, check=True)
        subprocess.run([*me, "dump", f"{scratch}/dumps"], env=env, check=True)
        subprocess.run(["rm", "-rf", scratch], check=False)


if __name__ == "__main__":
    main()
