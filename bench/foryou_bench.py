"""/for-you/ at scale: what training one reader costs, and what the page costs to read.

Builds a scratch site (SQLite, or PostgreSQL with --db postgres) of ``--papers``
synthetic papers on a dozen topics, each with authors, a venue and an arXiv id, and
``--summaries`` listed summaries by ``--writers`` writers. Each of ``--readers`` readers
collects ``--positives`` papers on one or two topics, follows a venue, a few writers
and a writer's public collection, seeds their feed with another, and mutes two
writers, so the page checks every kind of explanation. It refreshes the planner
statistics (``manage.py analyze``, as production does nightly) and prints: the seconds
to train the readers (one shared index, as the nightly run does), per reader; how often
a reader's top ten picks are on their topics; and the /for-you/ page's p50/p95 in
milliseconds, by the wall clock and in this process's CPU time (which a busy machine
inflates less; with PostgreSQL it leaves out the server's share), and its query count.
``--profile N`` then prints where N more requests spend their time (cProfile).

    .venv/bin/python bench/foryou_bench.py [--papers 3000] [--summaries 600] [--writers 100]
        [--readers 20] [--positives 30] [--db sqlite|postgres] [--profile 20]
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import fresh_postgres, setup_django

TOPICS = {
    "vision": "image pixel convolution segmentation detection camera depth",
    "language": "token sentence translation parsing grammar corpus lexical",
    "robots": "robot locomotion grasping actuator gripper legged manipulator",
    "proteins": "protein amino residue folding enzyme ligand molecular",
    "graphs": "graph vertex edge spectral clustering community random-walk",
    "speech": "speech acoustic phoneme speaker waveform prosody vocoder",
    "markets": "auction pricing market bidder equilibrium mechanism revenue",
    "climate": "climate rainfall ocean atmospheric forecast carbon aerosol",
    "quantum": "qubit quantum entanglement circuit decoherence photon gate",
    "privacy": "privacy differential anonymity membership attack leakage noise",
    "compilers": "compiler register bytecode optimisation loop vectorised inlining",
    "genomics": "genome sequencing variant chromosome allele expression transcript",
}
COMMON = "learning network data training evaluate accuracy baseline dataset scalable"


def text(topic: str, rng: random.Random, words: int) -> str:
    own, common = TOPICS[topic].split(), COMMON.split()
    return " ".join(rng.choice(own if rng.random() < 0.6 else common) for _ in range(words))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=3000)
    parser.add_argument("--summaries", type=int, default=600)
    parser.add_argument("--writers", type=int, default=100)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--positives", type=int, default=30)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/precis_foryou_bench"
    )
    parser.add_argument("--profile", type=int, default=0, help="requests to profile after timing")
    args = parser.parse_args()
    if args.db == "postgres":
        fresh_postgres(args.pg_url)
        os.environ["DATABASE_URL"] = args.pg_url
    setup_django("precis-foryou-bench-", keep_database_url=args.db == "postgres")

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from precis.foryou.models import Pick
    from precis.foryou.training import train_readers

    rng = random.Random(7)
    names = list(TOPICS)
    topic_of = build_site(args, rng)
    readers, wanted = add_readers(args, rng, topic_of)
    call_command("analyze", stdout=io.StringIO())

    started = time.perf_counter()
    report = train_readers([reader.pk for reader in readers])
    seconds = time.perf_counter() - started
    on_topic = [
        sum(
            topic_of[pk] in wanted[reader.pk]
            for pk in Pick.objects.filter(reader=reader).values_list("paper_id", flat=True)[:10]
        )
        / 10
        for reader in readers
    ]
    print(f"papers {args.papers}, summaries {args.summaries} by {args.writers} writers, "
          f"readers {args.readers}, positives {args.positives} each")  # fmt: skip
    print(f"training: {seconds:.2f} s in all, {seconds / len(readers):.3f} s per reader")
    print(f"picks stored: {report.picks}; top ten on the reader's topics: "
          f"{statistics.mean(on_topic):.0%} (chance: about {1.5 / len(names):.0%})")  # fmt: skip

    client = Client()
    client.force_login(readers[0])
    client.get("/for-you/")
    timings, cpu = [], []
    for _ in range(30):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get("/for-you/")
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    cpu.sort()
    print(f"/for-you/: p50 {timings[15]:.1f} ms, p95 {timings[28]:.1f} ms (CPU: p50 "
          f"{cpu[15]:.1f} ms, p95 {cpu[28]:.1f} ms), {len(queries.captured_queries)} queries")  # fmt: skip
    if args.profile:
        profile_page(client, args.profile)
    # For scale, on the same machine at the same moment: the signed-in home page.
    home = []
    for _ in range(30):
        started = time.perf_counter()
        client.get("/")
        home.append((time.perf_counter() - started) * 1000)
    home.sort()
    print(f"/ (signed in, for comparison): p50 {home[15]:.1f} ms, p95 {home[28]:.1f} ms")


def build_site(args, rng: random.Random) -> dict[int, str]:
    """Papers (with venues, authors and arXiv ids), writers and their summaries; returns
    each paper's topic by id."""
    from django.utils import timezone

    from precis.accounts.models import User
    from precis.papers.models import Author, Identifier, Paper, PaperAuthor, Venue
    from precis.summaries.models import Summary

    names = list(TOPICS)
    venues = Venue.objects.bulk_create(
        Venue(key=f"venue{n}", name=f"Venue {n}") for n in range(len(names))
    )
    papers = []
    for n in range(args.papers):
        topic = names[n % len(names)]
        papers.append(
            Paper(
                title=f"{text(topic, rng, 8)} {n}",
                abstract=text(topic, rng, 120),
                year=2024,
                venue=venues[rng.randrange(len(venues))],
            )
        )
    Paper.objects.bulk_create(papers, batch_size=1000)
    topic_of = {}
    for paper in Paper.objects.only("pk", "title"):
        topic_of[paper.pk] = names[int(paper.title.rsplit(" ", 1)[1]) % len(names)]
    ids = sorted(topic_of)
    authors = Author.objects.bulk_create(
        (Author(name=f"Author {n}") for n in range(max(50, args.papers // 4))), batch_size=1000
    )
    PaperAuthor.objects.bulk_create(
        (
            PaperAuthor(paper_id=pk, author=author, position=position)
            for pk in ids
            for position, author in enumerate(rng.sample(authors, rng.randint(1, 5)))
        ),
        batch_size=2000,
    )
    Identifier.objects.bulk_create(
        (Identifier(paper_id=pk, scheme="arxiv", value=f"2401.{pk:05d}") for pk in ids),
        batch_size=2000,
    )
    # An unusable password: hashing a hundred real ones would take a while.
    writers = User.objects.bulk_create(
        User(username=f"writer{n}", email=f"writer{n}@example.org", password="!")
        for n in range(args.writers)
    )
    # Some papers get two or three summaries, by different writers.
    summarised = rng.sample(ids, min(len(ids), args.summaries * 2 // 3))
    pairs = {(rng.choice(summarised), rng.choice(writers).pk) for _ in range(args.summaries)}
    now = timezone.now()
    summaries = []
    for paper_id, writer_id in sorted(pairs):
        words = text(topic_of[paper_id], rng, 150)
        up = rng.randint(0, 30)
        summaries.append(
            Summary(
                paper_id=paper_id,
                author_id=writer_id,
                visibility="public",
                source=words,
                html=f"<p>{words}</p>",
                excerpt_html=f"<p>{words[:300]}</p>",
                description=words[:200],
                published_at=now,
                upvotes=up,
                score=up,
                wilson=up / 31,
            )
        )
    Summary.objects.bulk_create(summaries, batch_size=1000)
    return topic_of


def add_readers(args, rng: random.Random, topic_of: dict[int, str]):
    """The readers and the topics each likes; every kind of signal, for every kind of
    explanation."""
    from precis.accounts.models import Block, User
    from precis.collections.models import Collection, CollectionItem
    from precis.foryou.models import Seed
    from precis.notifications.models import Follow
    from precis.papers.models import Venue

    names = list(TOPICS)
    ids = sorted(topic_of)
    writers = list(User.objects.filter(username__startswith="writer"))
    venues = list(Venue.objects.all())
    shared = []  # public collections, one in ten writers', each on one topic
    for n, owner in enumerate(writers[: max(len(names), len(writers) // 10)]):
        topic = names[n % len(names)]
        collection = Collection.objects.create(
            owner=owner, title=f"Best of {topic}", visibility="public"
        )
        pool = [pk for pk in ids if topic_of[pk] == topic]
        CollectionItem.objects.bulk_create(
            CollectionItem(collection=collection, paper_id=pk, position=i)
            for i, pk in enumerate(rng.sample(pool, min(20, len(pool))))
        )
        shared.append(collection)
    readers, wanted = [], {}
    for r in range(args.readers):
        reader = User.objects.create_user(f"reader{r}", f"r{r}@example.org", "x")
        likes = rng.sample(names, 1 + r % 2)
        wanted[reader.pk] = set(likes)
        collection = Collection.objects.create(owner=reader, title="Mine")
        pool = [pk for pk in ids if topic_of[pk] in likes]
        CollectionItem.objects.bulk_create(
            [
                CollectionItem(collection=collection, paper_id=pk, position=i)
                for i, pk in enumerate(rng.sample(pool, args.positives))
            ]
        )
        followed, seeded = rng.sample(shared, 2)
        Follow.objects.create(follower=reader, collection=followed)
        Seed.objects.create(reader=reader, collection=seeded)
        Follow.objects.create(follower=reader, venue=rng.choice(venues))
        people = rng.sample(writers, min(len(writers), 7))
        Follow.objects.bulk_create(Follow(follower=reader, user=person) for person in people[:5])
        Block.objects.bulk_create(
            Block(who=reader, whom=person, kind=Block.Kind.MUTE) for person in people[5:]
        )
        readers.append(reader)
    return readers, wanted


def profile_page(client, requests: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get("/for-you/")
    profiler.disable()
    for order, restriction in (("cumulative", "precis/"), ("tottime", "")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(order)
        stats.print_stats(*(restriction,) if restriction else (), 25)
        print(out.getvalue())


if __name__ == "__main__":
    main()
