"""Demo corpus for Precis: venues, users, papers, summaries and votes.

This module is pure data, read by the ``load_demo`` management command.

* The paper metadata (titles, authors, years, dates, venues, arXiv ids, DOIs,
  DBLP keys, BibTeX keys, arXiv categories) is bibliographic fact.
* Everything else was written for Precis: the venue descriptions, the user
  names and bios (invented people), the short paper synopses in ``abstract``
  (these are NOT the authors' abstracts), every summary and every vote.

Conventions:

* ``PAPERS[i]["arxiv"]`` is the new-style arXiv id without version; it is how
  summaries and votes refer to a paper.
* ``bibtex`` is the key the original ShortScience.org used, i.e. the DBLP key of
  the arXiv (CoRR) record; summaries cite other demo papers with
  ``\\cite{<bibtex key>}``.
* ``VOTES`` rows are ``(voter username, paper arxiv id, summary author
  username, +1 or -1)``.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Venues
# ---------------------------------------------------------------------------

VENUES: list[dict] = [
    {
        "key": "nips",
        "name": "Conference on Neural Information Processing Systems (NeurIPS)",
        "url": "https://neurips.cc",
        "description": (
            "The largest annual machine-learning conference, held every December since 1987 "
            "and known as NIPS until 2018. It covers everything from learning theory and "
            "optimisation to deep learning, reinforcement learning and computational "
            "neuroscience. Papers are peer reviewed and the proceedings are open access."
        ),
    },
    {
        "key": "icml",
        "name": "International Conference on Machine Learning (ICML)",
        "url": "https://icml.cc",
        "description": (
            "One of the oldest and most selective general machine-learning conferences, held "
            "each summer. Its papers lean slightly more towards methods and theory than "
            "NeurIPS, and appear in the open *Proceedings of Machine Learning Research* (PMLR)."
        ),
    },
    {
        "key": "iclr",
        "name": "International Conference on Learning Representations (ICLR)",
        "url": "https://iclr.cc",
        "description": (
            "A deep-learning conference founded in 2013 by Yoshua Bengio and Yann LeCun. "
            "It pioneered **open review**: submissions, reviews and author replies are "
            "public on OpenReview, and anyone can comment. Many now-standard techniques "
            "first appeared here."
        ),
    },
    {
        "key": "cvpr",
        "name": "IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",
        "url": "https://cvpr.thecvf.com",
        "description": (
            "The main annual computer-vision conference, co-sponsored by the IEEE and the "
            "Computer Vision Foundation. It publishes work on recognition, detection, "
            "segmentation, 3D vision and image synthesis, and its papers are freely "
            "available through the CVF open-access site."
        ),
    },
    {
        "key": "naacl",
        "name": "Annual Conference of the North American Chapter of the ACL (NAACL)",
        "url": "https://naacl.org",
        "description": (
            "The North American conference of the Association for Computational "
            "Linguistics, covering natural-language processing and computational "
            "linguistics. Its proceedings are in the free ACL Anthology."
        ),
    },
    {
        "key": "acl",
        "name": "Annual Meeting of the Association for Computational Linguistics (ACL)",
        "url": "https://www.aclweb.org",
        "description": (
            "The flagship conference of the ACL and the premier venue for natural-language "
            "processing, from parsing and translation to language modelling. Like all ACL "
            "events, its papers are open access in the ACL Anthology."
        ),
    },
    {
        "key": "miccai",
        "name": "Medical Image Computing and Computer Assisted Intervention (MICCAI)",
        "url": "https://miccai.org",
        "description": (
            "The main conference at the meeting point of medical imaging, computer vision "
            "and machine learning. Papers deal with segmentation, registration, "
            "computer-aided diagnosis and image-guided surgery; proceedings appear in "
            "Springer's *Lecture Notes in Computer Science*."
        ),
    },
    {
        "key": "nature",
        "name": "Nature",
        "url": "https://www.nature.com/nature",
        "description": (
            "A weekly general-science journal founded in 1869. Machine-learning papers "
            "published here are usually results with broad scientific interest, and they "
            "go through journal-style peer review rather than a conference cycle."
        ),
    },
    {
        "key": "jmlr",
        "name": "Journal of Machine Learning Research (JMLR)",
        "url": "https://jmlr.org",
        "description": (
            "A peer-reviewed, free open-access journal founded in 2000, run by its "
            "editors rather than a commercial publisher. It takes long, complete papers "
            "with no page limit, which suits systematic studies and theory."
        ),
    },
    {
        "key": "arxiv",
        "name": "arXiv (preprint)",
        "url": "https://arxiv.org",
        "description": (
            "The open preprint server run by Cornell University. Papers filed under this "
            "venue were never published at a peer-reviewed venue (or only at a workshop), "
            "yet became widely read and cited anyway."
        ),
    },
]

# ---------------------------------------------------------------------------
# Users (invented people)
# ---------------------------------------------------------------------------

USERS: list[dict] = [
    {
        "username": "mara_k",
        "display_name": "Mara Kowalczyk",
        "bio": "PhD student in probabilistic machine learning. I write summaries to check I really understood the derivations.",
        "email": "mara.kowalczyk@example.org",
    },
    {
        "username": "t_adeyemi",
        "display_name": "Tunde Adeyemi",
        "bio": "Professor of computer science; I teach the graduate deep-learning course and care about where ideas came from.",
        "email": "t.adeyemi@example.org",
    },
    {
        "username": "devin_ships",
        "display_name": "Devin Marsh",
        "bio": "ML engineer at a logistics company. I read papers for what survives contact with production.",
        "email": "devin.marsh@example.org",
    },
    {
        "username": "lucia_f",
        "display_name": "Lucía Ferrante",
        "bio": "Third-year maths undergrad, teaching myself ML one classic paper at a time. Corrections welcome!",
        "email": "lucia.ferrante@example.org",
    },
    {
        "username": "hwkang",
        "display_name": "Hyun-woo Kang",
        "bio": "Postdoc in reinforcement learning. Short summaries, honest caveats.",
        "email": "hyunwoo.kang@example.org",
    },
    {
        "username": "ines_w",
        "display_name": "Ines Waldmann",
        "bio": "Computer-vision engineer at a medical-imaging start-up; formerly a radiographer.",
        "email": "ines.waldmann@example.org",
    },
]

# ---------------------------------------------------------------------------
# Papers (metadata is bibliographic fact; "abstract" is our own synopsis)
# ---------------------------------------------------------------------------

PAPERS: list[dict] = [
    {
        "title": "Deep Residual Learning for Image Recognition",
        "authors": ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"],
        "year": 2016,
        "published": "2015-12-10",
        "venue": "cvpr",
        "arxiv": "1512.03385",
        "doi": "10.1109/CVPR.2016.90",
        "dblp": "conf/cvpr/HeZRS16",
        "bibtex": "journals/corr/HeZRS15",
        "categories": ["cs.CV"],
        "keywords": ["residual networks", "image classification", "deep CNNs"],
        "url": "https://arxiv.org/abs/1512.03385",
        "abstract": (
            "Very deep convolutional networks get worse, not better, past a certain depth, "
            "even on their training data. The paper adds identity shortcuts so that each "
            "block only learns a correction to its input, which makes networks with more "
            "than a hundred layers trainable. These residual networks won the 2015 ImageNet "
            "and COCO competitions."
        ),
    },
    {
        "title": "Adam: A Method for Stochastic Optimization",
        "authors": ["Diederik P. Kingma", "Jimmy Ba"],
        "year": 2015,
        "published": "2014-12-22",
        "venue": "iclr",
        "arxiv": "1412.6980",
        "bibtex": "journals/corr/KingmaB14",
        "categories": ["cs.LG"],
        "keywords": ["optimisation", "stochastic gradient descent", "adaptive learning rates"],
        "url": "https://arxiv.org/abs/1412.6980",
        "abstract": (
            "An optimiser for noisy gradient-based training that keeps running averages of "
            "the gradient and of its square, and uses them to give every parameter its own "
            "step size. A bias correction fixes the averages' early underestimate. It needs "
            "little tuning and became the default optimiser for deep learning."
        ),
    },
    {
        "title": "Improving neural networks by preventing co-adaptation of feature detectors",
        "authors": [
            "Geoffrey E. Hinton",
            "Nitish Srivastava",
            "Alex Krizhevsky",
            "Ilya Sutskever",
            "Ruslan R. Salakhutdinov",
        ],
        "year": 2012,
        "published": "2012-07-03",
        "venue": "arxiv",
        "arxiv": "1207.0580",
        "bibtex": "journals/corr/abs-1207-0580",
        "categories": ["cs.NE", "cs.CV", "cs.LG"],
        "keywords": ["dropout", "regularisation", "overfitting"],
        "url": "https://arxiv.org/abs/1207.0580",
        "abstract": (
            "Introduces dropout: during training, each hidden unit is switched off at random, "
            "so units cannot rely on particular partners and must learn features that are "
            "useful on their own. At test time the full network is used with scaled weights, "
            "which approximates averaging a huge ensemble. It cut error rates on speech, "
            "digit and object recognition benchmarks."
        ),
    },
    {
        "title": "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift",
        "authors": ["Sergey Ioffe", "Christian Szegedy"],
        "year": 2015,
        "published": "2015-02-11",
        "venue": "icml",
        "arxiv": "1502.03167",
        "dblp": "conf/icml/IoffeS15",
        "bibtex": "journals/corr/IoffeS15",
        "categories": ["cs.LG"],
        "keywords": ["normalisation", "training speed", "deep CNNs"],
        "url": "https://arxiv.org/abs/1502.03167",
        "abstract": (
            "Normalises each layer's inputs using the mean and variance of the current "
            "mini-batch, followed by a learned scale and shift. This lets networks train "
            "with much higher learning rates and less careful initialisation, and it also "
            "acts as a mild regulariser. An Inception network reached its accuracy in a "
            "fraction of the usual training steps."
        ),
    },
    {
        "title": "Attention Is All You Need",
        "authors": [
            "Ashish Vaswani",
            "Noam Shazeer",
            "Niki Parmar",
            "Jakob Uszkoreit",
            "Llion Jones",
            "Aidan N. Gomez",
            "Lukasz Kaiser",
            "Illia Polosukhin",
        ],
        "year": 2017,
        "published": "2017-06-12",
        "venue": "nips",
        "arxiv": "1706.03762",
        "dblp": "conf/nips/VaswaniSPUJGKP17",
        "bibtex": "journals/corr/VaswaniSPUJGKP17",
        "categories": ["cs.CL", "cs.LG"],
        "keywords": ["transformer", "self-attention", "machine translation"],
        "url": "https://arxiv.org/abs/1706.03762",
        "abstract": (
            "Proposes the Transformer, a sequence-to-sequence model built only from attention "
            "and feed-forward layers, with no recurrence or convolution. Because every "
            "position attends to every other in parallel, it trains much faster than "
            "recurrent models and set new translation records. The architecture went on to "
            "underpin most of modern NLP and beyond."
        ),
    },
    {
        "title": "Generative Adversarial Nets",
        "authors": [
            "Ian J. Goodfellow",
            "Jean Pouget-Abadie",
            "Mehdi Mirza",
            "Bing Xu",
            "David Warde-Farley",
            "Sherjil Ozair",
            "Aaron Courville",
            "Yoshua Bengio",
        ],
        "year": 2014,
        "published": "2014-06-10",
        "venue": "nips",
        "arxiv": "1406.2661",
        "dblp": "conf/nips/GoodfellowPMXWOCB14",
        "bibtex": "journals/corr/GoodfellowPMXWOCB14",
        "categories": ["stat.ML", "cs.LG"],
        "keywords": ["generative models", "adversarial training", "game theory"],
        "url": "https://arxiv.org/abs/1406.2661",
        "abstract": (
            "Trains a generator network to produce samples by pitting it against a "
            "discriminator network that tries to tell real data from generated data. The "
            "two are optimised as a two-player game, and at the game's equilibrium the "
            "generator reproduces the data distribution. No likelihood or Markov chain is "
            "needed, only back-propagation."
        ),
    },
    {
        "title": "Auto-Encoding Variational Bayes",
        "authors": ["Diederik P. Kingma", "Max Welling"],
        "year": 2014,
        "published": "2013-12-20",
        "venue": "iclr",
        "arxiv": "1312.6114",
        "bibtex": "journals/corr/KingmaW13",
        "categories": ["stat.ML", "cs.LG"],
        "keywords": ["variational inference", "latent variable models", "autoencoders"],
        "url": "https://arxiv.org/abs/1312.6114",
        "abstract": (
            "Shows how to fit latent-variable models with neural networks by maximising a "
            "lower bound on the data likelihood. A reparameterisation of the random latent "
            "variable gives low-variance gradients, so an encoder and a decoder can be "
            "trained jointly with ordinary stochastic gradient descent. The resulting model "
            "is the variational autoencoder."
        ),
    },
    {
        "title": "Trust Region Policy Optimization",
        "authors": [
            "John Schulman",
            "Sergey Levine",
            "Philipp Moritz",
            "Michael I. Jordan",
            "Pieter Abbeel",
        ],
        "year": 2015,
        "published": "2015-02-19",
        "venue": "icml",
        "arxiv": "1502.05477",
        "dblp": "conf/icml/SchulmanLMJA15",
        "bibtex": "journals/corr/SchulmanLMJA15",
        "categories": ["cs.LG"],
        "keywords": ["reinforcement learning", "policy gradient", "trust region"],
        "url": "https://arxiv.org/abs/1502.05477",
        "abstract": (
            "A policy-gradient method that limits how far each update may move the policy, "
            "measured by the KL divergence between old and new action distributions. The "
            "limit is motivated by a bound guaranteeing improvement, and is enforced with a "
            "conjugate-gradient step and a line search. It learns locomotion and Atari "
            "policies reliably with neural networks."
        ),
    },
    {
        "title": "Playing Atari with Deep Reinforcement Learning",
        "authors": [
            "Volodymyr Mnih",
            "Koray Kavukcuoglu",
            "David Silver",
            "Alex Graves",
            "Ioannis Antonoglou",
            "Daan Wierstra",
            "Martin Riedmiller",
        ],
        "year": 2013,
        "published": "2013-12-19",
        "venue": "arxiv",
        "arxiv": "1312.5602",
        "bibtex": "journals/corr/MnihKSGAWR13",
        "categories": ["cs.LG"],
        "keywords": ["deep Q-learning", "Atari", "experience replay"],
        "url": "https://arxiv.org/abs/1312.5602",
        "abstract": (
            "Trains a convolutional network with Q-learning to play Atari 2600 games "
            "directly from screen pixels, using the same network and settings for every "
            "game. Storing past transitions and replaying them in random order keeps "
            "training stable. The agent beat earlier methods on most games it was tried on."
        ),
    },
    {
        "title": "Mastering Atari, Go, Chess and Shogi by Planning with a Learned Model",
        "authors": [
            "Julian Schrittwieser",
            "Ioannis Antonoglou",
            "Thomas Hubert",
            "Karen Simonyan",
            "Laurent Sifre",
            "Simon Schmitt",
            "Arthur Guez",
            "Edward Lockhart",
            "Demis Hassabis",
            "Thore Graepel",
            "Timothy Lillicrap",
            "David Silver",
        ],
        "year": 2020,
        "published": "2019-11-19",
        "venue": "nature",
        "arxiv": "1911.08265",
        "bibtex": "journals/corr/abs-1911-08265",
        "categories": ["cs.LG", "stat.ML"],
        "keywords": ["model-based RL", "tree search", "board games"],
        "url": "https://arxiv.org/abs/1911.08265",
        "abstract": (
            "MuZero plans with tree search like AlphaZero, but without being told the rules: "
            "it learns its own model of the environment. The model only has to predict "
            "rewards, values and good moves, not the next observation. It matches AlphaZero "
            "at board games and sets a new standard on Atari."
        ),
    },
    {
        "title": "Sequence to Sequence Learning with Neural Networks",
        "authors": ["Ilya Sutskever", "Oriol Vinyals", "Quoc V. Le"],
        "year": 2014,
        "published": "2014-09-10",
        "venue": "nips",
        "arxiv": "1409.3215",
        "dblp": "conf/nips/SutskeverVL14",
        "bibtex": "journals/corr/SutskeverVL14",
        "categories": ["cs.CL", "cs.LG"],
        "keywords": ["seq2seq", "LSTM", "machine translation"],
        "url": "https://arxiv.org/abs/1409.3215",
        "abstract": (
            "One deep LSTM reads an input sentence into a fixed-size vector and a second "
            "LSTM writes the translation from that vector. Reversing the word order of the "
            "source sentence makes optimisation much easier. The plain neural system was "
            "competitive with phrase-based translation on English to French."
        ),
    },
    {
        "title": "Neural Machine Translation by Jointly Learning to Align and Translate",
        "authors": ["Dzmitry Bahdanau", "Kyunghyun Cho", "Yoshua Bengio"],
        "year": 2015,
        "published": "2014-09-01",
        "venue": "iclr",
        "arxiv": "1409.0473",
        "bibtex": "journals/corr/BahdanauCB14",
        "categories": ["cs.CL", "cs.LG", "cs.NE", "stat.ML"],
        "keywords": ["attention", "machine translation", "encoder-decoder"],
        "url": "https://arxiv.org/abs/1409.0473",
        "abstract": (
            "Instead of squeezing a whole source sentence into one vector, the decoder "
            "learns to look back at all encoder states and take a weighted average of them "
            "for each output word. These soft alignments are learned together with the "
            "translation. Quality no longer collapses on long sentences, and the learned "
            "weights look like sensible word alignments."
        ),
    },
    {
        "title": "Distributed Representations of Words and Phrases and their Compositionality",
        "authors": [
            "Tomas Mikolov",
            "Ilya Sutskever",
            "Kai Chen",
            "Greg Corrado",
            "Jeffrey Dean",
        ],
        "year": 2013,
        "published": "2013-10-16",
        "venue": "nips",
        "arxiv": "1310.4546",
        "dblp": "conf/nips/MikolovSCCD13",
        "bibtex": "journals/corr/MikolovSCCD13",
        "categories": ["cs.CL", "cs.LG", "stat.ML"],
        "keywords": ["word embeddings", "skip-gram", "negative sampling"],
        "url": "https://arxiv.org/abs/1310.4546",
        "abstract": (
            "Improves the skip-gram model for learning word vectors: negative sampling "
            "replaces the expensive softmax, and frequent words are randomly discarded. It "
            "also learns vectors for multi-word phrases. The resulting vectors show the "
            "famous additive analogies and are cheap to train on billions of words."
        ),
    },
    {
        "title": "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "authors": ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"],
        "year": 2019,
        "published": "2018-10-11",
        "venue": "naacl",
        "arxiv": "1810.04805",
        "doi": "10.18653/v1/N19-1423",
        "dblp": "conf/naacl/DevlinCLT19",
        "bibtex": "journals/corr/abs-1810-04805",
        "categories": ["cs.CL"],
        "keywords": ["pre-training", "masked language model", "transfer learning"],
        "url": "https://arxiv.org/abs/1810.04805",
        "abstract": (
            "Pre-trains a Transformer encoder on unlabelled text by hiding some words and "
            "asking the model to fill them in using context on both sides. The same "
            "network is then fine-tuned, with one small extra layer, on each downstream "
            "task. It set new records across a wide range of language-understanding "
            "benchmarks."
        ),
    },
    {
        "title": "Language Models are Few-Shot Learners",
        "authors": [
            "Tom B. Brown",
            "Benjamin Mann",
            "Nick Ryder",
            "Melanie Subbiah",
            "Jared Kaplan",
            "Prafulla Dhariwal",
            "Arvind Neelakantan",
            "Pranav Shyam",
            "Girish Sastry",
            "Amanda Askell",
            "Sandhini Agarwal",
            "Ariel Herbert-Voss",
            "Gretchen Krueger",
            "Tom Henighan",
            "Rewon Child",
            "Aditya Ramesh",
            "Daniel M. Ziegler",
            "Jeffrey Wu",
            "Clemens Winter",
            "Christopher Hesse",
            "Mark Chen",
            "Eric Sigler",
            "Mateusz Litwin",
            "Scott Gray",
            "Benjamin Chess",
            "Jack Clark",
            "Christopher Berner",
            "Sam McCandlish",
            "Alec Radford",
            "Ilya Sutskever",
            "Dario Amodei",
        ],
        "year": 2020,
        "published": "2020-05-28",
        "venue": "nips",
        "arxiv": "2005.14165",
        "bibtex": "journals/corr/abs-2005-14165",
        "categories": ["cs.CL"],
        "keywords": ["language models", "in-context learning", "scaling"],
        "url": "https://arxiv.org/abs/2005.14165",
        "abstract": (
            "Trains GPT-3, a 175-billion-parameter autoregressive language model, and "
            "evaluates it without any fine-tuning: tasks are described in the prompt, "
            "optionally with a few worked examples. Performance on many benchmarks improves "
            "steadily with model size and sometimes rivals fine-tuned systems. The paper "
            "also discusses data contamination, misuse and bias."
        ),
    },
    {
        "title": "U-Net: Convolutional Networks for Biomedical Image Segmentation",
        "authors": ["Olaf Ronneberger", "Philipp Fischer", "Thomas Brox"],
        "year": 2015,
        "published": "2015-05-18",
        "venue": "miccai",
        "arxiv": "1505.04597",
        "doi": "10.1007/978-3-319-24574-4_28",
        "dblp": "conf/miccai/RonnebergerFB15",
        "bibtex": "journals/corr/RonnebergerFB15",
        "categories": ["cs.CV"],
        "keywords": ["segmentation", "medical imaging", "encoder-decoder"],
        "url": "https://arxiv.org/abs/1505.04597",
        "abstract": (
            "A fully convolutional network for pixel-wise segmentation shaped like a U: a "
            "contracting path captures context and a symmetric expanding path recovers "
            "detail, with skip connections copying features across. Heavy elastic data "
            "augmentation lets it learn from a few dozen annotated images. It won "
            "cell-segmentation challenges by a wide margin."
        ),
    },
    {
        "title": "You Only Look Once: Unified, Real-Time Object Detection",
        "authors": ["Joseph Redmon", "Santosh Divvala", "Ross Girshick", "Ali Farhadi"],
        "year": 2016,
        "published": "2015-06-08",
        "venue": "cvpr",
        "arxiv": "1506.02640",
        "doi": "10.1109/CVPR.2016.91",
        "dblp": "conf/cvpr/RedmonDGF16",
        "bibtex": "journals/corr/RedmonDGF15",
        "categories": ["cs.CV"],
        "keywords": ["object detection", "real-time", "single-stage detector"],
        "url": "https://arxiv.org/abs/1506.02640",
        "abstract": (
            "Treats object detection as a single regression problem: one network looks at "
            "the whole image once and predicts boxes and class probabilities for a grid of "
            "cells. This makes detection fast enough for live video. It makes more "
            "localisation errors than two-stage detectors but fewer false alarms on "
            "background."
        ),
    },
    {
        "title": "Faster R-CNN: Towards Real-Time Object Detection with Region Proposal Networks",
        "authors": ["Shaoqing Ren", "Kaiming He", "Ross Girshick", "Jian Sun"],
        "year": 2015,
        "published": "2015-06-04",
        "venue": "nips",
        "arxiv": "1506.01497",
        "categories": ["cs.CV"],
        "keywords": ["object detection", "region proposals", "anchors"],
        "url": "https://arxiv.org/abs/1506.01497",
        "abstract": (
            "Replaces the slow hand-designed region-proposal step of earlier detectors with "
            "a small network that shares convolutional features with the detector and "
            "scores a set of reference boxes, called anchors, at every position. Proposals "
            "become nearly free, and the whole detector runs at several frames per second "
            "with better accuracy."
        ),
    },
    {
        "title": "Layer Normalization",
        "authors": ["Jimmy Lei Ba", "Jamie Ryan Kiros", "Geoffrey E. Hinton"],
        "year": 2016,
        "published": "2016-07-21",
        "venue": "arxiv",
        "arxiv": "1607.06450",
        "categories": ["stat.ML", "cs.LG"],
        "keywords": ["normalisation", "recurrent networks", "training speed"],
        "url": "https://arxiv.org/abs/1607.06450",
        "abstract": (
            "Normalises the summed inputs of a layer using statistics computed over the "
            "units of that layer for a single example, rather than over a mini-batch. It "
            "behaves the same at training and test time and works naturally in recurrent "
            "networks, where it speeds up training noticeably."
        ),
    },
    {
        "title": "Densely Connected Convolutional Networks",
        "authors": ["Gao Huang", "Zhuang Liu", "Laurens van der Maaten", "Kilian Q. Weinberger"],
        "year": 2017,
        "published": "2016-08-25",
        "venue": "cvpr",
        "arxiv": "1608.06993",
        "dblp": "conf/cvpr/HuangLMW17",
        "categories": ["cs.CV", "cs.LG"],
        "keywords": ["dense connections", "image classification", "feature reuse"],
        "url": "https://arxiv.org/abs/1608.06993",
        "abstract": (
            "Connects every layer in a block to every later layer by concatenating feature "
            "maps, so each layer sees all earlier features and adds only a few new ones. "
            "The networks reuse features heavily and reach accuracy comparable to residual "
            "networks with far fewer parameters."
        ),
    },
    {
        "title": "mixup: Beyond Empirical Risk Minimization",
        "authors": ["Hongyi Zhang", "Moustapha Cisse", "Yann N. Dauphin", "David Lopez-Paz"],
        "year": 2018,
        "published": "2017-10-25",
        "venue": "iclr",
        "arxiv": "1710.09412",
        "dblp": "conf/iclr/ZhangCDL18",
        "categories": ["cs.LG", "stat.ML"],
        "keywords": ["data augmentation", "regularisation", "robustness"],
        "url": "https://arxiv.org/abs/1710.09412",
        "abstract": (
            "Trains on random convex combinations of pairs of examples and of their labels. "
            "This simple augmentation encourages the model to behave linearly between "
            "training points. It improves accuracy and calibration, reduces memorisation of "
            "corrupted labels and makes GAN training more stable."
        ),
    },
    {
        "title": "Deep Image Prior",
        "authors": ["Dmitry Ulyanov", "Andrea Vedaldi", "Victor Lempitsky"],
        "year": 2018,
        "published": "2017-11-29",
        "venue": "cvpr",
        "arxiv": "1711.10925",
        "dblp": "conf/cvpr/UlyanovVL18",
        "bibtex": "journals/corr/abs-1711-10925",
        "categories": ["cs.CV", "stat.ML"],
        "keywords": ["image restoration", "inductive bias", "inverse problems"],
        "url": "https://arxiv.org/abs/1711.10925",
        "abstract": (
            "Shows that an untrained convolutional network, fitted to a single corrupted "
            "image, already acts as a strong image prior. Stopping the fit early yields "
            "denoised, inpainted or super-resolved images without any training data. The "
            "structure of the network, not learning, supplies the prior."
        ),
    },
    {
        "title": "Neural Ordinary Differential Equations",
        "authors": ["Ricky T. Q. Chen", "Yulia Rubanova", "Jesse Bettencourt", "David Duvenaud"],
        "year": 2018,
        "published": "2018-06-19",
        "venue": "nips",
        "arxiv": "1806.07366",
        "dblp": "conf/nips/ChenRBD18",
        "bibtex": "journals/corr/abs-1806-07366",
        "categories": ["cs.LG", "cs.AI", "stat.ML"],
        "keywords": ["differential equations", "continuous depth", "normalising flows"],
        "url": "https://arxiv.org/abs/1806.07366",
        "abstract": (
            "Defines a network's hidden state by an ordinary differential equation whose "
            "right-hand side is a neural network, and computes outputs with an ODE solver. "
            "Gradients come from solving a second, adjoint ODE backwards, so memory cost "
            "does not grow with depth. The idea gives continuous-depth models, "
            "continuous normalising flows and time-series models for irregular data."
        ),
    },
    {
        "title": "Transformer-XL: Attentive Language Models Beyond a Fixed-Length Context",
        "authors": [
            "Zihang Dai",
            "Zhilin Yang",
            "Yiming Yang",
            "Jaime Carbonell",
            "Quoc V. Le",
            "Ruslan Salakhutdinov",
        ],
        "year": 2019,
        "published": "2019-01-09",
        "venue": "acl",
        "arxiv": "1901.02860",
        "dblp": "conf/acl/DaiYYCLS19",
        "bibtex": "journals/corr/abs-1901-02860",
        "categories": ["cs.LG", "cs.CL", "stat.ML"],
        "keywords": ["language modelling", "long context", "transformer"],
        "url": "https://arxiv.org/abs/1901.02860",
        "abstract": (
            "Lets a Transformer language model use context beyond a fixed window by caching "
            "the hidden states of the previous segment and attending to them. A relative "
            "positional encoding makes the reused states consistent. The model captures "
            "much longer dependencies and is far faster at evaluation time."
        ),
    },
    {
        "title": "Learning Transferable Visual Models From Natural Language Supervision",
        "authors": [
            "Alec Radford",
            "Jong Wook Kim",
            "Chris Hallacy",
            "Aditya Ramesh",
            "Gabriel Goh",
            "Sandhini Agarwal",
            "Girish Sastry",
            "Amanda Askell",
            "Pamela Mishkin",
            "Jack Clark",
            "Gretchen Krueger",
            "Ilya Sutskever",
        ],
        "year": 2021,
        "published": "2021-02-26",
        "venue": "icml",
        "arxiv": "2103.00020",
        "bibtex": "journals/corr/abs-2103-00020",
        "categories": ["cs.CV", "cs.LG"],
        "keywords": ["contrastive learning", "vision and language", "zero-shot"],
        "url": "https://arxiv.org/abs/2103.00020",
        "abstract": (
            "CLIP trains an image encoder and a text encoder together so that matching "
            "image-caption pairs from the web end up close in a shared space. The text "
            "encoder then turns class names into classifiers, giving zero-shot recognition "
            "on many datasets without task-specific training. Robustness to distribution "
            "shift improves markedly."
        ),
    },
    {
        "title": "Denoising Diffusion Probabilistic Models",
        "authors": ["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"],
        "year": 2020,
        "published": "2020-06-19",
        "venue": "nips",
        "arxiv": "2006.11239",
        "dblp": "conf/nips/HoJA20",
        "bibtex": "journals/corr/abs-2006-11239",
        "categories": ["cs.LG", "stat.ML"],
        "keywords": ["diffusion models", "generative models", "denoising"],
        "url": "https://arxiv.org/abs/2006.11239",
        "abstract": (
            "Generates images by learning to reverse a process that gradually adds Gaussian "
            "noise to data. With a particular parameterisation, training reduces to "
            "predicting the added noise with a simple squared-error loss, linking diffusion "
            "models to denoising score matching. Sample quality rivalled GANs for the first "
            "time."
        ),
    },
    {
        "title": "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
        "authors": [
            "Alexey Dosovitskiy",
            "Lucas Beyer",
            "Alexander Kolesnikov",
            "Dirk Weissenborn",
            "Xiaohua Zhai",
            "Thomas Unterthiner",
            "Mostafa Dehghani",
            "Matthias Minderer",
            "Georg Heigold",
            "Sylvain Gelly",
            "Jakob Uszkoreit",
            "Neil Houlsby",
        ],
        "year": 2021,
        "published": "2020-10-22",
        "venue": "iclr",
        "arxiv": "2010.11929",
        "bibtex": "journals/corr/abs-2010-11929",
        "categories": ["cs.CV", "cs.AI", "cs.LG"],
        "keywords": ["vision transformer", "image classification", "pre-training"],
        "url": "https://arxiv.org/abs/2010.11929",
        "abstract": (
            "Cuts an image into fixed-size patches, embeds each patch as a token and feeds "
            "the sequence to a standard Transformer encoder. Trained on small datasets it "
            "trails convolutional networks, but pre-trained on hundreds of millions of "
            "images it matches or beats them at lower training cost."
        ),
    },
    {
        "title": "Distilling the Knowledge in a Neural Network",
        "authors": ["Geoffrey Hinton", "Oriol Vinyals", "Jeff Dean"],
        "year": 2015,
        "published": "2015-03-09",
        "venue": "arxiv",
        "arxiv": "1503.02531",
        "bibtex": "journals/corr/HintonVD15",
        "categories": ["stat.ML", "cs.LG", "cs.NE"],
        "keywords": ["knowledge distillation", "model compression", "ensembles"],
        "url": "https://arxiv.org/abs/1503.02531",
        "abstract": (
            "Trains a small model to match the softened output probabilities of a large "
            "model or ensemble, using a raised softmax temperature so that small "
            "probabilities carry information. The small model recovers much of the large "
            "one's accuracy. The paper also trains specialist models for confusable classes "
            "on a very large dataset."
        ),
    },
    {
        "title": "Proximal Policy Optimization Algorithms",
        "authors": [
            "John Schulman",
            "Filip Wolski",
            "Prafulla Dhariwal",
            "Alec Radford",
            "Oleg Klimov",
        ],
        "year": 2017,
        "published": "2017-07-20",
        "venue": "arxiv",
        "arxiv": "1707.06347",
        "bibtex": "journals/corr/SchulmanWDRK17",
        "categories": ["cs.LG"],
        "keywords": ["reinforcement learning", "policy gradient", "clipping"],
        "url": "https://arxiv.org/abs/1707.06347",
        "abstract": (
            "A family of policy-gradient methods that keep updates small with a clipped "
            "surrogate objective instead of an explicit constraint. They need only "
            "first-order optimisation, allow several epochs of updates per batch of data, "
            "and perform as well as or better than more complex methods on continuous "
            "control and Atari."
        ),
    },
    {
        "title": "Semi-Supervised Classification with Graph Convolutional Networks",
        "authors": ["Thomas N. Kipf", "Max Welling"],
        "year": 2017,
        "published": "2016-09-09",
        "venue": "iclr",
        "arxiv": "1609.02907",
        "dblp": "conf/iclr/KipfW17",
        "categories": ["cs.LG", "stat.ML"],
        "keywords": ["graph neural networks", "semi-supervised learning", "node classification"],
        "url": "https://arxiv.org/abs/1609.02907",
        "abstract": (
            "Derives a simple layer for neural networks on graphs from a first-order "
            "approximation of spectral graph convolutions: each node averages transformed "
            "features of its neighbours. Stacking a few such layers classifies nodes in "
            "citation networks and knowledge graphs from very few labels."
        ),
    },
    {
        "title": "Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
        "authors": [
            "Colin Raffel",
            "Noam Shazeer",
            "Adam Roberts",
            "Katherine Lee",
            "Sharan Narang",
            "Michael Matena",
            "Yanqi Zhou",
            "Wei Li",
            "Peter J. Liu",
        ],
        "year": 2020,
        "published": "2019-10-23",
        "venue": "jmlr",
        "arxiv": "1910.10683",
        "dblp": "journals/jmlr/RaffelSRLNMZLL20",
        "bibtex": "journals/corr/abs-1910-10683",
        "categories": ["cs.LG", "cs.CL", "stat.ML"],
        "keywords": ["transfer learning", "pre-training", "text-to-text"],
        "url": "https://arxiv.org/abs/1910.10683",
        "abstract": (
            "Casts every language task, from translation to classification, as feeding text "
            "in and getting text out, so one model and one loss serve them all. Using this "
            "framing, the authors systematically compare pre-training objectives, "
            "architectures, datasets and fine-tuning strategies, release a large cleaned "
            "web corpus, and scale the best recipe up to T5."
        ),
    },
    {
        "title": "Understanding deep learning requires rethinking generalization",
        "authors": [
            "Chiyuan Zhang",
            "Samy Bengio",
            "Moritz Hardt",
            "Benjamin Recht",
            "Oriol Vinyals",
        ],
        "year": 2017,
        "published": "2016-11-10",
        "venue": "iclr",
        "arxiv": "1611.03530",
        "dblp": "conf/iclr/ZhangBHRV17",
        "categories": ["cs.LG"],
        "keywords": ["generalisation", "memorisation", "learning theory"],
        "url": "https://arxiv.org/abs/1611.03530",
        "abstract": (
            "Standard image classifiers can perfectly fit training sets whose labels have "
            "been replaced by random ones, or whose pixels are pure noise. So the usual "
            "capacity-based explanations cannot say why the same networks generalise on "
            "real data. Explicit regularisers help only a little; the question of what "
            "does explain generalisation is left open."
        ),
    },
]

# ---------------------------------------------------------------------------
# Summaries (all written for Precis)
# ---------------------------------------------------------------------------

SUMMARIES: list[dict] = [
    # --- ResNet: three public summaries with clearly different receptions ----
    {
        "paper": "1512.03385",
        "author": "mara_k",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## The puzzle

Stack more layers on a plain convolutional network and, past about twenty layers, the *training* error goes up. That is not overfitting (the test error rises because the training error does) and it is not vanishing gradients in the naive sense either, since the networks use batch normalisation. It is an optimisation problem: a 56-layer net should be at least as good as a 20-layer one (copy the shallow net, make the extra layers identities), yet SGD does not find that solution.

## The fix

Reparameterise each block so it learns a *correction* to its input rather than a whole new mapping. If $H(x)$ is the mapping we want, the block learns $F(x) = H(x) - x$ and outputs

$$
y = F(x, \{W_i\}) + x
$$

where $F$ is typically two or three conv–BN–ReLU layers. When input and output shapes differ, the shortcut becomes a projection, $y = F(x, \{W_i\}) + W_s x$. Being the identity is now easy (drive the weights of $F$ to zero), and small corrections are cheap.

## A gradient view

Unroll a stack of residual units from block $l$ to block $L$ (ignoring the ReLU after the addition):

$$
x_L = x_l + \sum_{i=l}^{L-1} F(x_i, W_i)
$$

so the gradient that reaches $x_l$ is

$$
\frac{\partial \mathcal{L}}{\partial x_l} = \frac{\partial \mathcal{L}}{\partial x_L} \left( 1 + \frac{\partial}{\partial x_l} \sum_{i=l}^{L-1} F(x_i, W_i) \right)
$$

The "1" means part of the signal travels back unattenuated however deep the net is. To be fair to the paper, this clean derivation is spelled out in the authors' follow-up on identity mappings, not here; this paper argues mostly from experiments.

## Results worth remembering

- Plain 34-layer net is worse than plain 18-layer; residual 34 beats residual 18. The degradation goes away.
- Bottleneck blocks ($1\times1$, $3\times3$, $1\times1$) keep 50/101/152-layer models affordable.
- An ensemble reached 3.57% top-5 error on ImageNet and won ILSVRC 2015 and the COCO detection tasks.

## Caveats

*Why* residual nets train so well is still argued about: better-conditioned loss surfaces, behaving like ensembles of shallower paths, or simply keeping the signal alive at initialisation. The 1202-layer CIFAR model trains fine but generalises worse than the 110-layer one, so depth is not free.""",
    },
    {
        "paper": "1512.03385",
        "author": "t_adeyemi",
        "visibility": "public",
        "anonymous": False,
        "source": r"""When I teach this paper I start with a question for the class: *if a deeper network contains a shallower one as a special case, why would it ever train worse?* He et al. show that it does, and their answer has shaped nearly every architecture since.

### The idea in one line

Let a block compute a residual $F(x)$ and add its input back:

$$
y = F(x, \{W_i\}) + x
$$

If the best thing a block can do is nothing, the optimiser only has to push $F$ towards zero, which is far easier than coaxing a stack of nonlinear layers into an exact identity. The authors' hypothesis, well supported by their experiments, is that useful mappings in deep nets are often *close* to the identity, so learning the difference is the natural parameterisation.

### Where it came from

The idea did not appear from nowhere, and students should know the lineage:

- The LSTM's additive cell update, $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, was designed in the 1990s precisely so that error can flow back through time without shrinking.
- *Highway networks* (Srivastava, Greff and Schmidhuber, 2015) added gated shortcuts, $y = T(x) \odot H(x) + (1 - T(x)) \odot x$, and trained very deep nets a few months earlier.

ResNet's contribution is to drop the gate entirely. A parameter-free identity shortcut is simpler, cannot be "closed", and costs no extra computation. Sometimes removing machinery is the insight.

### What the experiments show

The key figure compares plain and residual nets of 18 and 34 layers on ImageNet: plain-34 has *higher training error* than plain-18, while ResNet-34 is better than ResNet-18. That single comparison isolates the optimisation issue from overfitting. The deeper bottleneck models (50, 101, 152 layers) then turn the fix into state-of-the-art results on classification, detection and segmentation.

### For discussion

1. The paper does not prove why the identity helps; it offers a hypothesis and evidence. What would a convincing test look like?
2. The 1202-layer CIFAR-10 model overfits. Is "depth" still the right axis to scale, or width, or data?

A beautifully clear paper, and a model of how to present an empirical finding.""",
    },
    {
        "paper": "1512.03385",
        "author": "devin_ships",
        "visibility": "public",
        "anonymous": False,
        "source": r"""Practical take from someone who has shipped a lot of ResNet-50s.

**What it is:** every couple of conv layers, add the block's input to its output:

$$
y = \mathrm{ReLU}\left(F(x) + x\right)
$$

That's it. The shortcut lets you train 50–150 layers without the accuracy falling apart.

**Why you still care in 2021+**

- ResNet-50 is *the* default backbone. Detection, segmentation, metric learning, you name it: there is a pretrained ResNet-50 checkpoint for it, and every framework has one line to load it.
- It is boring in the best way: predictable memory, runs well on basically every accelerator and inference runtime, quantises nicely to int8.
- The "add the input back" trick is now everywhere, including every Transformer block.

**Things I learned the hard way**

- Initialise the last batch-norm scale in each residual branch to zero so every block starts as an identity ($\gamma = 0$). Not in this paper, but it helps a lot with large-batch training.
- "ResNet-50" is not one model. Stride in the first $1\times1$ vs the $3\times3$ conv of the bottleneck differs between implementations and moves accuracy by a fraction of a percent. Check which one your checkpoint is.
- Going from 50 to 101 to 152 layers buys little in my experience compared to better data or augmentation. Depth beyond 50 is rarely the bottleneck for production tasks.

**Verdict:** read it once, then just use it.""",
    },
    # --- Adam ---------------------------------------------------------------
    {
        "paper": "1412.6980",
        "author": "mara_k",
        "visibility": "public",
        "anonymous": False,
        "source": r"""Adam combines two older ideas: **momentum** (average the gradients to smooth out noise) and **RMSProp-style scaling** (divide each coordinate by a running estimate of its gradient magnitude). With gradient $g_t$ at step $t$:

$$
\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
\hat{m}_t &= \frac{m_t}{1 - \beta_1^t}, \qquad \hat{v}_t = \frac{v_t}{1 - \beta_2^t} \\
\theta_t &= \theta_{t-1} - \alpha \frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}
\end{aligned}
$$

with defaults $\alpha = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$.

### The part people skip: bias correction

Both averages start at zero, so early on they are biased towards zero. If the gradient distribution were stationary, $\mathbb{E}[v_t] = (1 - \beta_2^t)\,\mathbb{E}[g_t^2]$, hence dividing by $1 - \beta_2^t$. With $\beta_2 = 0.999$ this matters for the first few thousand steps: without correction $\hat{v}_t$ would be tiny and the first steps enormous.

### Nice properties

- The step $\alpha \hat{m}_t / \sqrt{\hat{v}_t}$ is invariant to rescaling the gradient, and its magnitude is roughly bounded by $\alpha$, so $\alpha$ reads as a trust region in parameter space.
- The ratio $\hat{m}_t / \sqrt{\hat{v}_t}$ behaves like a signal-to-noise ratio: it shrinks automatically near an optimum where gradients are noisy and average out.

### Caveats

- The convergence proof for convex online learning has an error; Reddi, Kale and Kumar (2018) give a simple convex problem where Adam does not converge, and propose AMSGrad.
- Adding an L2 penalty to the loss is *not* the same as weight decay under Adam, because the penalty gradient gets rescaled too. Decoupled weight decay (AdamW) fixes this and is what most people should use.
- On some vision tasks well-tuned SGD with momentum still generalises slightly better.""",
    },
    {
        "paper": "1412.6980",
        "author": "devin_ships",
        "visibility": "public",
        "anonymous": False,
        "source": r"""The optimiser you reach for when you don't have time to tune an optimiser.

**One-sentence version:** SGD with momentum, where each parameter gets its own step size based on how big its recent gradients have been.

**Why it won in practice**

- The defaults ($\alpha = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$) work surprisingly often. For fine-tuning pretrained models I start around $\alpha = 3 \times 10^{-5}$ to $10^{-4}$.
- It copes with badly scaled parameters (embeddings next to layer-norm gains next to conv kernels) without hand-tuned per-layer learning rates.
- Sparse gradients (embeddings for rare tokens) still get reasonable updates.

**Costs and gotchas**

- Memory: two extra buffers per parameter. For big models the optimiser state is twice the size of the weights, which is why sharded and 8-bit optimiser states exist.
- The $\epsilon$ is not cosmetic. In mixed precision, $10^{-8}$ can underflow; people use $10^{-6}$ or larger, and some models are weirdly sensitive to it.
- Use AdamW (decoupled weight decay) rather than Adam plus L2 in the loss. They are not the same thing.
- Still use a learning-rate warmup for Transformers; Adam alone does not save you from early instability.

**Bottom line:** not the "best" optimiser for every problem, but the best default. If a model doesn't train with Adam, the bug is usually elsewhere.""",
    },
    # --- Dropout ------------------------------------------------------------
    {
        "paper": "1207.0580",
        "author": "t_adeyemi",
        "visibility": "public",
        "anonymous": False,
        "source": r"""This short arXiv note introduced **dropout**; the full treatment came two years later in JMLR. It is worth reading for the intuition, which the authors state with unusual clarity.

### The mechanism

On each training case, every hidden unit is dropped (set to zero) independently with probability one half. Write the layer's activations as $h$ and draw a mask $m$ with $m_j \sim \mathrm{Bernoulli}(p)$, where $p$ is the probability of *keeping* a unit:

$$
\tilde{h} = m \odot h
$$

At test time nothing is dropped, but the outgoing weights are multiplied by $p$ so that the expected input to the next layer matches training. (Modern code does the equivalent "inverted" version: divide by $p$ during training and leave the test network untouched.)

### Why it should work

- **Co-adaptation.** A unit cannot count on any specific other unit being present, so it must learn features that are useful in many contexts. The authors compare this to sexual reproduction breaking up co-adapted gene complexes, an analogy I enjoy and students remember.
- **Ensembling.** A network with $n$ droppable units defines $2^n$ thinned sub-networks sharing weights. Training samples one per case; the weight-scaling rule at test time is a cheap approximation to averaging them all. For a single softmax layer it is exactly the normalised geometric mean.

### Evidence

Consistent error reductions on MNIST, TIMIT speech recognition, CIFAR-10 and ImageNet, plus some document classification. It was also part of the 2012 ImageNet-winning network.

### Caveats for today's reader

- It slows convergence: each update trains a different sub-network.
- It interacts awkwardly with batch normalisation, whose statistics shift between training and test once dropout is on; many convolutional architectures now drop it.
- It remains standard in Transformers and fully connected heads, usually at rates around 0.1.""",
    },
    # --- Batch Norm ---------------------------------------------------------
    {
        "paper": "1502.03167",
        "author": "ines_w",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## What it does

For each channel, take the activations $x_1, \dots, x_m$ in the current mini-batch $\mathcal{B}$, normalise them, then let the network rescale:

$$
\mu_{\mathcal{B}} = \frac{1}{m} \sum_{i=1}^{m} x_i, \qquad \sigma_{\mathcal{B}}^2 = \frac{1}{m} \sum_{i=1}^{m} \left(x_i - \mu_{\mathcal{B}}\right)^2
$$

$$
\hat{x}_i = \frac{x_i - \mu_{\mathcal{B}}}{\sqrt{\sigma_{\mathcal{B}}^2 + \epsilon}}, \qquad y_i = \gamma \hat{x}_i + \beta
$$

The learned $\gamma$ and $\beta$ mean the layer can still represent the identity if that is what is needed. At inference the batch statistics are replaced by running averages collected during training. Gradients are back-propagated *through* the normalisation, which is important: otherwise the optimiser can undo the normalisation by drifting the bias.

## Why it mattered

Networks with BN tolerate learning rates that would otherwise diverge, are far less sensitive to initialisation, and can use saturating nonlinearities. On ImageNet, a BN-Inception matched the baseline's accuracy in 14 times fewer training steps, and an ensemble beat the previous best result.

## The "internal covariate shift" story

The paper's explanation is that BN stops each layer's input distribution from drifting as earlier layers change. Later work (Santurkar et al., 2018) argues that is not really it, and that BN mainly makes the loss landscape smoother. The method works either way, but I would not repeat the original motivation as settled fact.

## Practical notes from medical imaging

- With 3D volumes we often fit a batch of **two**. Batch statistics are then so noisy that BN hurts; group or instance normalisation is the usual fix.
- Forgetting to switch the model to evaluation mode at inference is the classic BN bug: predictions then depend on what else is in the batch.
- Domain shift between scanners shows up directly in the running statistics; re-estimating them on target-site data is a cheap first thing to try.""",
    },
    # --- Attention Is All You Need ---------------------------------------------
    {
        "paper": "1706.03762",
        "author": "t_adeyemi",
        "visibility": "public",
        "anonymous": False,
        "source": r"""Recurrent encoder-decoders process a sentence one token at a time, which limits parallelism and makes long-range dependencies hard to learn. This paper removes recurrence entirely and builds the model from attention alone.

### Scaled dot-product attention

Each token produces a query, a key and a value vector. Stacking them into matrices $Q$, $K$, $V$:

$$
\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V
$$

Every output is a weighted average of values, with weights given by query–key similarity. The $\sqrt{d_k}$ keeps dot products from growing with dimension and pushing the softmax into regions with tiny gradients.

### Multi-head attention

Rather than one attention function, the model runs $h = 8$ of them in parallel on lower-dimensional projections and concatenates the results:

$$
\mathrm{head}_i = \mathrm{Attention}(Q W_i^Q, K W_i^K, V W_i^V)
$$

Different heads can track different relations, for example syntax in one head and coreference in another.

### The rest of the block

- Position-wise feed-forward layers between attention layers.
- Residual connections and layer normalisation around every sub-layer.
- Sinusoidal positional encodings added to the input, since attention by itself ignores order.
- Masking in the decoder so a position cannot attend to the future.

### Training details that matter

Adam (arXiv:1412.6980) with a warm-up schedule: the learning rate rises linearly for the first $w$ steps, then decays as $s^{-1/2}$ in the step number $s$, scaled by $d_{\mathrm{model}}^{-1/2}$. Label smoothing and dropout are also used. Students often skip these and then cannot reproduce the results.

### Why it matters

Self-attention connects any two positions in a single step, and every layer is a few large matrix products, which suits GPUs well. The base model trained in about half a day on eight GPUs and beat much more expensive systems on WMT 2014 English–German and English–French.

### Caveat

Cost grows quadratically with sequence length, which launched a whole subfield of efficient-attention variants.""",
    },
    {
        "paper": "1706.03762",
        "author": "lucia_f",
        "visibility": "public",
        "anonymous": False,
        "source": r"""I read this after the attention paper for translation \cite{journals/corr/BahdanauCB14}, and the jump is what made it click for me, so here is the undergrad version.

**Before:** an RNN reads the sentence word by word. Attention was an *add-on*: when producing each output word, the decoder looks back over the encoder's states.

**This paper:** what if attention is the *only* thing? Every word looks at every other word in the same sentence (that's "self-attention") and builds its new representation as a weighted mix of them. Do that in a stack of layers and you don't need the RNN at all.

Things that confused me at first, in case they confuse you too:

- **Queries, keys, values.** Think of a soft dictionary lookup. A word's query asks "what am I looking for?", every key answers "this is what I contain", and the match decides how much of each value to take.
- **Word order.** Without an RNN, the model can't tell "dog bites man" from "man bites dog"! So they add a position signal built from sine and cosine waves of different frequencies to each word embedding.
- **Multi-head.** Several attentions in parallel, each with its own learned projections, like having several people read the sentence looking for different things.
- **Why faster?** An RNN has to wait for step $t-1$ before step $t$. Here all positions are computed at once, so GPUs are happy.

What I found cool: the paper includes pictures of attention heads where one head clearly links "its" to the noun it refers to. Nobody told it to do that.

Honest caveat from a beginner: the paper is very dense. I had to read an annotated walkthrough alongside it to follow the encoder–decoder wiring.""",
    },
    # --- GAN ------------------------------------------------------------------
    {
        "paper": "1406.2661",
        "author": "mara_k",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## Setup

A generator $G$ maps noise $z \sim p_z$ to samples $G(z)$; a discriminator $D$ outputs the probability that its input is real. They play

$$
\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{\mathrm{data}}}\left[\log D(x)\right] + \mathbb{E}_{z \sim p_z}\left[\log\left(1 - D(G(z))\right)\right]
$$

$D$ is trained as an ordinary binary classifier; $G$ is trained to fool it, with gradients flowing through $D$ into $G$.

## The theory in two steps

**Step 1.** For a fixed $G$ with sample density $p_g$, the best discriminator is

$$
D^*(x) = \frac{p_{\mathrm{data}}(x)}{p_{\mathrm{data}}(x) + p_g(x)}
$$

**Step 2.** Plugging it in gives $C(G) = -\log 4 + 2\,\mathrm{JSD}\left(p_{\mathrm{data}} \,\|\, p_g\right)$, so the generator's game is minimising a Jensen–Shannon divergence, with global optimum at $p_g = p_{\mathrm{data}}$ where $D^* = 1/2$ everywhere.

Both results are in function space: they assume $D$ and $G$ can be anything and that $D$ is optimised to convergence at every step. Neither holds for real networks.

## The practical trick

Early in training $D$ easily rejects fakes, $\log(1 - D(G(z)))$ saturates and $G$ gets almost no gradient. The paper suggests training $G$ to *maximise* $\log D(G(z))$ instead, which has the same fixed point but strong gradients when $G$ is bad. Almost everyone uses this "non-saturating" loss.

## Why it mattered

No explicit density, no Markov chains, no approximate inference: sampling is one forward pass. That freedom is what later gave sharp, realistic images (DCGAN, StyleGAN), which likelihood-based models struggled with at the time.

## Caveats

- Training is a saddle-point search and can oscillate or collapse onto a few modes.
- There is no likelihood to report, so evaluation relies on sample quality metrics with their own problems.
- The original experiments (MNIST, TFD, CIFAR-10) look modest today; the paper's value is the framework.""",
    },
    {
        "paper": "1406.2661",
        "author": "lucia_f",
        "visibility": "public",
        "anonymous": False,
        "source": r"""The paper's own analogy is the best way in, so I'll borrow it: a team of **counterfeiters** (the generator) tries to print fake money, and the **police** (the discriminator) try to spot it. Each side gets better because the other does. When the police can no longer do better than a coin flip, the fakes are indistinguishable from real notes.

In ML terms:

- The generator takes random noise and turns it into, say, an image.
- The discriminator is a classifier: real image or generated?
- They're trained in alternation. The discriminator learns from its mistakes; the generator learns from the discriminator's gradients which direction would make its output look "more real".

What surprised me as a student:

1. **The generator never sees a real image directly.** Everything it learns about the data comes through the discriminator. That still feels like magic.
2. **No probabilities of images are computed.** Models I'd met before (like Gaussian mixtures) give you $p(x)$. A GAN can make samples but can't tell you how likely an image is.
3. **The maths has a clean answer** (the generator's best move is to match the data distribution exactly), but only if both networks could be perfect. Real training is much messier.

Problems I've read about since:

- *Mode collapse*: the generator finds a few outputs that fool the discriminator and just makes those.
- Training can be unstable and is very sensitive to architecture and learning rates.

The samples in the paper are small and blurry by today's standards, but this is the idea behind the "this person does not exist" faces, so it's definitely worth reading.""",
    },
    # --- VAE --------------------------------------------------------------------
    {
        "paper": "1312.6114",
        "author": "mara_k",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## Problem

We want a latent-variable model $p_\theta(x) = \int p_\theta(x \mid z)\, p(z)\, dz$ with a neural-network decoder. The integral and the posterior $p_\theta(z \mid x)$ are intractable, and classical variational inference would need a separate optimisation per data point.

## Two ideas

**1. Amortised inference.** Train an encoder $q_\phi(z \mid x)$ to output an approximate posterior for any $x$, and maximise the evidence lower bound (ELBO):

$$
\log p_\theta(x) \geq \mathbb{E}_{q_\phi(z \mid x)}\left[\log p_\theta(x \mid z)\right] - D_{\mathrm{KL}}\left(q_\phi(z \mid x) \,\|\, p(z)\right)
$$

The first term rewards reconstruction; the second keeps codes close to the prior.

**2. The reparameterisation trick.** Gradients with respect to $\phi$ of an expectation under $q_\phi$ are the hard part. Write the sample as a deterministic function of $\phi$ and independent noise:

$$
z = \mu_\phi(x) + \sigma_\phi(x) \odot \epsilon, \qquad \epsilon \sim \mathcal{N}(0, I)
$$

Now $\nabla_\phi \mathbb{E}_{\epsilon}\left[\log p_\theta(x \mid z)\right] = \mathbb{E}_{\epsilon}\left[\nabla_\phi \log p_\theta(x \mid z)\right]$, estimated with a single sample and ordinary back-propagation. Its variance is far lower than that of score-function (REINFORCE) estimators.

With a Gaussian encoder and a standard normal prior, the KL term is analytic:

$$
-D_{\mathrm{KL}} = \frac{1}{2} \sum_{j=1}^{J} \left(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\right)
$$

## Why it matters

The paper frames this generally (the SGVB estimator and AEVB algorithm); the VAE is one instance. The same trick powers a huge range of later work: semi-supervised models, normalising-flow posteriors, and the variational view of diffusion models.

## Caveats

- Samples from Gaussian-decoder VAEs on natural images are blurry, partly because of the decoder likelihood.
- With powerful decoders the KL term can push the posterior to equal the prior, so the latent code goes unused ("posterior collapse").
- The bound's gap depends on how flexible $q_\phi$ is; a diagonal Gaussian is a strong restriction.""",
    },
    {
        "paper": "1312.6114",
        "author": "lucia_f",
        "visibility": "private",
        "anonymous": False,
        "source": r"""**DRAFT, not ready, notes to myself**

Trying to understand the reparameterisation trick properly before I write this up.

What I think I understand:

- encoder gives $\mu$ and $\sigma$ for each input
- we can't backprop through "sample $z$ from $\mathcal{N}(\mu, \sigma^2)$" because sampling isn't a function of $\mu$ and $\sigma$ in the usual sense
- so write $z = \mu + \sigma \epsilon$ with $\epsilon \sim \mathcal{N}(0, 1)$, and now $z$ IS a normal function of $\mu$ and $\sigma$, and the randomness is an input

Then $\frac{\partial z}{\partial \mu} = 1$ and $\frac{\partial z}{\partial \sigma} = \epsilon$. OK that part is fine.

What I don't get yet:

- why is the score-function estimator so much worse? Need to actually try both on a toy problem (fit $\mu$ of a Gaussian?) and plot the variance.
- the ELBO derivation: I can do it with Jensen's inequality but the version with the KL between $q(z \mid x)$ and the true posterior is cleaner, want to write both.

$$
\log p(x) = \mathrm{ELBO} + D_{\mathrm{KL}}\left(q(z \mid x) \,\|\, p(z \mid x)\right)
$$

- does this work for discrete $z$? (I think no, and that's what Gumbel-softmax is for?)

TODO: ask Mara if her summary covers the "amortised" part, maybe link to it instead of repeating.""",
    },
    # --- TRPO -------------------------------------------------------------------
    {
        "paper": "1502.05477",
        "author": "hwkang",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**Problem.** Vanilla policy gradient is sensitive to step size: one large update can wreck a policy, and then the data collected with it is useless. A step size in parameter space says little about how much the *behaviour* changes.

**Idea.** Maximise a surrogate of the policy's improvement, subject to a bound on how far the new policy's action distributions move from the old one's:

$$
\max_\theta \; \mathbb{E}_{s, a \sim \pi_{\theta_{\mathrm{old}}}}\left[\frac{\pi_\theta(a \mid s)}{\pi_{\theta_{\mathrm{old}}}(a \mid s)} A_{\theta_{\mathrm{old}}}(s, a)\right]
$$

$$
\mathrm{subject\ to} \quad \mathbb{E}_{s}\left[D_{\mathrm{KL}}\left(\pi_{\theta_{\mathrm{old}}}(\cdot \mid s) \,\|\, \pi_\theta(\cdot \mid s)\right)\right] \leq \delta
$$

**Theory.** Building on Kakade and Langford's conservative policy iteration, they prove that the true return $\eta$ satisfies $\eta(\tilde{\pi}) \geq L_\pi(\tilde{\pi}) - C \cdot D_{\mathrm{KL}}^{\max}(\pi, \tilde{\pi})$. Maximising the right side gives monotonic improvement. In practice the penalty coefficient $C$ is far too conservative, so they switch to a constraint, and use the *average* KL instead of the max. The guarantee does not survive those approximations, but the intuition does.

**Solving it.**

- Linearise the objective, quadratic-approximate the KL: the step direction is $F^{-1} g$ with $F$ the Fisher information matrix. So this is natural policy gradient with a principled step size.
- Never form $F$. Use conjugate gradient with Fisher-vector products (cheap via automatic differentiation).
- Backtracking line search to make sure the KL constraint holds and the surrogate improves.

**Results.** Robust learning on MuJoCo swimming, hopping and walking with the same $\delta$; competitive Atari from pixels.

**Caveats.**

- Second-order machinery is fiddly to implement and does not combine easily with shared policy and value networks or with dropout.
- Sample efficiency is still poor compared with off-policy methods.
- PPO later got most of the benefit with a first-order clipped objective. Read both.""",
    },
    # --- DQN (2013) ---------------------------------------------------------------
    {
        "paper": "1312.5602",
        "author": "hwkang",
        "visibility": "public",
        "anonymous": False,
        "source": r"""The workshop paper that started deep RL. The Nature 2015 version is the one most people cite, but this is where the recipe first appears.

**Setup.** Input: the last four Atari frames, downsampled to $84 \times 84$ greyscale. Output: one Q-value per action. Same network and hyperparameters for every game; rewards clipped to their sign.

**Loss.** Standard Q-learning regression towards a bootstrapped target:

$$
L_i(\theta_i) = \mathbb{E}_{s, a, r, s'}\left[\left(r + \gamma \max_{a'} Q(s', a'; \theta_{i-1}) - Q(s, a; \theta_i)\right)^2\right]
$$

