"""Demo findings: an erratum confirmed by a moderator, a code link in a paper's header,
a reproduction, a failed reproduction its reporter withdrew, and an open question of
interpretation with a reply. Written for Precis; the facts they point to are public
(the papers and follow-up work they name exist).

Loaded through the real services, so rendering, notifications and the status history
are real. Safe to run twice: a finding already there (same paper and title) is kept.
"""

from datetime import timedelta

from django.utils import timezone

from precis.findings import services
from precis.findings.models import Finding, FindingReply, StatusChange

FINDINGS = [
    {
        "paper": "1412.6980",
        "author": "lucia_f",
        "kind": "erratum",
        "title": "The convergence argument of Section 4 does not hold as stated",
        "version": "v9",
        "days_ago": 20,
        "source": (
            "The regret bound rests on a step that assumes the effective step size "
            "$\\alpha_t / \\sqrt{\\hat v_t}$ never grows. With $\\beta_1 < \\sqrt{\\beta_2}$ "
            "that can fail: Reddi, Kale and Kumar (ICLR 2018, *On the Convergence of Adam "
            "and Beyond*) give a simple online convex problem on which Adam converges to the "
            "worst point.\n\nTheir fix (AMSGrad) keeps the running maximum of $\\hat v_t$."
        ),
        "replies": [
            (
                "mara_k",
                "Checked the counterexample by hand: with $f_t(x) = Cx$ once every three "
                "steps and $-x$ otherwise, the averaged gradient points the wrong way. "
                "The empirical results in the paper are not affected.",
                "",
            ),
            (
                "mod_ana",
                "Marking as confirmed: the counterexample is published and widely cited, "
                "and the reporter's summary of it is accurate.",
                "confirmed",
            ),
        ],
    },
    {
        "paper": "1512.03385",
        "author": "devin_ships",
        "kind": "code_data",
        "title": "Official trained models (Caffe)",
        "days_ago": 14,
        "link": "https://github.com/KaimingHe/deep-residual-networks",
        "source": "The authors' release of the ResNet-50, -101 and -152 ImageNet models.",
        "replies": [],
    },
    {
        "paper": "1706.03762",
        "author": "hwkang",
        "kind": "reproduction",
        "title": "Base model BLEU on WMT 2014 English-German reproduced",
        "version": "v5",
        "days_ago": 9,
        "link": "https://github.com/tensorflow/tensor2tensor",
        "source": (
            "Trained the base configuration with the public tensor2tensor code on 8 GPUs for "
            "100k steps; checkpoint averaging as in Section 6.1.\n\n"
            "| | paper | ours |\n|---|---:|---:|\n| BLEU (newstest2014) | 27.3 | 27.1 |\n\n"
            "Within the run-to-run spread we saw across three seeds."
        ),
        "replies": [
            (
                "t_adeyemi",
                "Did you use the shared source-target BPE vocabulary of about 37,000 tokens? "
                "We lost almost a point without it.",
                "",
            ),
        ],
    },
    {
        "paper": "1502.03167",
        "author": "ines_w",
        "kind": "failed_reproduction",
        "title": "Could not match the Inception speed-up of Figure 2",
        "days_ago": 6,
        "source": (
            "With the schedule from Section 4.2 my BN-Inception run needed about as many "
            "steps as the baseline to reach 72.2% top-1."
        ),
        "replies": [
            (
                "ines_w",
                "My mistake: I kept the baseline's learning rate instead of raising it "
                "as Section 4.2.1 says ($\\times 5$, then $\\times 30$). With that the "
                "speed-up is there. Withdrawing.",
                "withdrawn",
            ),
        ],
    },
    {
        "paper": "1502.03167",
        "author": "mara_k",
        "kind": "other",
        "title": "Later work questions the internal covariate shift explanation",
        "days_ago": 3,
        "source": (
            "Santurkar et al. (NeurIPS 2018, *How Does Batch Normalization Help "
            "Optimization?*) inject noise after batch norm so that layer input "
            "distributions shift *more*, and still see the same training speed-up. They "
            "argue BN works by smoothing the loss landscape instead. The method stands; "
            "the paper's explanation of why it works is what is in question."
        ),
        "replies": [],
    },
]


def load(*, users: dict, papers: dict) -> int:
    """Add the demo findings (and their replies and status moves); how many were new."""
    made = 0
    now = timezone.now()
    for spec in FINDINGS:
        paper = papers.get(spec["paper"])
        if paper is None or Finding.objects.filter(paper=paper, title=spec["title"]).exists():
            continue
        finding = services.report_finding(
            author=users[spec["author"]],
            paper=paper,
            kind=spec["kind"],
            title=spec["title"],
            source=spec["source"],
            paper_version=spec.get("version", ""),
            link_url=spec.get("link", ""),
        )
        when = now - timedelta(days=spec["days_ago"])
        Finding.objects.filter(pk=finding.pk).update(created_at=when)
        for n, (username, text, status) in enumerate(spec["replies"], start=1):
            reply = services.post_reply(
                author=users[username], finding=finding, source=text, status=status
            )
            replied = when + timedelta(days=n)
            FindingReply.objects.filter(pk=reply.pk).update(created_at=replied)
            StatusChange.objects.filter(reply=reply).update(created_at=replied)
            if status:
                Finding.objects.filter(pk=finding.pk).update(status_changed_at=replied)
        made += 1
    return made
