"""/for-you/ at scale: what training one reader costs, and what the page costs to read.

Builds a scratch SQLite site of ``--papers`` synthetic papers on a dozen topics (a few
hundred with listed summaries), gives ``--readers`` readers ``--positives`` collected
papers each on one or two topics, and prints: the seconds to train them (one shared
index, as the nightly run does), per reader; how often a reader's top ten picks are on
their topics; and the /for-you/ page's p50/p95 in milliseconds and its query count.

    .venv/bin/python bench/foryou_bench.py [--papers 3000] [--readers 20] [--positives 30]
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import setup_django

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
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--positives", type=int, default=30)
    args = parser.parse_args()
    setup_django("precis-foryou-bench-")

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from precis.accounts.models import User
    from precis.collections.models import Collection, CollectionItem
    from precis.foryou.models import Pick
    from precis.foryou.training import train_readers
    from precis.papers.models import Paper
    from precis.summaries.models import Summary

    rng = random.Random(7)
    names = list(TOPICS)
    topic_of = {}
    papers = []
    for n in range(args.papers):
        topic = names[n % len(names)]
        papers.append(
            Paper(title=f"{text(topic, rng, 8)} {n}", abstract=text(topic, rng, 120), year=2024)
        )
    Paper.objects.bulk_create(papers, batch_size=1000)
    for paper in Paper.objects.only("pk", "title"):
        topic_of[paper.pk] = names[int(paper.title.rsplit(" ", 1)[1]) % len(names)]
    ids = sorted(topic_of)
    writer = User.objects.create_user("writer", "w@example.org", "x")
    Summary.objects.bulk_create(
        [
            Summary(paper_id=pk, author=writer, visibility="public", source="s", html="<p>s</p>")
            for pk in ids[:: max(1, len(ids) // 300)]
        ]
    )
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
        readers.append(reader)

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
    print(f"papers {args.papers}, readers {args.readers}, positives {args.positives} each")
    print(f"training: {seconds:.2f} s in all, {seconds / len(readers):.3f} s per reader")
    print(f"picks stored: {report.picks}; top ten on the reader's topics: "
          f"{statistics.mean(on_topic):.0%} (chance: about {1.5 / len(names):.0%})")  # fmt: skip

    client = Client()
    client.force_login(readers[0])
    client.get("/for-you/")
    timings = []
    for _ in range(30):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            client.get("/for-you/")
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"/for-you/: p50 {timings[15]:.1f} ms, p95 {timings[28]:.1f} ms, "
          f"{len(queries.captured_queries)} queries")  # fmt: skip
    # For scale, on the same machine at the same moment: the signed-in home page.
    home = []
    for _ in range(30):
        started = time.perf_counter()
        client.get("/")
        home.append((time.perf_counter() - started) * 1000)
    home.sort()
    print(f"/ (signed in, for comparison): p50 {home[15]:.1f} ms, p95 {home[28]:.1f} ms")


if __name__ == "__main__":
    main()