**What makes it work.**

- **Experience replay.** Store transitions $(s, a, r, s')$ in a buffer of a million, train on random minibatches. Breaks the correlation between consecutive samples and reuses data.
- **Convolutional features learned end to end.** No hand-crafted state representation.
- $\epsilon$-greedy exploration annealed from 1 to 0.1.

Note the target uses the previous iteration's parameters in the derivation, but there is no separate, periodically frozen **target network** yet. That arrives in the Nature paper and matters a lot for stability.

**Results.** Seven games. Better than prior RL methods on six; better than an expert human on Breakout, Enduro and Pong.

**Caveats.**

- Max over noisy estimates gives systematic overestimation (fixed later by Double DQN).
- Very sample-hungry: millions of frames per game.
- Seven games is a small benchmark; the "human-level" claim was only properly tested at 49 games in 2015.

Still a great read: short, clear, and you can see exactly which pieces were new.""",
    },
    # --- MuZero ---------------------------------------------------------------------
    {
        "paper": "1911.08265",
        "author": "hwkang",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**Question.** AlphaZero needs a perfect simulator (the game rules) for tree search. Can you plan just as well with a learned model, and also handle domains like Atari where no simulator is given?

**Answer.** Yes, if the model only predicts what planning needs. Three learned functions:

- representation: $s^0 = h_\theta(o_1, \dots, o_t)$ encodes past observations into a hidden state;
- dynamics: $r^k, s^k = g_\theta(s^{k-1}, a^k)$ predicts reward and next hidden state;
- prediction: $p^k, v^k = f_\theta(s^k)$ gives policy and value.

MCTS runs entirely in hidden-state space. Training unrolls the model $K$ steps along real trajectories and matches predicted rewards, values (n-step returns) and policies (MCTS visit counts).

**Key design choice.** The hidden state is *not* trained to reconstruct observations. It only has to be useful for predicting value, reward and policy. This sidesteps the usual failure of model-based RL: spending capacity modelling irrelevant pixels.

**Results.**

- Matches AlphaZero in Go, chess and shogi without knowing the rules.
- New state of the art on the 57-game Atari suite, beating model-free agents like R2D2.
- A reduced-data variant is notably more sample-efficient on Atari.

**Caveats.**

- Enormous compute: TPUs for self-play and training; not reproducible for most labs.
- Deterministic dynamics model; stochastic environments need extensions (later work addresses this).
- "Learned model" is a bit generous: it's a value-equivalent latent model, not something you can inspect or use for other tasks.

Conceptually one of the cleanest model-based RL results.""",
    },
    # --- seq2seq ---------------------------------------------------------------------
    {
        "paper": "1409.3215",
        "author": "t_adeyemi",
        "visibility": "public",
        "anonymous": False,
        "source": r"""Historically important for showing that a *generic* neural architecture, with no linguistic machinery, could translate competitively.

### The model

An encoder LSTM reads the source sentence and its final state becomes a fixed-length vector $v$. A decoder LSTM, initialised from $v$, generates the target one word at a time:

$$
p(y_1, \dots, y_{T'} \mid x_1, \dots, x_T) = \prod_{t=1}^{T'} p(y_t \mid v, y_1, \dots, y_{t-1})
$$

Both are deep (four layers, 1000 units each) and trained end-to-end to maximise the log-probability of correct translations. Decoding uses a small beam search.

### The surprising trick

**Reverse the source sentence.** Feeding "c b a" instead of "a b c" puts the first source words close to the first target words, creating many short-range dependencies that make optimisation easier. BLEU on WMT 2014 English–French went from 25.9 to 30.6 with this change alone. It is a hack, but an instructive one: it tells us the model struggled with long paths between related tokens.

### Results

An ensemble reached 34.8 BLEU, beating a phrase-based baseline (33.3), and using the LSTM to rescore the baseline's candidate lists reached 36.5. The learned sentence vectors cluster by meaning and are sensitive to word order, as the PCA plots show.

### Why it matters, and its limit

Together with Cho et al.'s encoder–decoder of the same year, this established the sequence-to-sequence template used for translation, summarisation, speech and more. Its limitation is the single fixed vector: everything about a long sentence must fit through one bottleneck. That is exactly the problem attention (Bahdanau et al.) addressed a few months later, and it is the natural next paper to read.""",
    },
    # --- Bahdanau attention ------------------------------------------------------------
    {
        "paper": "1409.0473",
        "author": "lucia_f",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**The problem it fixes:** in a plain encoder–decoder translator, the whole source sentence is squashed into one vector. For long sentences that's just too much to remember, and translation quality drops off a cliff after about 20–30 words.

**The fix:** keep *all* the encoder states $h_1, \dots, h_{T_x}$ (one per source word, from a bidirectional RNN so each sees both left and right context). When the decoder produces word $i$, it computes a fresh summary of the source, the *context vector* $c_i$:

$$
e_{ij} = a(s_{i-1}, h_j)
$$

$$
\alpha_{ij} = \frac{\exp(e_{ij})}{\sum_{k=1}^{T_x} \exp(e_{ik})}, \qquad c_i = \sum_{j=1}^{T_x} \alpha_{ij} h_j
$$

Here $s_{i-1}$ is the decoder's previous state and $a$ is a tiny neural network scoring how well source position $j$ matches what the decoder needs right now. The softmax turns the scores into weights that sum to 1, so $c_i$ is a weighted average of encoder states.

**Why I like it:**

- The alignment is learned with no alignment labels at all. It's just trained end-to-end for translation.
- You can *look* at the weights $\alpha_{ij}$. The paper's heat-maps are mostly diagonal, but for French adjective–noun order ("zone économique européenne" for "European Economic Area") the weights cross over correctly.
- Performance stays flat as sentences get longer instead of collapsing.

**Caveat:** computing $\alpha_{ij}$ for every pair of positions costs $T_x \times T_y$ per sentence, fine for translation, but this grows for long inputs.

This is the ancestor of the attention in Transformers, so I'd read it first.""",
    },
    # --- word2vec ----------------------------------------------------------------------
    {
        "paper": "1310.4546",
        "author": "devin_ships",
        "visibility": "public",
        "anonymous": False,
        "source": r"""This is the paper behind "word2vec" as people actually use it: skip-gram plus the tricks that made it fast.

**Skip-gram in one line:** learn a vector $v_w$ for each word (and a separate "output" vector $u_w$) so that a word predicts the words around it.

**Negative sampling.** The full softmax over a million-word vocabulary is far too slow. Instead, for each real (input word, context word) pair, draw $k$ random "noise" words and train a logistic classifier to tell them apart:

$$
\log \sigma\left(u_{w_O}^\top v_{w_I}\right) + \sum_{i=1}^{k} \mathbb{E}_{w_i \sim P_n(w)}\left[\log \sigma\left(-u_{w_i}^\top v_{w_I}\right)\right]
$$

with $k$ between 2 and 20, and noise drawn from the unigram distribution raised to the power $3/4$, i.e. $P_n(w) \propto U(w)^{3/4}$. The $3/4$ is purely empirical and it works.

**Subsampling frequent words.** Each occurrence of word $w$ is discarded with probability $1 - \sqrt{t / f(w)}$, where $f(w)$ is its frequency and $t \approx 10^{-5}$. Fewer "the"/"of" pairs, faster training, better vectors for rare words.

**Phrases.** Score bigrams by how much more often they co-occur than chance and merge them into tokens ("New_York", "Air_Canada") before training.

**Why I still use it in production (yes, really)**

- Trains on a laptop over product catalogues, search logs or shipment descriptions in minutes.
- Vectors are tiny and fast to serve; great features for ranking and for nearest-neighbour lookups.
- Item2vec-style tricks (treat user sessions as "sentences") come straight from this paper.

**Caveats:** one vector per word, so no handling of ambiguity ("bank"); vectors absorb the biases of the corpus; the famous analogy results are cherry-picked and fragile. For anything involving sentence meaning, use a contextual model.""",
    },
    # --- BERT ----------------------------------------------------------------------------
    {
        "paper": "1810.04805",
        "author": "devin_ships",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**TL;DR** Take the Transformer encoder \cite{journals/corr/VaswaniSPUJGKP17}, pre-train it on a lot of raw text with a fill-in-the-blanks game, then fine-tune the whole thing on your task. This recipe replaced most task-specific NLP architectures almost overnight.

**Pre-training tasks**

1. **Masked language model.** Pick 15% of tokens; of those, replace 80% with `[MASK]`, 10% with a random token, and leave 10% unchanged. Predict the originals. Because the model sees both left and right context, representations are truly bidirectional, unlike a left-to-right LM.
2. **Next sentence prediction.** Given two segments, predict whether the second really followed the first. (Later work, RoBERTa in particular, found this task unnecessary.)

**Fine-tuning**

- Classification: put a linear layer on the `[CLS]` token.
- Span tasks like SQuAD: predict start and end positions over the tokens.
- A few epochs, small learning rate, done. Same pre-trained weights for everything.

**Why it mattered for practitioners**

- A strong baseline for any text classification problem with a few thousand labelled examples. That is most industrial NLP.
- The released checkpoints plus the Hugging Face ecosystem made it a one-afternoon job.

**Things to watch**

- 512-token limit; long documents need chunking.
- BERT-base is ~110M parameters, which is heavy for CPU latency budgets. Distilled or smaller variants are often the right trade.
- It is an encoder: great for understanding, not for generating text.
- Fine-tuning runs are surprisingly unstable on small datasets; run a few seeds.""",
    },
    # --- GPT-3 -------------------------------------------------------------------------------
    {
        "paper": "2005.14165",
        "author": "lucia_f",
        "visibility": "public",
        "anonymous": False,
        "source": r"""The headline: train a *really* big language model (175 billion parameters) to predict the next word, and it can do new tasks just from instructions and a few examples in its prompt, with no fine-tuning and no gradient updates.

**The three settings they test:**

- *Zero-shot:* just a description ("Translate English to French:") and the input.
- *One-shot:* the description plus one worked example.
- *Few-shot:* the description plus as many examples as fit in the 2048-token context (usually 10 to 100).

They call this **in-context learning**. The "learning" happens only inside one forward pass; the weights never change.

**What I found most interesting:**

- They trained eight sizes, from 125M up to 175B parameters, and most abilities grow smoothly with size. The gap between zero-shot and few-shot also widens with size, so bigger models are better at using examples.
- Some results are close to fine-tuned models (e.g. some question-answering tasks); others, like some reading comprehension and natural-language-inference tasks, stay weak.
- People could barely tell its generated news articles from real ones.

**Caveats the paper itself discusses** (this section is really worth reading):

- **Contamination:** the training data is a big chunk of the internet, so some benchmark test sets were probably in it. They try to measure the effect.
- **Cost:** training used an enormous amount of compute, which almost nobody can reproduce.
- **Bias:** they probe gender, race and religion associations and find plenty of problems.
- It still makes simple mistakes and repeats itself in long texts.

It's 75 pages, but the first 10 and the limitations section give you most of it.""",
    },
    # --- U-Net ---------------------------------------------------------------------------------
    {
        "paper": "1505.04597",
        "author": "ines_w",
        "visibility": "public",
        "anonymous": False,
        "source": r"""I have trained more U-Nets than any other architecture, so this one is personal.

## The architecture

- **Contracting path:** repeated two $3\times3$ convs + ReLU, then $2\times2$ max pooling, doubling the channels each time. Captures context ("what is this region?").
- **Expanding path:** upsample, halve the channels, then *concatenate* the feature map from the same level of the contracting path, then two convs. Recovers precise localisation ("exactly where is the boundary?").
- The skip connections are the point: the decoder gets high-resolution detail directly instead of reconstructing it from the bottleneck.

Drawn out, it is a U, hence the name.

## Tricks that made it work with ~30 images

- **Elastic deformations** as augmentation. Cells and tissue deform smoothly, so random smooth warps produce realistic new training images. This is the main reason it works with so little data.
- **Overlap-tile strategy** with mirrored borders, so arbitrarily large images can be segmented tile by tile with full context.
- **Weighted loss** that up-weights the thin background gaps between touching cells, so the network learns to separate them.

## Results

Won the ISBI 2015 cell-tracking challenge on two datasets by a large margin, and beat the earlier sliding-window network on EM neuron segmentation while being much faster.

## Practical notes

- The original uses *unpadded* convolutions, so the output is smaller than the input. Almost every modern implementation pads and adds batch or group norm; don't be confused when the numbers don't match the paper.
- For 3D volumes the same idea carries over directly (3D U-Net, V-Net).
- Before trying a fancy new segmentation model, tune a U-Net properly. The nnU-Net work showed that a well-configured plain U-Net is still very hard to beat in medical imaging.""",
    },
    # --- YOLO -------------------------------------------------------------------------------------
    {
        "paper": "1506.02640",
        "author": "ines_w",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## The idea

Earlier detectors first propose regions, then classify each one: several stages, each trained separately, and slow. YOLO predicts everything in one forward pass.

Split the image into an $S \times S$ grid. Each cell predicts $B$ boxes (centre, width, height, confidence) and one set of $C$ class probabilities, so the output is a tensor of size

$$
S \times S \times (5B + C)
$$

With $S = 7$, $B = 2$ and $C = 20$ for PASCAL VOC, that is $7 \times 7 \times 30$. The cell containing an object's centre is responsible for detecting it. Training is one sum-of-squared-errors loss with weights for coordinates, confidences and classes, including square roots on widths and heights so errors on small boxes count more.

## What you get

- **Speed:** 45 frames per second for the full model, 155 for a smaller "Fast YOLO", at a time when accurate detectors ran at a few frames per second.
- **Global context:** the network sees the whole image, so it makes far fewer false detections on background than region-based methods.
- Generalises better to artwork (Picasso, People-Art datasets) than the competitors.

## Limitations

- Each cell predicts only one class and two boxes, so **small objects in groups** (flocks of birds, crowds) are a problem.
- Coarse features mean **worse localisation** than Faster R-CNN; accuracy on VOC was clearly lower than the best two-stage detectors.
- Odd aspect ratios not seen in training are hard.

## Where it went

Later versions added anchors, multi-scale predictions and much better backbones, and the family became the default real-time detector. For the medical side, I'd use it for fast "find the device / find the marker" tasks, not for precise lesion boundaries.""",
    },
    # --- Layer Norm (unlisted) ------------------------------------------------------------------------
    {
        "paper": "1607.06450",
        "author": "mara_k",
        "visibility": "unlisted",
        "anonymous": False,
        "source": r"""Batch normalisation \cite{journals/corr/IoffeS15} normalises each unit over the mini-batch. That is awkward for recurrent networks (different statistics per time step, variable lengths) and useless with batch size one. Layer normalisation computes the statistics over the **units of a layer** instead, for a single example.

For the $H$ summed inputs $a_i$ of a layer:

$$
\mu = \frac{1}{H} \sum_{i=1}^{H} a_i, \qquad \sigma = \sqrt{\frac{1}{H} \sum_{i=1}^{H} \left(a_i - \mu\right)^2}
$$

$$
h_i = f\left(\frac{g_i}{\sigma} \left(a_i - \mu\right) + b_i\right)
$$

with learned gain $g$ and bias $b$, and nonlinearity $f$. In an RNN the same is applied to the summed inputs at every time step.

**Properties**

- No dependence on other examples, so identical behaviour at training and test time, and no running averages to keep.
- Invariant to rescaling and recentring of a layer's weight matrix and to rescaling of a single input example (the paper has a tidy table comparing invariances of batch, weight and layer norm).
- The paper also analyses the geometry: normalisation implicitly shrinks the effective learning rate as weight norms grow.

**Experiments** are all recurrent or fully connected: order embeddings, reading comprehension, skip-thought vectors, handwriting generation, permutation-invariant MNIST. It speeds up training noticeably in RNNs. On convolutional nets it is *worse* than batch norm, which the authors report honestly.

**Why it matters more than the paper suggests:** it became the normalisation inside every Transformer. (Where to put it, before or after the residual addition, turned out to matter a lot for stability in deep Transformers.)""",
    },
    # --- DenseNet ---------------------------------------------------------------------------------------
    {
        "paper": "1608.06993",
        "author": "ines_w",
        "visibility": "public",
        "anonymous": False,
        "source": r"""ResNets \cite{journals/corr/HeZRS15} *add* a block's input to its output. DenseNets take the other obvious option and *concatenate*: within a dense block, layer $\ell$ receives the feature maps of all preceding layers,

$$
x_\ell = H_\ell\left(\left[x_0, x_1, \dots, x_{\ell - 1}\right]\right)
$$

where $H_\ell$ is BN–ReLU–conv and $[\cdot]$ is channel concatenation. A block with $L$ layers therefore has $L(L+1)/2$ direct connections.

**Growth rate.** Each layer adds only $k$ new channels (e.g. $k = 12$ or $32$). Layers can be very narrow because they can read everything computed before them: the block's features act as a shared "collective knowledge".

**Keeping it manageable**

- Transition layers ($1\times1$ conv and $2\times2$ average pooling) between blocks downsample and can compress channels by a factor $\theta < 1$.
- Bottleneck $1\times1$ convs before each $3\times3$ conv.

**Results.** On CIFAR and SVHN, better error rates than ResNets with a fraction of the parameters; on ImageNet, DenseNet-201 is comparable to ResNet-101 with about half the parameters.

**Why it helps:** every layer gets direct supervision from the loss through short paths (a kind of implicit deep supervision), features are reused instead of relearned, and small datasets overfit less.

**Caveats from practice**

- Parameter count is low but **memory** is not: naive implementations store every concatenation, so activation memory grows quadratically with block depth. Memory-efficient implementations recompute instead.
- Many concatenations and narrow layers are slower on GPUs than parameter counts suggest.
- In my segmentation work, dense blocks inside U-Net-like models helped on small datasets but rarely justified the extra memory on larger ones.""",
    },
    # --- mixup ------------------------------------------------------------------------------------------
    {
        "paper": "1710.09412",
        "author": "devin_ships",
        "visibility": "public",
        "anonymous": False,
        "source": r"""About ten lines of code for a reliable accuracy gain. Those are my favourite papers.

**The method.** Take two random training examples $(x_i, y_i)$ and $(x_j, y_j)$, with one-hot labels, and train on their blend:

$$
\tilde{x} = \lambda x_i + (1 - \lambda) x_j, \qquad \tilde{y} = \lambda y_i + (1 - \lambda) y_j
$$

where $\lambda \sim \mathrm{Beta}(\alpha, \alpha)$ with $\alpha$ around 0.1 to 0.4. In practice you just shuffle the batch and mix it with itself. The image is literally a transparent overlay of two images, and the target says "70% cat, 30% truck".

**Why it should help.** Ordinary training (empirical risk minimisation) only constrains the model *at* the training points. mixup asks it to behave linearly *between* them, a cheap prior that discourages wild behaviour and overconfidence away from the data. The paper frames it as vicinal risk minimisation with a data-agnostic vicinity.

**Reported gains**

- ImageNet and CIFAR error down by about a point for ResNet-style models.
- Much better robustness to corrupted labels: the network memorises noisy labels far less.
- Improved robustness to some adversarial examples and steadier GAN training.
- Also works on speech and tabular data.

**My experience**

- Reliable small gain on image classification; also noticeably better **calibration**, which matters when downstream logic thresholds on confidence.
- Needs longer training: the task is harder, so the same epoch budget can underfit.
- With heavy label imbalance, mix carefully; rare classes can be diluted.
- For detection and segmentation, variants like CutMix make more sense than blending whole images.

Optimiser is not the point here; they use SGD, but it works the same with Adam (arXiv:1412.6980) in my setups.""",
    },
    # --- Deep Image Prior -----------------------------------------------------------------------------------
    {
        "paper": "1711.10925",
        "author": "ines_w",
        "visibility": "public",
        "anonymous": False,
        "source": r"""One of those papers that changes how you think about why CNNs work.

## The setup

Take a single corrupted image $x_0$ (noisy, with holes, or low resolution). Take a randomly initialised encoder–decoder network $f_\theta$ and a fixed random input $z$. Fit the network so its output explains the corrupted image:

$$
\theta^* = \arg\min_{\theta} E\left(f_\theta(z); x_0\right), \qquad x^* = f_{\theta^*}(z)
$$

For denoising, $E$ is just $\lVert f_\theta(z) - x_0 \rVert^2$; for inpainting, the same but masked to known pixels; for super-resolution, compare a downsampled output with $x_0$.

No training set. No pre-training. Just one image and gradient descent.

## Why this works at all

Given enough iterations, the network will fit anything, noise included. But it fits natural image structure **much faster** than noise: smooth regions, edges and repeated textures come out first, and the noise only much later. Stop early and you get a clean image. The convolutional architecture itself is the prior.

## Results

Competitive with learned methods on denoising and super-resolution, and impressive inpainting of large holes, all without any data. It also gives a neat tool for inspecting what other networks "see" by inverting their features.

## Caveats

- **Slow:** thousands of iterations per image, minutes on a GPU.
- **When to stop** is a hyperparameter with no principled answer for real data; too late and the noise returns.
- Results depend a lot on the architecture chosen, which is somewhat the point, but makes it finicky.

I have tried it on low-dose CT slices: nice as a baseline and a teaching demo, not something we would deploy.""",
    },
    # --- Neural ODEs ----------------------------------------------------------------------------------------
    {
        "paper": "1806.07366",
        "author": "mara_k",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## From ResNets to ODEs

A residual block updates a hidden state as $h_{t+1} = h_t + f(h_t, \theta_t)$: an Euler step of size one. Take infinitely many infinitely small steps and you get an ODE

$$
\frac{dh(t)}{dt} = f(h(t), t, \theta)
$$

The output is $h(T)$, computed by any black-box ODE solver starting from $h(0) = x$. "Depth" becomes integration time, and the solver chooses how many function evaluations it needs.

## Back-propagating through the solver

Differentiating through the solver's internal steps costs memory proportional to their number. Instead, the paper uses the **adjoint method**. Define $a(t) = \partial L / \partial h(t)$; it obeys another ODE,

$$
\frac{da(t)}{dt} = -a(t)^\top \frac{\partial f(h(t), t, \theta)}{\partial h}
$$

solved backwards from $T$ to $0$ together with $h(t)$ itself, while accumulating

$$
\frac{dL}{d\theta} = -\int_{T}^{0} a(t)^\top \frac{\partial f(h(t), t, \theta)}{\partial \theta} \, dt
$$

Memory cost is constant in "depth", and vector–Jacobian products come from ordinary autodiff.

## Applications in the paper

**Continuous normalising flows.** For $dz/dt = f(z(t), t)$ the log-density evolves by the *trace* of the Jacobian instead of a log-determinant:

$$
\frac{\partial \log p(z(t))}{\partial t} = -\mathrm{tr}\left(\frac{\partial f}{\partial z(t)}\right)
$$

so the architecture of $f$ is unrestricted. The paper also shows:

- **Latent ODE time-series models** that handle irregularly sampled observations naturally.
- ODE-Net classifiers on MNIST with fewer parameters than a ResNet.

## Caveats

- The number of function evaluations tends to grow during training, so models get slower; regularising the dynamics is an active topic.
- The backward adjoint solve does not exactly retrace the forward trajectory; numerical error in the gradients can matter.
- The classification results are on MNIST; the interesting wins are in density modelling and time series, not accuracy benchmarks.""",
    },
    # --- Transformer-XL -----------------------------------------------------------------------------------------
    {
        "paper": "1901.02860",
        "author": "t_adeyemi",
        "visibility": "public",
        "anonymous": False,
        "source": r"""A vanilla Transformer language model is trained on fixed-length segments cut from a long text, with no information flowing between segments. The authors call the result **context fragmentation**: the first tokens of a segment are predicted with almost no context, and the model can never learn dependencies longer than the segment. Evaluation is also slow, because the window slides one token at a time and recomputes everything.

### Segment-level recurrence

When processing a segment, cache the hidden states of every layer from the previous segment and let the current segment attend to them (without back-propagating into the cache). Information can then propagate across many segments, one layer per segment, so the effective context grows with depth times segment length. It is recurrence, but at the level of segments rather than tokens, so all the parallelism of attention within a segment is kept.

### Relative positional encodings

Reusing states breaks absolute positional encodings: position 3 of the old segment and position 3 of the new one would look identical. So the attention score is re-derived to depend on the *distance* between query and key, with separate learned terms for content-based and position-based addressing. This is the more lasting contribution, in my view; relative position schemes are now standard.

### Results

- State-of-the-art perplexity at the time on WikiText-103, enwik8, text8, One Billion Word and Penn Treebank.
- Their measured effective context length is roughly 80% longer than that of RNNs and 450% longer than that of vanilla Transformers.
- Evaluation is more than a thousand times faster than the sliding-window baseline on enwik8, since states are reused rather than recomputed.

### For students

A good example of combining ideas from two model families: the memory of RNNs and the parallelism of attention. It also led directly to XLNet. A caveat: the cache grows memory use, and gradients still stop at the segment boundary, so very long dependencies are learned only indirectly.""",
    },
    # --- CLIP ------------------------------------------------------------------------------------------------------
    {
        "paper": "2103.00020",
        "author": "devin_ships",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**What it does.** Train an image encoder $f$ and a text encoder $g$ on 400 million (image, caption) pairs scraped from the web, so that each image lands near its own caption and far from the others in the batch.

For a batch of $N$ pairs with L2-normalised embeddings, compute all pairwise similarities

$$
S_{ij} = \frac{f(x_i)^\top g(t_j)}{\tau}
$$

and apply cross-entropy in both directions, images-to-texts over rows and texts-to-images over columns, with the correct pair on the diagonal. $\tau$ is a learned temperature. Batches are huge (32,768), which gives lots of negatives for free.

**Zero-shot classification.** To classify into labels, embed prompts like "a photo of a {label}." with the text encoder and pick the label whose embedding is closest to the image. No training on the target dataset. The best model matches the original ResNet-50's ImageNet accuracy (76.2% top-1) without using any of the 1.28M ImageNet training labels.

**Why engineers love it**

- Instant classifiers from a list of strings. Great for prototyping and for weak labelling.
- Image–text retrieval and deduplication out of the box.
- Much more robust to distribution shift (sketches, renditions) than ImageNet-trained models.
- The embeddings are a strong starting point for linear probes.

**Gotchas**

- Prompt wording matters: averaging over dozens of prompt templates gains several points.
- Weak on fine-grained or abstract tasks: counting objects, distances, specialised domains; surprisingly bad on handwritten digits.
- The web data brings the web's biases; the paper's own analysis of misclassification into offensive categories is sobering.
- Training from scratch is out of reach for almost everyone; you will use released weights.""",
    },
    # --- DDPM ----------------------------------------------------------------------------------------------------------
    {
        "paper": "2006.11239",
        "author": "mara_k",
        "visibility": "public",
        "anonymous": False,
        "source": r"""## Forward process: destroy the data

Fix a schedule $\beta_1, \dots, \beta_T$ (linear from $10^{-4}$ to $0.02$, $T = 1000$) and add a little Gaussian noise at every step:

$$
q(x_t \mid x_{t-1}) = \mathcal{N}\left(x_t; \sqrt{1 - \beta_t}\, x_{t-1}, \beta_t I\right)
$$

With $\alpha_t = 1 - \beta_t$ and $\bar{\alpha}_t = \prod_{s=1}^{t} \alpha_s$, any step can be sampled in closed form:

$$
x_t = \sqrt{\bar{\alpha}_t}\, x_0 + \sqrt{1 - \bar{\alpha}_t}\, \epsilon, \qquad \epsilon \sim \mathcal{N}(0, I)
$$

By $t = T$ the sample is essentially pure noise.

## Reverse process: learn to undo it

A network parameterises Gaussian reverse steps $p_\theta(x_{t-1} \mid x_t)$. Training maximises a variational bound, like a VAE with $T$ fixed, parameter-free encoder layers. The key choice of this paper is to parameterise the mean through a **noise predictor** $\epsilon_\theta(x_t, t)$. The bound then becomes a weighted sum of denoising errors, and dropping the weights gives

$$
L_{\mathrm{simple}} = \mathbb{E}_{t, x_0, \epsilon}\left[\lVert \epsilon - \epsilon_\theta\left(\sqrt{\bar{\alpha}_t}\, x_0 + \sqrt{1 - \bar{\alpha}_t}\, \epsilon, t\right) \rVert^2\right]
$$

Pick a random time step, noise an image, ask a U-Net to predict the noise. That's the whole training loop.

## Why it matters

- This loss is denoising score matching over many noise levels, and sampling is like annealed Langevin dynamics; the paper makes that connection explicit.
- Unconditional CIFAR-10: FID 3.17, Inception score 9.46, better than most GANs at the time, with stable, non-adversarial training and no mode collapse.
- It is the starting point for today's image-generation systems.

## Caveats

- Sampling takes $T = 1000$ network evaluations; much later work reduces this.
- Log-likelihoods are only competitive, not state of the art; the simplified loss trades likelihood for sample quality.
- The fixed variances and linear schedule were later improved (learned variances, cosine schedule).""",
    },
    # --- ViT ----------------------------------------------------------------------------------------------------------
    {
        "paper": "2010.11929",
        "author": "ines_w",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**The idea:** use the standard Transformer encoder from NLP \cite{journals/corr/VaswaniSPUJGKP17} on images with as few changes as possible.

1. Cut an $H \times W$ image into $P \times P$ patches (here $P = 16$), giving $N = HW / P^2$ patches: 196 for a $224 \times 224$ image.
2. Flatten each patch and map it linearly to a $D$-dimensional token.
3. Prepend a learned `[class]` token, add learned position embeddings.
4. Run a plain Transformer encoder; classify from the final `[class]` token.

There are no convolutions beyond the patch embedding and no built-in notion of locality or translation equivariance. The model has to learn those from data.

**The catch (and the main finding):** trained on ImageNet alone, ViT does worse than a comparable ResNet. Pre-trained on ImageNet-21k (14M images) or JFT-300M (300M images) and then fine-tuned, it matches or beats the best convolutional networks on ImageNet, CIFAR and the VTAB suite, and takes less compute to pre-train. In the authors' words, large-scale training trumps inductive bias.

**Nice analyses**

- Learned position embeddings end up encoding 2D structure (rows and columns) on their own.
- Some heads attend globally already in the lowest layers; others stay local, a bit like early convolutions.
- Attention distance grows with depth.

**My caveats for medical imaging**

- We rarely have hundreds of millions of images. Use pre-trained weights, or hybrid convolutional stems, or data-efficient training recipes.
- Compute grows quadratically with the number of patches, which hurts on large 2D and especially 3D scans.
- Fixed patch size and position embeddings need interpolation when resolution changes at fine-tuning time; the paper handles this with 2D interpolation.""",
    },
    # --- Distillation (anonymous) ---------------------------------------------------------------------------------------
    {
        "paper": "1503.02531",
        "author": "hwkang",
        "visibility": "public",
        "anonymous": True,
        "source": r"""**Goal.** Deploy the accuracy of a big model or ensemble in a small, fast one.

**Key observation.** A trained classifier's *wrong-class* probabilities carry information. A "2" that the teacher thinks is slightly "7"-like tells you about the similarity structure of the data. This is the "dark knowledge" a hard label throws away.

**Method.** Raise the softmax temperature $T$ so those small probabilities become visible:

$$
q_i = \frac{\exp(z_i / T)}{\sum_j \exp(z_j / T)}
$$

Train the student on a weighted sum of two losses: cross-entropy to the teacher's soft targets at temperature $T$, and ordinary cross-entropy to the true labels at $T = 1$. The soft-target gradients scale as $1/T^2$, so multiply that loss by $T^2$ to keep the balance stable when changing $T$.

In the high-temperature limit, matching soft targets is equivalent to matching logits, $\frac{1}{2}(z_i - v_i)^2$, which connects to earlier model-compression work.

**Results.**

- MNIST: a small net trained on soft targets makes far fewer errors than the same net trained on hard labels. Even with all "3"s removed from the transfer set it gets most test "3"s right.
- Speech recognition: a single distilled model recovers most of the gain of a 10-model ensemble.
- Very large dataset (JFT): "specialist" models trained on confusable class subsets, combined with a generalist.

**Caveats.**

- Temperature and loss weight need tuning.
- The specialist part is less used today; the soft-target loss is what everyone took away.
- Why distillation works so well is still only partly understood; students sometimes even beat teachers.""",
    },
    # --- PPO ------------------------------------------------------------------------------------------------------------
    {
        "paper": "1707.06347",
        "author": "hwkang",
        "visibility": "public",
        "anonymous": False,
        "source": r"""**Motivation.** TRPO \cite{journals/corr/SchulmanLMJA15} keeps policy updates small with a KL constraint, but needs conjugate gradient and a line search. Can you get the same stability with plain SGD?

**Clipped objective.** With probability ratio $r_t(\theta) = \pi_\theta(a_t \mid s_t) / \pi_{\theta_{\mathrm{old}}}(a_t \mid s_t)$ and advantage estimate $\hat{A}_t$:

$$
L^{\mathrm{CLIP}}(\theta) = \hat{\mathbb{E}}_t\left[\min\left(r_t(\theta) \hat{A}_t, \; \mathrm{clip}\left(r_t(\theta), 1 - \epsilon, 1 + \epsilon\right) \hat{A}_t\right)\right]
$$

with $\epsilon = 0.2$. Taking the minimum makes it a pessimistic bound: moving the ratio outside $[1 - \epsilon, 1 + \epsilon]$ never increases the objective, but a change that makes things worse is still fully penalised. So there is no incentive to take large steps.

**Algorithm.** Collect $T$ steps with $N$ parallel actors, compute advantages with GAE, then run $K$ epochs of minibatch Adam on the clipped loss plus a value-function loss and an entropy bonus. Reusing each batch for several epochs is what plain policy gradient cannot do safely.

**Also in the paper.** An adaptive KL-penalty variant, which works but worse than clipping.

**Results.** Better than or equal to TRPO, A2C and others on MuJoCo; strong on Atari relative to A2C and ACER, with much simpler code.

**Caveats.**

- The clip does not actually bound the KL; policies can still drift far in some states.
- Performance depends heavily on "implementation details" not in the paper: observation and reward normalisation, value clipping, learning-rate annealing, orthogonal initialisation. Later studies showed these matter as much as the clipping.
- On-policy, so sample efficiency is limited.

Still the default first algorithm to try, including for fine-tuning language models with human feedback.""",
    },
    # --- T5 (unlisted) --------------------------------------------------------------------------------------------------
    {
        "paper": "1910.10683",
        "author": "devin_ships",
        "visibility": "unlisted",
        "anonymous": False,
        "source": r"""Writing this for my team; it's long (67 pages) so here is what we actually need from it.

**Core idea: everything is text-to-text.** Translation, classification, summarisation, regression, all framed as "input string → output string" with a task prefix:

- `translate English to German: That is good.` → `Das ist gut.`
- `cola sentence: The course is jumping well.` → `not acceptable`
- `stsb sentence1: … sentence2: …` → `3.8`

One model, one loss (cross-entropy on output tokens), one decoding procedure.

**The systematic study.** Holding a baseline fixed, they vary one thing at a time:

- Architecture: the encoder–decoder works best for their tasks, over decoder-only and prefix-LM variants.
- Objective: BERT-style denoising beats plain language modelling; **span corruption** (drop contiguous spans, predict them, average span length 3) is as good and cheaper.
- Data: they build **C4**, a ~750 GB cleaned Common Crawl. Cleaning helps; repeating a small dataset many times hurts.
- Fine-tuning: updating all parameters beats adapters and gradual unfreezing; multi-task pre-training plus fine-tuning is roughly on par with unsupervised pre-training.
- Scale: more data, bigger models and longer training all help; ensembles help too.

**The final model** (up to 11B parameters) set state-of-the-art results on GLUE, SuperGLUE, SQuAD and summarisation at the time.

**Why we care**

- The text-to-text format makes multi-task serving trivial: one endpoint, task chosen by prefix.
- `t5-small` and `t5-base` are good, cheap baselines for our summarisation and extraction jobs.
- The ablation tables are a great reference when someone asks "should we pre-train on our own data?"

**Caveats:** regression-as-text is hacky; English-centric; the biggest models are expensive to fine-tune and serve.""",
    },
]

# ---------------------------------------------------------------------------
# Votes: (voter, paper arxiv id, summary author, +1 / -1)
# ---------------------------------------------------------------------------

VOTES: list[tuple[str, str, str, int]] = [
    # ResNet: t_adeyemi +5, mara_k +2, devin_ships -1
    ("mara_k", "1512.03385", "t_adeyemi", 1),
    ("devin_ships", "1512.03385", "t_adeyemi", 1),
    ("lucia_f", "1512.03385", "t_adeyemi", 1),
    ("hwkang", "1512.03385", "t_adeyemi", 1),
    ("ines_w", "1512.03385", "t_adeyemi", 1),
    ("t_adeyemi", "1512.03385", "mara_k", 1),
    ("lucia_f", "1512.03385", "mara_k", 1),
    ("ines_w", "1512.03385", "mara_k", 1),
    ("hwkang", "1512.03385", "mara_k", -1),
    ("mara_k", "1512.03385", "devin_ships", -1),
    ("hwkang", "1512.03385", "devin_ships", -1),
    ("lucia_f", "1512.03385", "devin_ships", 1),
    # Adam
    ("devin_ships", "1412.6980", "mara_k", 1),
    ("hwkang", "1412.6980", "mara_k", 1),
    ("lucia_f", "1412.6980", "mara_k", 1),
    ("ines_w", "1412.6980", "devin_ships", 1),
    ("lucia_f", "1412.6980", "devin_ships", 1),
    # Dropout
    ("mara_k", "1207.0580", "t_adeyemi", 1),
    ("lucia_f", "1207.0580", "t_adeyemi", 1),
    ("ines_w", "1207.0580", "t_adeyemi", 1),
    # Batch norm
    ("mara_k", "1502.03167", "ines_w", 1),
    ("devin_ships", "1502.03167", "ines_w", 1),
    ("t_adeyemi", "1502.03167", "ines_w", 1),
    # Attention Is All You Need
    ("lucia_f", "1706.03762", "t_adeyemi", 1),
    ("devin_ships", "1706.03762", "t_adeyemi", 1),
    ("mara_k", "1706.03762", "t_adeyemi", 1),
    ("t_adeyemi", "1706.03762", "lucia_f", 1),
    ("hwkang", "1706.03762", "lucia_f", 1),
    ("devin_ships", "1706.03762", "lucia_f", 1),
    # GAN
    ("lucia_f", "1406.2661", "mara_k", 1),
    ("t_adeyemi", "1406.2661", "mara_k", 1),
    ("ines_w", "1406.2661", "mara_k", 1),
    ("mara_k", "1406.2661", "lucia_f", 1),
    ("devin_ships", "1406.2661", "lucia_f", -1),
    # VAE (the private draft gets no votes)
    ("lucia_f", "1312.6114", "mara_k", 1),
    ("t_adeyemi", "1312.6114", "mara_k", 1),
    # TRPO
    ("mara_k", "1502.05477", "hwkang", 1),
    ("t_adeyemi", "1502.05477", "hwkang", 1),
    # DQN
    ("lucia_f", "1312.5602", "hwkang", 1),
    ("devin_ships", "1312.5602", "hwkang", 1),
    # MuZero
    ("lucia_f", "1911.08265", "hwkang", 1),
    ("mara_k", "1911.08265", "hwkang", 1),
    # seq2seq
    ("lucia_f", "1409.3215", "t_adeyemi", 1),
    ("devin_ships", "1409.3215", "t_adeyemi", 1),
    # Bahdanau attention
    ("t_adeyemi", "1409.0473", "lucia_f", 1),
    ("mara_k", "1409.0473", "lucia_f", 1),
    ("hwkang", "1409.0473", "lucia_f", 1),
    # word2vec
    ("lucia_f", "1310.4546", "devin_ships", 1),
    ("t_adeyemi", "1310.4546", "devin_ships", -1),
    # BERT
    ("lucia_f", "1810.04805", "devin_ships", 1),
    ("ines_w", "1810.04805", "devin_ships", 1),
    ("hwkang", "1810.04805", "devin_ships", 1),
    # GPT-3
    ("devin_ships", "2005.14165", "lucia_f", 1),
    ("mara_k", "2005.14165", "lucia_f", -1),
    # U-Net
    ("devin_ships", "1505.04597", "ines_w", 1),
    ("mara_k", "1505.04597", "ines_w", 1),
    # YOLO
    ("devin_ships", "1506.02640", "ines_w", 1),
    ("lucia_f", "1506.02640", "ines_w", 1),
    # Layer norm (unlisted)
    ("ines_w", "1607.06450", "mara_k", 1),
    # DenseNet
    ("t_adeyemi", "1608.06993", "ines_w", 1),
    ("devin_ships", "1608.06993", "ines_w", 1),
    # mixup
    ("ines_w", "1710.09412", "devin_ships", 1),
    ("mara_k", "1710.09412", "devin_ships", 1),
    ("hwkang", "1710.09412", "devin_ships", -1),
    # Deep image prior
    ("mara_k", "1711.10925", "ines_w", 1),
    ("lucia_f", "1711.10925", "ines_w", 1),
    # Neural ODEs
    ("hwkang", "1806.07366", "mara_k", 1),
    ("t_adeyemi", "1806.07366", "mara_k", 1),
    ("lucia_f", "1806.07366", "mara_k", 1),
    # Transformer-XL
    ("lucia_f", "1901.02860", "t_adeyemi", 1),
    # CLIP
    ("ines_w", "2103.00020", "devin_ships", 1),
    ("lucia_f", "2103.00020", "devin_ships", 1),
    # DDPM
    ("ines_w", "2006.11239", "mara_k", 1),
    ("lucia_f", "2006.11239", "mara_k", 1),
    ("hwkang", "2006.11239", "mara_k", 1),
    # ViT
    ("devin_ships", "2010.11929", "ines_w", 1),
    ("lucia_f", "2010.11929", "ines_w", 1),
    # Distillation (anonymous summary)
    ("devin_ships", "1503.02531", "hwkang", 1),
    ("ines_w", "1503.02531", "hwkang", 1),
    # PPO
    ("devin_ships", "1707.06347", "hwkang", 1),
    ("mara_k", "1707.06347", "hwkang", 1),
    # T5 (unlisted)
    ("lucia_f", "1910.10683", "devin_ships", 1),
]

# ---------------------------------------------------------------------------
# Collections (written for Precis). Items name papers by arXiv id; a section
# with title None holds the papers shown before the first heading.
# ---------------------------------------------------------------------------

COLLECTIONS: list[dict] = [
    {
        "owner": "mara_k",
        "title": "Ten papers that shaped deep learning, explained",
        "visibility": "public",
        "description": (
            "A short tour of the ideas most modern networks are built from, roughly in the "
            "order they arrived. Each note says what the paper changed; follow the links "
            "for the full summaries."
        ),
        "sections": [
            {
                "title": None,
                "items": [
                    (
                        "1207.0580",
                        "Randomly silencing units during training: a one-line "
                        "regulariser that made large networks usable on small data sets.",
                    ),
                    (
                        "1310.4546",
                        "Words as vectors learned from raw text; negative sampling "
                        "made it cheap enough to train on billions of tokens.",
                    ),
                    (
                        "1312.6114",
                        "The reparameterisation trick turns a latent-variable model "
                        "into something you can train with ordinary backpropagation.",
                    ),
                    (
                        "1406.2661",
                        "Two networks in a game: a generator learns to fool a "
                        "discriminator, and sampling needs no explicit likelihood.",
                    ),
                    (
                        "1409.3215",
                        "An encoder reads a sentence into a vector and a decoder "
                        "writes the translation: one recipe for any sequence task.",
                    ),
                    (
                        "1409.0473",
                        "Instead of one fixed vector, the decoder looks back at every "
                        "input position: the first widely used attention mechanism.",
                    ),
                    (
                        "1412.6980",
                        "Per-parameter step sizes from running moment estimates; "
                        "still the default optimiser a decade later.",
                    ),
                    (
                        "1502.03167",
                        "Normalising activations within a mini-batch allows much "
                        "higher learning rates and much deeper stacks.",
                    ),
                    (
                        "1512.03385",
                        "Learn the residual, not the mapping: identity shortcuts let "
                        "networks grow past a hundred layers.",
                    ),
                    (
                        "1706.03762",
                        "Attention alone, no recurrence: the architecture behind "
                        "almost every large language model since.",
                    ),
                ],
            }
        ],
    },
    {
        "owner": "hwkang",
        "title": "ICML 2015 notes",
        "visibility": "public",
        "description": (
            "Notes from Lille, written each evening. Two talks I keep coming back to, and the "
            "older papers that came up in every hallway conversation."
        ),
        "sections": [
            {
                "title": "Tuesday — Deep learning",
                "items": [
                    (
                        "1502.03167",
                        "Packed room. The training curves on ImageNet were the "
                        "talk's real argument; people were asking about small batches.",
                    ),
                ],
            },
            {
                "title": "Wednesday — Reinforcement learning",
                "items": [
                    (
                        "1502.05477",
                        "Monotonic improvement via a KL trust region; the simulated "
                        "robot gaits got applause. The conjugate-gradient step looks fiddly.",
                    ),
                ],
            },
            {
                "title": "Hallway track — papers everyone kept citing",
                "items": [
                    ("1412.6980", "Half the posters said “trained with Adam” without tuning it."),
                    (
                        "1312.5602",
                        "The Atari results were the reference point for every deep "
                        "RL conversation.",
                    ),
                    (
                        "1503.02531",
                        "Arrived on arXiv in March; several people were already "
                        "distilling ensembles into small models.",
                    ),
                ],
            },
        ],
    },
]

# ---------------------------------------------------------------------------
# Moderation: a moderator, and a few items waiting in the queue (all invented)
# ---------------------------------------------------------------------------

# In the "moderators" group; signs in with the demo password like everyone else.
MODERATORS: list[dict] = [
    {
        "username": "mod_ana",
        "display_name": "Ana Moreau",
        "bio": "Volunteer moderator; a science librarian by day. I read the reports so writers can keep writing.",
        "email": "ana.moreau@example.org",
    },
]

# Accounts that exist to be moderated: a brand-new account that advertises.
SPAM_USERS: list[dict] = [
    {
        "username": "essay_express_24",
        "display_name": "Essay Express",
        "bio": "Fast academic help, any subject.",
        "email": "orders@essay-express.example.net",
        "trust_level": 0,
    },
]

# A comment the spam rules held for a moderator (under the summary of ``paper`` by
# ``summary_author``), with the score and signals the rules would have given.
HELD_COMMENTS: list[dict] = [
    {
        "paper": "1502.03167",
        "summary_author": "ines_w",
        "author": "essay_express_24",
        "source": (
            "Struggling with your thesis? Our writers deliver any essay, lab report or "
            "literature review in 24 hours, plagiarism-free guaranteed. Message us today "
            "for a 30% student discount!"
        ),
        "reason": "Held for review: our spam checks want a moderator to look at it first.",
        "score": 6.5,
        "signals": [
            "advertising words: essay, discount, guaranteed",
            "account less than a day old",
        ],
    },
]

# A question asked under the wrong paper, and what readers reported about it:
# (reporter, reason, words for the moderators).
REPORTED_QUESTIONS: list[dict] = [
    {
        "paper": "1502.03167",
        "author": "lucia_f",
        "title": "Why do the statistics not depend on the batch in recurrent networks?",
        "source": (
            "The paper says every unit is normalised over the hidden units of one layer at "
            "one time step, so nothing depends on the batch size. How is that the same "
            "method as this one?"
        ),
        "reports": [
            (
                "t_adeyemi",
                "wrong_paper",
                "This describes Layer Normalization (arXiv:1607.06450), not batch norm; "
                "it belongs on that paper's page.",
            ),
        ],
    },
]

# An answer a moderator hid, and its author's appeal.
APPEALED_ANSWERS: list[dict] = [
    {
        "paper": "1502.05477",
        "asker": "hwkang",
        "title": "Is the conjugate-gradient step really needed?",
        "question": (
            "Could one drop the natural-gradient machinery and take plain gradient steps "
            "with a KL penalty instead?"
        ),
        "author": "devin_ships",
        "source": (
            "Mostly yes: PPO (arXiv:1707.06347) keeps the idea of a trust region but "
            "replaces the constraint with a clipped surrogate objective, and plain Adam "
            "steps do the rest. A fixed KL penalty works worse in their ablations, because "
            "the right coefficient changes during training. I compare the two step by step "
            "in my course, link on my profile."
        ),
        "moderator": "mod_ana",
        "reason": "Self-promotion: the answer sends readers to a paid course.",
        "appeal": (
            "The course notes are free, and the answer stands without them; "
            "I am happy to drop the last sentence."
        ),
    },
]
