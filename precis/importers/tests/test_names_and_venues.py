import pytest

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
