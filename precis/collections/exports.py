"""Plain-text exports of a collection (the BibTeX one lives in bibtex.py)."""

from precis.feeds.feeds import absolute


def _authors(paper) -> str:
    return ", ".join(author.name for author in paper.ordered_authors())


def _venue_year(paper) -> str:
    if paper.venue and paper.year:
        return f"{paper.venue.name} – {paper.year}"
    if paper.venue:
        return paper.venue.name
    return str(paper.year or "")


def _md_escape(text: str) -> str:
    """Keep a title from turning into Markdown syntax (links, emphasis, headings)."""
    for char in "\\`*_[]<>#":
        text = text.replace(char, "\\" + char)
    return text


def markdown(collection, groups, *, request=None) -> str:
    """The collection as Markdown: title, description, sections, then each paper with its note."""
    lines = [f"# {_md_escape(collection.title)}", ""]
    if collection.description:
        lines += [collection.description, ""]
    lines += [f"<{absolute(collection.get_absolute_url())}>", ""]
    for section, items in groups:
        if section is not None:
            lines += [f"## {_md_escape(section.title)}", ""]
        for item in items:
            paper = item.paper
            lines.append(f"### [{_md_escape(paper.title)}]({absolute(paper.get_absolute_url())})")
            lines.append("")
            details = [part for part in (_authors(paper), _venue_year(paper)) if part]
            if details:
                lines += ["*" + _md_escape(" · ".join(details)) + "*", ""]
            if item.note:
                lines += [item.note, ""]
    return "\n".join(lines).rstrip() + "\n"
