import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from precis.importers import names
from precis.importers.names import family_name, normalize_name, normalize_orcid, title_key
from precis.importers.venues import venue_key_for


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("He, Kaiming", "Kaiming He"),
        ("Kaiming He", "Kaiming He"),
        ("Wei Wang 0001", "Wei Wang"),
        ("  Jürgen   Schmidhuber ", "Jürgen Schmidhuber"),
        ("{von} Neumann, John", "John von Neumann"),
        ("King, Jr., Martin Luther", "Martin Luther King Jr."),
        ("Donald~E. Knuth", "Donald E. Knuth"),
    ],
)
def test_names_come_out_as_given_then_family(raw, expected):
    assert normalize_name(raw) == expected


def test_orcids_are_found_in_urls():
    assert normalize_orcid("https://orcid.org/0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalize_orcid("no orcid here") == ""


def test_title_keys_ignore_case_accents_and_punctuation():
    assert title_key("Deep Residual Learning for Image Recognition.") == title_key(
        "deep residual learning for image recognition"
    )
    assert title_key("Über Résumés") == "uberresumes"
    assert family_name("Dirk Wübben") == "wubben"


@pytest.mark.parametrize(
    ("dblp_key", "name", "expected"),
    [
        ("conf/icml/SchulmanLMJA15", "", "icml"),
        ("conf/nips/VaswaniSPUJGKP17", "", "nips"),
        ("journals/corr/HeZRS15", "CoRR", "arxiv"),
        ("", "Advances in Neural Information Processing Systems 30", "nips"),
        ("", "NeurIPS", "nips"),
        (
            "",
            "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
            "cvpr",
        ),
        ("", "International Conference on Learning Representations", "iclr"),
        ("", "Conference on Computational Learning Theory", "colt"),
        ("", "ICML Workshop on Invertible Neural Nets and Normalizing Flows", ""),
        ("", "Nature", "nature"),
        ("", "Nature Communications", ""),
        ("", "Journal of Obscure Results", ""),
    ],
)
def test_venues_are_mapped_from_keys_and_names(dblp_key, name, expected):
    assert venue_key_for(dblp_key=dblp_key, name=name) == expected


def test_a_family_name_key_fits_the_first_author_column():
    from precis.papers.models import Paper

    column = Paper._meta.get_field("first_author_key").max_length
    assert len(family_name("Jo " + "x" * 150)) == column


def _normalize_name_the_long_way(raw: str) -> str:
    """``normalize_name`` without its shortcut for names that are normal already."""
    name = unicodedata.normalize("NFC", raw).replace("{", "").replace("}", "").replace("~", " ")
    name = names.SPACES.sub(" ", name).strip().strip(",").strip()
    name = names.DBLP_HOMONYM_SUFFIX.sub("", name)
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2 and all(parts):
        name = f"{parts[1]} {parts[0]}"
    elif len(parts) == 3 and all(parts):
        name = f"{parts[2]} {parts[0]} {parts[1]}"
    return names.SPACES.sub(" ", name).strip()


NAME_CHARACTERS = st.sampled_from(
    list("aZé ,{}~.-1\t\n\x1c\x85\u00a0\u2003\u0301\u0663")  # spaces, digits, marks of all kinds
)


@given(st.text(NAME_CHARACTERS, max_size=12) | st.text(max_size=12))
def test_the_shortcut_for_normal_names_changes_no_result(raw):
    assert normalize_name(raw) == _normalize_name_the_long_way(raw)
    normal = _normalize_name_the_long_way(raw)
    assert normalize_name(normal) == _normalize_name_the_long_way(normal)


def test_keys_of_long_texts_are_computed_but_not_kept():
    long_title = "A " + "very " * 200 + "long title"
    assert title_key(long_title) == ("a" + "very" * 200 + "longtitle")[:200]
    assert family_name("Jürgen " + "x" * 700) == ("x" * 700)[: names.FAMILY_KEY_CHARS]
    assert family_name("") == ""
