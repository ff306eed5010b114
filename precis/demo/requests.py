"""The demo's requests: more readers asking for summaries, and one writer's claim, so that
``/requests/`` has papers in several fields and shows "… is writing a summary".

Runs after ``load_demo._demand`` (the first requests, from ``activity.SUMMARY_REQUESTS``);
every step is idempotent, so loading the demo twice changes nothing.
"""

from contextlib import suppress

from precis.papers import claims, demand

# (reader, arXiv id): on top of activity.SUMMARY_REQUESTS.
MORE_REQUESTS = [
    ("lucia_f", "1609.02907"),
    ("mara_k", "1611.03530"),
    ("hwkang", "1611.01578"),
]
# The writer who claimed a requested paper, and the paper.
CLAIM = ("t_adeyemi", "1609.02907")


def load(*, users: dict, papers: dict) -> None:
    """``users`` by username and ``papers`` by arXiv id, as load_demo made them."""
    for reader, arxiv_id in MORE_REQUESTS:
        if reader in users and arxiv_id in papers:
            demand.request_summary(requester=users[reader], paper=papers[arxiv_id])
    writer, arxiv_id = CLAIM
    if writer in users and arxiv_id in papers:
        # Refused only while someone else's claim holds it: nothing new to show then.
        with suppress(claims.ClaimRefused):
            claims.claim_paper(writer=users[writer], paper=papers[arxiv_id])
