"""The demo's paper with two versions and a summary written for the first (issue 13).

The paper is arXiv:1302.2146 as arXiv's OAI-PMH (arXivRaw) lists it: two versions
with their dates, and v2's comments note the references it added. Its metadata is
arXiv's (CC0); the v1 comments are v2's without that note. The summary is ours.
Loading it imports v1, writes the summary against it, then imports v2, so the
summary's page shows the "written for v1; the paper is now at v2" notice and the
diff of the comments. Safe to run twice: the second run changes nothing.
"""

from datetime import date

from precis.importers.base import AuthorName, PaperRecord, VersionRecord
from precis.papers.services import upsert_paper
from precis.summaries import services as summary_services
from precis.summaries.models import Visibility

ARXIV_ID = "1302.2146"
WRITER = "lucia_f"
V1 = VersionRecord(1, date(2013, 2, 8))
V2 = VersionRecord(2, date(2013, 4, 2))
V2_COMMENTS = "18 pages, 6 figures; v2: References added"
V1_COMMENTS = "18 pages, 6 figures"

PAPER = {
    "title": "The Same-Sign Dilepton Signature of RPV/MFV SUSY",
    "authors": ["Joshua Berger", "Maxim Perelstein", "Michael Saelim", "Philip Tanedo"],
    "abstract": (
        "The lack of observation of superpartners at the Large Hadron Collider so far has "
        "led to a renewed interest in supersymmetric models with R-parity violation (RPV). "
        "In particular, imposing the Minimal Flavor Violation (MFV) hypothesis on a general "
        "RPV model leads to a realistic and predictive framework. Naturalness suggests that "
        "stops and gluinos should appear at or below the TeV mass scale. We consider a "
        "simplified model with these two particles and MFV couplings. The model predicts a "
        "significant rate of events with same-sign dileptons and b-jets. We re-analyze a "
        "recent CMS search in this channel and show that the current lower bound on the "
        "gluino mass is about 800 GeV at 95% confidence level, with only a weak dependence "
        "on the stop mass as long as the gluino can decay to an on-shell top-stop pair. We "
        "also discuss how this search can be further optimized for the RPV/MFV scenario, "
        "using the fact that MFV stop decays often result in jets with large invariant "
        "mass. With the proposed improvements, we estimate that gluino masses of up to "
        "about 1.4 TeV can be probed at the 14 TeV LHC with a 100 fb^-1 data set."
    ),
    "categories": ["hep-ph", "hep-ex"],
}

SUMMARY = r"""**The question.** Most LHC searches for supersymmetry look for missing energy, which
assumes R-parity holds and the lightest superpartner escapes the detector. If R-parity is
broken, superpartners decay to ordinary quarks and leptons, and those searches can miss
them entirely. Minimal flavour violation (MFV) keeps such a model safe from proton decay
and flavour bounds by tying the R-parity-violating couplings to the Yukawas, so a stop
decays mostly to heavy quarks.

**What they do.** A simplified model with only a gluino and a stop. Gluinos are Majorana
particles, so a gluino pair gives same-sign top quarks half the time, and with them two
same-sign leptons plus $b$-jets: a channel with very little Standard Model background.

**Result.** Recasting a CMS same-sign dilepton search gives $m_{\tilde g} \geq 800$ GeV at
95% confidence, almost independent of the stop mass while $\tilde g \to t \tilde t$ is open.
Using the large invariant mass of the jets from MFV stop decays, they estimate a reach of
about 1.4 TeV at the 14 TeV LHC with $100\ \text{fb}^{-1}$."""


def _record(version: VersionRecord, comments: str) -> PaperRecord:
    return PaperRecord(
        title=PAPER["title"],
        authors=[AuthorName(name) for name in PAPER["authors"]],
        abstract=PAPER["abstract"],
        year=2013,
        published_on=V1.released_on,
        venue_key="arxiv",
        url=f"https://arxiv.org/abs/{ARXIV_ID}",
        categories=PAPER["categories"],
        identifiers={"arxiv": ARXIV_ID},
        source="arxiv",
        source_ref=f"arXiv:{ARXIV_ID}v{version.number}",
        doc_type="preprint",
        comments=comments,
        versions=[V1] if version is V1 else [V1, V2],
    )


def load(*, users: dict) -> None:
    """Import v1, write the summary against it, import v2 (see the module docstring)."""
    paper, _ = upsert_paper(_record(V1, V1_COMMENTS))
    summary_services.save_summary(
        author=users[WRITER], paper=paper, source=SUMMARY, visibility=Visibility.PUBLIC
    )
    upsert_paper(_record(V2, V2_COMMENTS))
