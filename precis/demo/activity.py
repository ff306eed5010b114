"""A month of life on the demo site: edits, conversations, follows and demand.

Pure data, read by the ``load_demo`` management command, like ``corpus``; all of it
written for Precis (the two extra papers' metadata is bibliographic fact, their
synopses are ours). Papers are named by arXiv id and summaries by (paper, writer),
as in ``corpus``. ``days_ago`` places a thing in the last 30 days.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Papers nobody has summarised yet, which readers follow and ask for
# ---------------------------------------------------------------------------

WAITING_PAPERS: list[dict] = [
    {
        "title": "Decoupled Weight Decay Regularization",
        "authors": ["Ilya Loshchilov", "Frank Hutter"],
        "year": 2019,
        "published": "2017-11-14",
        "venue": "iclr",
        "arxiv": "1711.05101",
        "dblp": "conf/iclr/LoshchilovH19",
        "categories": ["cs.LG", "cs.NE", "math.OC"],
        "keywords": ["optimization", "weight decay", "regularization"],
        "url": "https://arxiv.org/abs/1711.05101",
        "abstract": (
            "Points out that L2 regularisation and weight decay are the same thing for plain "
            "SGD but not for adaptive methods such as Adam, where the penalty's gradient is "
            "rescaled per parameter. Applying the decay directly to the weights (AdamW) "
            "makes its strength independent of the learning rate and closes much of the "
            "gap between Adam and SGD with momentum on image classification."
        ),
    },
    {
        "title": "Neural Architecture Search with Reinforcement Learning",
        "authors": ["Barret Zoph", "Quoc V. Le"],
        "year": 2017,
        "published": "2016-11-05",
        "venue": "iclr",
        "arxiv": "1611.01578",
        "dblp": "conf/iclr/ZophL17",
        "categories": ["cs.LG", "cs.AI", "cs.NE"],
        "keywords": ["architecture search", "reinforcement learning", "automl"],
        "url": "https://arxiv.org/abs/1611.01578",
        "abstract": (
            "A recurrent controller writes network descriptions token by token; each child "
            "network is trained and its validation accuracy is the controller's reward "
            "under a policy-gradient method. The search finds convolutional networks "
            "competitive on CIFAR-10 and a recurrent cell that beats the LSTM on Penn "
            "Treebank, at the price of hundreds of GPUs."
        ),
    },
]

# ---------------------------------------------------------------------------
# Summaries that were edited: each earlier revision is the next one with some
# (newer text, older text) replacements undone, newest first, so the history
# pages have word-level changes to show. "" as older text: the passage was added;
# "drop_section": that section (to the next heading of its level) was added whole.
# ---------------------------------------------------------------------------

REVISIONS: list[dict] = [
    {
        "paper": "1512.03385",
        "author": "mara_k",
        "final_note": "Say where the gradient derivation comes from (thanks, Tunde)",
        "earlier": [
            {
                "note": "Exact ImageNet figure; a section on caveats",
                "edits": [
                    (
                        "To be fair to the paper, this clean derivation is spelled out in the "
                        "authors' follow-up on identity mappings, not here; this paper argues "
                        "mostly from experiments.",
                        "",
                    ),
                    ("means part of the signal travels", "means the signal travels"),
                ],
            },
            {
                "note": "Add the gradient view",
                "edits": [
                    ("3.57% top-5 error", "about 3.6% top-5 error"),
                    ("won ILSVRC 2015 and the COCO detection tasks", "won ILSVRC 2015"),
                    (
                        "\n\n## Caveats\n\n*Why* residual nets train so well is still argued "
                        "about: better-conditioned loss surfaces, behaving like ensembles of "
                        "shallower paths, or simply keeping the signal alive at "
                        "initialisation. The 1202-layer CIFAR model trains fine but "
                        "generalises worse than the 110-layer one, so depth is not free.",
                        "",
                    ),
                ],
            },
            {"note": "", "edits": [], "drop_section": "## A gradient view"},
        ],
    },
    {
        "paper": "1706.03762",
        "author": "t_adeyemi",
        "final_note": "Plainer training details",
        "earlier": [
            {
                "note": "Caveat on quadratic cost; what heads learn",
                "edits": [
                    (
                        "Students often skip these and then cannot reproduce the results.",
                        "People often skip these.",
                    ),
                    ("in about half a day on eight GPUs", "in 12 hours on 8 P100 GPUs"),
                ],
            },
            {
                "note": "",
                "edits": [
                    (
                        "\n\n### Caveat\n\nCost grows quadratically with sequence length, "
                        "which launched a whole subfield of efficient-attention variants.",
                        "",
                    ),
                    (
                        "Different heads can track different relations, for example syntax "
                        "in one head and coreference in another.",
                        "Different heads can learn different things.",
                    ),
                ],
            },
        ],
    },
    {
        "paper": "2006.11239",
        "author": "mara_k",
        "final_note": "Noise schedule and Inception score",
        "earlier": [
            {
                "note": "",
                "edits": [
                    (" (linear from $10^{-4}$ to $0.02$, $T = 1000$)", ""),
                    ("FID 3.17, Inception score 9.46", "FID 3.17"),
                ],
            },
        ],
    },
]

# ---------------------------------------------------------------------------
# Comments under summaries, with replies (nested replies reply to the reply)
# ---------------------------------------------------------------------------

THREADS: list[dict] = [
    {
        "paper": "1512.03385",
        "summary_author": "mara_k",
        "author": "t_adeyemi",
        "days_ago": 27,
        "source": (
            "The gradient view is lovely, but it is really the identity-mappings paper's "
            "argument, isn't it? Worth saying so."
        ),
        "replies": [
            {
                "author": "mara_k",
                "days_ago": 26,
                "source": (
                    "Fair, I added a sentence. The follow-up also moves the ReLU inside the "
                    "branch, which is what makes the $1 + \\dots$ term exact."
                ),
                "replies": [
                    {
                        "author": "t_adeyemi",
                        "days_ago": 26,
                        "source": "Thanks, reads much better now.",
                    }
                ],
            },
            {
                "author": "hwkang",
                "days_ago": 24,
                "source": (
                    "Same story in RL: our value networks with skip connections were far "
                    "easier to train past a dozen layers."
                ),
            },
        ],
    },
    {
        "paper": "1706.03762",
        "summary_author": "t_adeyemi",
        "author": "devin_ships",
        "days_ago": 21,
        "source": (
            "The warm-up detail saved me a week once. Without it my post-LN Transformer "
            "diverged in the first few hundred steps."
        ),
        "replies": [
            {
                "author": "t_adeyemi",
                "days_ago": 20,
                "source": (
                    "Yes, and pre-LN variants are much less fussy about it, which is one "
                    "reason later models moved the normalisation."
                ),
            },
            {
                "author": "lucia_f",
                "days_ago": 19,
                "source": (
                    "@t_adeyemi is there a paper behind the pre-LN claim? I would like to "
                    "link it from my BERT notes."
                ),
            },
        ],
    },
    {
        "paper": "1406.2661",
        "summary_author": "mara_k",
        "author": "devin_ships",
        "days_ago": 15,
        "source": (
            "Nice that you mention the non-saturating loss: everyone trains with it, yet "
            "the minimax story is what gets taught."
        ),
        "replies": [
            {
                "author": "mara_k",
                "days_ago": 14,
                "source": (
                    "It changes the fixed point analysis too, which is why I kept the two "
                    "apart. @lucia_f covers the practical side in hers."
                ),
            }
        ],
    },
    {
        "paper": "2006.11239",
        "summary_author": "mara_k",
        "author": "ines_w",
        "days_ago": 9,
        "source": (
            "From the medical-imaging side: the same U-Net backbone works for denoising "
            "MRI, and predicting $\\epsilon$ rather than $x_0$ was noticeably more stable "
            "for us too."
        ),
        "replies": [
            {
                "author": "mara_k",
                "days_ago": 8,
                "source": "Good to hear it carries over. Did you keep the linear schedule?",
                "replies": [
                    {
                        "author": "ines_w",
                        "days_ago": 8,
                        "source": "Cosine. The linear one wasted the last hundred steps.",
                    }
                ],
            }
        ],
    },
    {
        "paper": "1707.06347",
        "summary_author": "hwkang",
        "author": "lucia_f",
        "days_ago": 5,
        "source": "Clear, thank you. The bit on advantage normalisation is what I was missing.",
    },
    {
        "paper": "1412.6980",
        "summary_author": "mara_k",
        "author": "ines_w",
        "days_ago": 2,
        "source": (
            "Would you add a line on AdamW? Decoupled weight decay is what most people "
            "should use now."
        ),
    },
]

# ---------------------------------------------------------------------------
# Questions on papers, with answers, votes on them and (mostly) an accepted one
# ---------------------------------------------------------------------------

QUESTIONS: list[dict] = [
    {
        "paper": "1412.6980",
        "author": "ines_w",
        "days_ago": 23,
        "title": "Why does Adam need bias correction?",
        "source": (
            "The moment estimates start at zero. Does the correction "
            "$\\hat{m}_t = m_t / (1 - \\beta_1^t)$ matter only for the first few steps, "
            "or later as well?"
        ),
        "answers": [
            {
                "author": "mara_k",
                "days_ago": 22,
                "accepted": True,
                "source": (
                    "Mostly the first steps. With $\\beta_2 = 0.999$ the second-moment "
                    "estimate is only $1 - 0.999^t$ of its true size: after 100 steps about "
                    "10%, so without the correction the early steps would be several times "
                    "too large. After a few thousand steps the factor is close to 1 and the "
                    "correction does nothing."
                ),
                "votes": [("ines_w", 1), ("devin_ships", 1), ("hwkang", 1)],
            },
            {
                "author": "devin_ships",
                "days_ago": 22,
                "source": (
                    "In practice a learning-rate warm-up hides most of the effect, which is "
                    "why some early implementations got away without it."
                ),
                "votes": [("t_adeyemi", 1)],
            },
        ],
    },
    {
        "paper": "2006.11239",
        "author": "lucia_f",
        "days_ago": 12,
        "title": "Why predict the noise rather than the clean image?",
        "source": (
            "Both parameterisations give the same optimum. Why does predicting "
            "$\\epsilon$ work so much better in practice?"
        ),
        "answers": [
            {
                "author": "mara_k",
                "days_ago": 11,
                "accepted": True,
                "source": (
                    "The targets are on the same scale at every noise level, so one network "
                    "can share capacity across time steps, and with the weights dropped the "
                    "loss matches denoising score matching. Predicting $x_0$ at high noise "
                    "asks for a blurry average and gives large, badly scaled errors."
                ),
                "votes": [("lucia_f", 1), ("ines_w", 1)],
            },
            {
                "author": "hwkang",
                "days_ago": 10,
                "source": "Later work predicts a mix of the two (the v-parameterisation).",
                "votes": [("mara_k", 1)],
            },
        ],
    },
    {
        "paper": "1406.2661",
        "author": "devin_ships",
        "days_ago": 16,
        "title": "Is training with the non-saturating loss still a minimax game?",
        "source": "The generator no longer minimises the same value the discriminator maximises.",
        "answers": [
            {
                "author": "lucia_f",
                "days_ago": 15,
                "accepted": True,
                "source": (
                    "Strictly, no: it is a different game with the same fixed point. The "
                    "paper's analysis holds for the minimax objective; the heuristic keeps "
                    "the generator's gradients alive early on, when the discriminator wins "
                    "easily."
                ),
                "votes": [("devin_ships", 1), ("mara_k", 1)],
            }
        ],
    },
    {
        "paper": "1707.06347",
        "author": "t_adeyemi",
        "days_ago": 4,
        "title": "Does the clipping really keep the policy in a trust region?",
        "source": (
            "Several epochs on the same batch can still move the ratio far outside "
            "$[1 - \\epsilon, 1 + \\epsilon]$. Has anyone measured how far?"
        ),
        "answers": [
            {
                "author": "hwkang",
                "days_ago": 3,
                "source": (
                    "It does not, strictly: clipping only removes the incentive to move "
                    "further. Implementation studies found the ratio leaving the range "
                    "regularly; the code-level tricks matter as much as the clip."
                ),
                "votes": [("t_adeyemi", 1)],
            }
        ],
    },
]

# ---------------------------------------------------------------------------
# Follows (made before the summaries, so following brings notifications)
# ---------------------------------------------------------------------------

FOLLOWS: list[tuple[str, str, str]] = [
    ("ines_w", "user", "mara_k"),
    ("t_adeyemi", "user", "mara_k"),
    ("lucia_f", "user", "t_adeyemi"),
    ("mara_k", "user", "hwkang"),
    ("devin_ships", "venue", "nips"),
    ("hwkang", "venue", "icml"),
    ("lucia_f", "paper", "1706.03762"),
    ("mara_k", "paper", "1609.02907"),
    ("lucia_f", "paper", "1609.02907"),
    ("hwkang", "paper", "1611.03530"),
    ("ines_w", "paper", "1711.05101"),
    ("devin_ships", "paper", "1711.05101"),
    ("t_adeyemi", "paper", "1611.01578"),
]

# "I want a summary of this": (reader, paper).
SUMMARY_REQUESTS: list[tuple[str, str]] = [
    ("ines_w", "1609.02907"),
    ("devin_ships", "1609.02907"),
    ("t_adeyemi", "1611.03530"),
    ("mara_k", "1711.05101"),
    ("lucia_f", "1711.05101"),
    ("hwkang", "1711.05101"),
    ("ines_w", "1611.01578"),
]

# Visits to paper pages, counted once a day per visitor; papers not named get a few.
PAPER_VIEWS: dict[str, int] = {
    "1711.05101": 212,
    "1609.02907": 143,
    "1611.03530": 97,
    "1611.01578": 64,
    "1607.06450": 41,
    "1910.10683": 28,
    "1512.03385": 388,
    "1706.03762": 451,
    "2006.11239": 260,
    "1412.6980": 233,
}
OTHER_PAPER_VIEWS = 15

# Notifications older than this many days have been read; newer ones wait in the bell.
READ_AFTER_DAYS = 6
