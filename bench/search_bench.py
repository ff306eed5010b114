"""Search latency at scale: a synthetic corpus of 1,000,000 papers and 100,000 summaries.

Titles, abstracts and names are generated here from word lists written for this
benchmark (a Zipf-like mix of common and rare words), not copied from anywhere.
For each database it builds the corpus with bulk inserts, times the full index
build (`search.services.reindex`), then runs 1,000 mixed queries through
`search.services.search` and prints p50/p95/p99 latency.

    .venv/bin/python bench/search_bench.py [--papers 1000000] [--summaries 100000] [--db sqlite postgres]

PostgreSQL uses the database named by --pg-url (default: precis_bench on the local
server), which is dropped and created afresh.

While tuning: --keep DIR builds the corpus once and reuses it (--reindex rebuilds only
the search index of a kept corpus, after a change to its schema), and --by-kind adds
latency per kind of query and the slowest queries.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = (
    "learning network neural deep model training data graph attention transformer language "
    "image vision detection segmentation reinforcement policy agent reward optimization gradient "
    "stochastic convex bayesian inference variational generative adversarial diffusion sampling "
    "kernel sparse representation embedding contrastive supervised unsupervised semi robust "
    "adversarial privacy federated distributed scalable efficient compression quantization pruning "
    "retrieval recommendation ranking translation speech audio video temporal sequence recurrent "
    "memory causal counterfactual fairness interpretable explanation uncertainty calibration "
    "molecular protein genomics clinical medical physics quantum simulation control robotics "
    "planning search theory bounds complexity regret bandit estimation regression classification "
    "clustering manifold spectral topological geometric equivariant invariant symmetry hierarchical "
    "multimodal multilingual zero shot few transfer meta continual lifelong curriculum self "
    "normalization residual convolutional pooling dropout regularization generalization overfitting"
).split()
RARE = (
    "zebrafish polyhedral isotonic wavelet chromatic saddle lattice hypergraph tropical "
    "submodular ergodic martingale holomorphic conformal sheaf monoidal cobordism fermionic "
    "spintronic photonic lidar sonar seismic glacier coral pollen enzyme ribosome neuron synapse"
).split()
GLUE = "a an the of for with via on in and towards beyond using under from into".split()
TEMPLATES = [
    "{A} {B} for {C} {D}",
    "Towards {A} {B} {C}",
    "{A} {B}: {C} {D} with {E} {F}",
    "On the {A} of {B} {C}",
    "{A} {B} via {C} {D} {E}",
    "Learning {A} {B} from {C} {D}",
    "{A} and {B} {C} in {D} {E}",
]
GIVEN = (
    "Ada Alan Grace Edsger Barbara John Donald Leslie Judea Yann Yoshua Geoffrey Fei Daphne "
    "Michael Andrew Ilya Oriol Kaiming Jian Diederik Jimmy Ian Sergey Christian Ashish Noam "
    "Priya Wei Li Chen Mei Hiroshi Yuki Sven Ingrid Olga Pavel Amara Kwame Chidi Fatima Omar "
    "Lucia Mateo Sofia Diego Elena Marco Giulia Pierre Camille Hannah Jonas Lena Tomasz Zofia"
).split()
FAMILY = (
    "Lovelace Turing Hopper Dijkstra Liskov Backus Knuth Lamport Pearl LeCun Bengio Hinton Li "
    "Koller Jordan Ng Sutskever Vinyals He Sun Kingma Ba Goodfellow Ioffe Szegedy Vaswani Shazeer "
    "Patel Wang Zhang Chen Liu Tanaka Sato Berg Lund Ivanova Novak Mensah Okafor Haddad Khan "
    "Garcia Romero Rossi Bianchi Dubois Martin Schmidt Weber Kowalski Nowak Silva Costa Mendes"
).split()
VENUES = ["icml", "nips", "iclr", "cvpr", "acl", "emnlp", "aaai", "ijcai", "kdd", "arxiv"]
# arXiv categories by how often a paper lists them, roughly as machine learning's do.
CATEGORIES = {
    "cs.LG": 30, "cs.CV": 15, "cs.CL": 12, "stat.ML": 10, "cs.AI": 8, "cs.RO": 4, "cs.IR": 3,
    "math.OC": 3, "cs.NE": 3, "eess.IV": 2, "cs.CR": 2, "cs.SD": 1, "q-bio.NC": 1,
    "quant-ph": 1, "physics.comp-ph": 1, "econ.EM": 1,
}  # fmt: skip


def word(rng):
    if rng.random() < 0.03:
        return rng.choice(RARE)
    return TOPICS[
        min(int(rng.paretovariate(1.1)) - 1, len(TOPICS) - 1)
        if rng.random() < 0.5
        else rng.randrange(len(TOPICS))
    ]


def topics_of(rng) -> tuple[list[str], list[str]]:
    """Categories (one to three, primary first) and keywords (up to three) for one paper."""
    categories = list(
        dict.fromkeys(rng.choices(list(CATEGORIES), list(CATEGORIES.values()), k=rng.randint(1, 3)))
    )
    keywords = list(dict.fromkeys(word(rng) for _ in range(rng.randint(0, 3))))
    return categories, keywords


def title(rng):
    slots = {key: word(rng).capitalize() for key in "ABCDEF"}
    return rng.choice(TEMPLATES).format(**slots)


def abstract(rng):
    sentences = []
    for _ in range(rng.randint(4, 7)):
        words = [
            word(rng) if rng.random() < 0.7 else rng.choice(GLUE)
            for _ in range(rng.randint(12, 24))
        ]
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def build_corpus(papers: int, summaries: int, seed: int = 7, writers: int = 1) -> None:
    """Insert ``papers`` papers and ``summaries`` public summaries shared among ``writers``."""
    from django.db import connection, transaction
    from django.utils import timezone

    from precis.accounts.models import User
    from precis.papers.bulk import insert_rows, reserve_ids
    from precis.papers.fields import field_of_categories
    from precis.papers.models import Author, Identifier, Paper, PaperAuthor, PaperTopic, Venue
    from precis.papers.topics import topic_key
    from precis.summaries.models import Summary, restate_papers

    rng = random.Random(seed)
    # Its own generator, so that titles and abstracts stay those of earlier corpora.
    topic_rng = random.Random(seed + 1)
    now = timezone.now()
    venues = {
        key: Venue.objects.get_or_create(key=key, defaults={"name": key.upper()})[0].pk
        for key in VENUES
    }
    names = [f"{g} {f}" for g in GIVEN for f in FAMILY]
    author_ids = reserve_ids(Author, len(names))
    insert_rows(
        Author,
        ["id", "name", "orcid"],
        [(pk, n, "") for pk, n in zip(author_ids, names, strict=True)],
    )
    writer_ids = [User.objects.create_user("benchwriter", "bench@example.org", "x").pk]
    if writers > 1:
        # An unusable password: hashing thousands of real ones would take minutes.
        more = User.objects.bulk_create(
            User(username=f"writer{n}", email=f"writer{n}@example.org", password="!")
            for n in range(1, writers)
        )
        writer_ids += [user.pk for user in more]
    batch = 5000
    paper_ids: list[int] = []
    for start in range(0, papers, batch):
        count = min(batch, papers - start)
        with transaction.atomic():
            ids = reserve_ids(Paper, count)
            rows, links, identifiers, topic_rows = [], [], [], []
            for offset, pk in enumerate(ids):
                number = start + offset
                text = title(rng)
                year = rng.randint(2005, 2025)
                categories, keywords = topics_of(topic_rng)
                rows.append(
                    (
                        pk,
                        text,
                        "paper",
                        abstract(rng),
                        year,
                        venues[rng.choice(VENUES)],
                        field_of_categories(categories),
                        json.dumps(keywords),
                        json.dumps(categories),
                        number,
                    )
                )
                topic_rows += [
                    (key, pk, year) for key in dict.fromkeys(map(topic_key, categories + keywords))
                ]
                for position, author in enumerate(rng.sample(author_ids, rng.randint(1, 5))):
                    links.append((pk, author, position))
                month = number % 12 + 1
                identifiers.append(
                    (
                        pk,
                        "arxiv",
                        f"{15 + number // 1_080_000 % 10}{month:02d}.{10000 + number // 12 % 90000:05d}",
                    )
                )
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO papers_paper (id, title, slug, abstract, year, venue_id, field, url, pdf_url, "
                    "keywords, categories, source, title_key, first_author_key, created_at, updated_at, "
                    "views, follower_count, request_count, demand, waiting_hidden_reason, listed_summaries) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, '', '', %s, %s, 'bench', '', '', %s, %s, "
                    "0, 0, 0, 0, '', 0)",
                    [
                        (pk, t, slug, a, y, v, field, keywords, categories, now, now)
                        for pk, t, slug, a, y, v, field, keywords, categories, _ in rows
                    ],
                )
            insert_rows(PaperTopic, ["topic", "paper_id", "year"], topic_rows)
            insert_rows(PaperAuthor, ["paper_id", "author_id", "position"], links)
            insert_rows(
                Identifier, ["paper_id", "scheme", "value"], identifiers, ignore_conflicts=True
            )
            paper_ids += ids
    chosen = rng.sample(paper_ids, summaries)
    for start in range(0, summaries, batch):
        with transaction.atomic():
            rows = []
            for number, paper_id in enumerate(chosen[start : start + batch], start):
                text = abstract(rng)
                up = rng.randint(0, 30)
                rows.append(
                    (
                        paper_id,
                        writer_ids[number % len(writer_ids)],
                        "public",
                        False,
                        text,
                        f"<p>{text}</p>",
                        f"<p>{text[:300]}</p>",
                        text[:200],
                        1,
                        now,
                        now,
                        now,
                        up,
                        0,
                        up,
                        up / 31,
                        0.0,
                        0,
                        "ok",
                        "",
                        False,
                    )
                )
            insert_rows(
                Summary,
                ["paper_id", "author_id", "visibility", "anonymous", "source", "html", "excerpt_html",
                 "description", "renderer_version", "created_at", "updated_at", "published_at", "upvotes", "downvotes",
                 "score", "wilson", "popularity", "views", "moderation", "moderation_reason",
                 "comments_locked"],
                rows,
            )  # fmt: skip
    restate_papers(chosen)  # what the site's own writes keep (inserted rows send no signal)


# What queries() asks, by position modulo 10 (the per-kind latency lines use these names).
KINDS = ("word", "word", "word", "two words", "two words", "three words", "phrase", "author",
         "year venue", "rare has:summary")  # fmt: skip


def queries(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    mixed = []
    for n in range(count):
        kind = n % 10
        if kind in (0, 1, 2):
            mixed.append(word(rng))
        elif kind in (3, 4):
            mixed.append(f"{word(rng)} {word(rng)}")
        elif kind == 5:
            mixed.append(f"{word(rng)} {word(rng)} {word(rng)}")
        elif kind == 6:
            mixed.append(f'"{word(rng)} {word(rng)}"')
        elif kind == 7:
            mixed.append(f"author:{rng.choice(FAMILY).lower()} {word(rng)}")
        elif kind == 8:
            start = rng.randint(2005, 2022)
            mixed.append(f"{word(rng)} year:{start}..{start + 2} venue:{rng.choice(VENUES)}")
        else:
            mixed.append(f"{rng.choice(RARE)} has:summary")
    return mixed


def run(
    database_url: str,
    papers: int,
    summaries: int,
    *,
    reuse: bool = False,
    reindex: bool = False,
    verbose: bool = False,
) -> None:
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="bench-only", LOG_LEVEL="ERROR",
                      DJANGO_SETTINGS_MODULE="precis.settings")  # fmt: skip
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from precis.papers.models import Paper
    from precis.search import services

    call_command("migrate", verbosity=0)
    built = indexed = 0.0
    fresh = not (reuse and Paper.objects.exists())
    if fresh:
        started = time.perf_counter()
        build_corpus(papers, summaries)
        built = time.perf_counter() - started
    if fresh or reindex:  # reindex: a kept corpus, after a change to the index's schema
        started = time.perf_counter()
        services.reindex(restart=True)
        indexed = time.perf_counter() - started
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE would keep them.
        cursor.execute("ANALYZE")
    user = AnonymousUser()
    mixed = queries(1000)
    for text in mixed[:50]:  # warm caches
        services.search(text, user=user)
    timings, empty, by_kind, slowest = [], 0, {}, []
    for n, text in enumerate(mixed):
        began = time.perf_counter()
        results = services.search(text, user=user)
        elapsed = (time.perf_counter() - began) * 1000
        timings.append(elapsed)
        by_kind.setdefault(KINDS[n % 10], []).append(elapsed)
        slowest.append((elapsed, text))
        empty += not results.results
    timings.sort()

    def pct(p, values=timings):
        return values[min(len(values) - 1, int(len(values) * p / 100))]

    print(
        f"{connection.vendor:10} papers {papers:,} summaries {summaries:,} | corpus {built:6.1f} s | "
        f"index build {indexed:6.1f} s | 1,000 queries p50 {pct(50):6.1f} ms  p95 {pct(95):6.1f} ms  "
        f"p99 {pct(99):6.1f} ms  mean {statistics.mean(timings):6.1f} ms ({empty} with no results)",
        flush=True,
    )
    if verbose:
        for kind, values in by_kind.items():
            values.sort()
            print(f"  {kind:17} p50 {pct(50, values):6.1f}  p95 {pct(95, values):6.1f}  "
                  f"max {values[-1]:6.1f} ms")  # fmt: skip
        print("  slowest:", ", ".join(f"{t!r} {ms:.0f} ms" for ms, t in sorted(slowest)[-8:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--summaries", type=int, default=100_000)
    parser.add_argument(
        "--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/precis_bench")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument(
        "--keep",
        type=Path,
        help="Keep the databases (SQLite file in this folder, PostgreSQL database) and reuse them "
        "on the next run instead of rebuilding: for tuning queries.",
    )
    parser.add_argument(
        "--reindex",
        action="store_true",
        help="With --keep: rebuild the search index of the kept corpus (after changing its schema).",
    )
    parser.add_argument(
        "--by-kind", action="store_true", help="Also print latency per kind of query."
    )
    args = parser.parse_args()
    if args.run:
        run(args.run, args.papers, args.summaries, reuse=args.keep is not None,
            reindex=args.reindex, verbose=args.by_kind)  # fmt: skip
        return
    from scratch import fresh_postgres  # bench/ is the script's folder

    for kind in args.db:
        scratch = args.keep or Path(tempfile.mkdtemp(prefix="precis-search-bench-"))
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            if kind == "sqlite":
                url = f"sqlite:///{scratch}/bench.sqlite3"
            else:
                url = args.pg_url
                fresh_postgres(url, keep=args.keep is not None)
            command = [sys.executable, __file__, "--run", url, "--papers", str(args.papers)]
            command += ["--summaries", str(args.summaries)]
            if args.keep:
                command += ["--keep", str(scratch)]
            command += ["--reindex"] if args.reindex else []
            command += ["--by-kind"] if args.by_kind else []
            subprocess.run(command, check=True)
        finally:
            if not args.keep:
                shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
