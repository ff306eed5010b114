"""A toy corpus with two topics that share no words, and a reader who cares about one."""

from dataclasses import dataclass

import pytest

from precis.accounts.tests.factories import UserFactory
from precis.papers.tests.factories import PaperFactory, VenueFactory

FOLDING = [
    ("Protein folding with attention over amino acid residues", "folding residues"),
    ("Predicting protein structure from amino acid sequences", "structure residues"),
    ("Coevolution signals for protein contact maps", "contact folding"),
    ("Molecular dynamics of protein folding pathways", "dynamics folding"),
    ("Amino acid embeddings for protein function", "function residues"),
    ("Protein design by inverse folding", "design residues"),
    ("Contact maps and distance geometry for protein structure", "geometry folding"),
]
ROBOTS = [
    ("Reward shaping for robot locomotion policies", "locomotion reward"),
    ("Policy gradients for quadruped robot control", "quadruped policy"),
    ("Sim to real transfer of robot grasping policies", "grasping transfer"),
    ("Curriculum learning of robot manipulation rewards", "manipulation curriculum"),
    ("Exploration bonuses for sparse robot rewards", "exploration sparse"),
    ("Model based control of legged robot locomotion", "legged control"),
    ("Offline reinforcement of robot navigation policies", "navigation offline"),
]


def _abstract(title: str, words: str) -> str:
    return f"{title}. We examine {words} and report on {words} in detail."


@dataclass
class Corpus:
    folding: list
    robots: list
    venue: object


@pytest.fixture
def corpus(db) -> Corpus:
    venue = VenueFactory(key="toyconf", name="Toy Conference")
    folding = [
        PaperFactory(title=t, abstract=_abstract(t, w), venue=venue, year=2024) for t, w in FOLDING
    ]
    robots = [
        PaperFactory(title=t, abstract=_abstract(t, w), venue=venue, year=2024) for t, w in ROBOTS
    ]
    return Corpus(folding, robots, venue)


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", display_name="Rhea Reader")


@pytest.fixture
def writer(db):
    return UserFactory(username="writer", display_name="Wren Writer")
