"""Broad fields of research, derived from arXiv category codes."""

FIELDS = {
    "cs": "Computer science",
    "stats": "Statistics",
    "math": "Mathematics",
    "physics": "Physics",
    "bio": "Biology",
    "other": "Other",
}

PHYSICS_ARCHIVES = {
    "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th",
    "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "quant-ph",
}  # fmt: skip


def field_of_category(category: str) -> str:
    """The broad field of one arXiv category code, e.g. ``cs.LG`` → ``cs``."""
    archive = category.split(".", 1)[0].lower()
    if archive in {"cs", "eess"}:
        return "cs"
    if archive == "stat":
        return "stats"
    if archive == "math":
        return "math"
    if archive == "q-bio":
        return "bio"
    if archive in PHYSICS_ARCHIVES:
        return "physics"
    return "other"


def field_of_categories(categories: list[str]) -> str:
    """The field of a paper: that of its primary (first) category."""
    return field_of_category(categories[0]) if categories else "other"
