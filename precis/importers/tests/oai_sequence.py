"""Build a multi-page OAI-PMH harvest from one real ListRecords page (for tests and benches).

The records are the real ones; only the paging (resumption tokens) is ours.
"""

import copy
from pathlib import Path

from lxml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"


def split_into_pages(
    source: Path, directory: Path, *, per_page: int, repeat: int = 1
) -> list[Path]:
    """Write ``source``'s records as pages of ``per_page`` into ``directory``.

    ``repeat`` > 1 reuses the records with their ids shifted, to make larger
    harvests in the same structure.
    """
    tree = etree.parse(str(source))
    root = tree.getroot()
    listing = root.find(f"{{{OAI}}}ListRecords")
    records = listing.findall(f"{{{OAI}}}record")
    for element in list(listing):
        listing.remove(element)
    all_records = [
        _renumbered(record, counter) if repeat > 1 else record
        for counter, record in enumerate(records * repeat)
    ]
    pages = []
    directory.mkdir(parents=True, exist_ok=True)
    total = len(all_records)
    for number, start in enumerate(range(0, total, per_page), start=1):
        page_root = copy.deepcopy(root)
        page_listing = page_root.find(f"{{{OAI}}}ListRecords")
        for record in all_records[start : start + per_page]:
            page_listing.append(copy.deepcopy(record))
        token = etree.SubElement(page_listing, f"{{{OAI}}}resumptionToken")
        token.set("cursor", str(start))
        token.set("completeListSize", str(total))
        token.text = f"precis-test-{number}" if start + per_page < total else None
        path = directory / f"page-{number:05d}.xml"
        path.write_bytes(etree.tostring(page_root, xml_declaration=True, encoding="UTF-8"))
        pages.append(path)
    return pages


def _renumbered(record, counter: int):
    """A copy of ``record`` as a distinct paper: a new arXiv id and title, no DOI."""
    clone = copy.deepcopy(record)
    month_block, number = divmod(counter, 90_000)
    new_id = f"{15 + month_block // 12:02d}{month_block % 12 + 1:02d}.{10_000 + number:05d}"
    for element in list(clone.iter()):
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local == "identifier" and element.text:
            element.text = f"oai:arXiv.org:{new_id}"
        elif local == "id":
            element.text = new_id
        elif local == "title" and element.text:
            element.text = f"{element.text} [synthetic {counter}]"
        elif local == "doi":
            element.getparent().remove(element)
    return clone
