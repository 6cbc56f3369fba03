"""Stance and sentiment toward Russia's foreign policy and the war in Ukraine.

The package holds every piece of logic the notebooks use, once. Its modules, by the step of the
flow they serve (raw inputs → ``data/`` → models → ``figures/`` and ``results/``):

Basics
    :mod:`~stance.config` (project paths, the seed), :mod:`~stance.io` (reading user files with
    one-line errors, atomic writing), :mod:`~stance.text` (Turkish-aware normalisation, quotes),
    :mod:`~stance.checks` (checks of a labelled CSV), :mod:`~stance.schema` (targets, label sets,
    columns).
Constructed statements (the challenge set)
    :mod:`~stance.constructed` (build and load), :mod:`~stance.constructed_models` (their models
    and experiments), :mod:`~stance.splits` (grouped splits, leakage checks),
    :mod:`~stance.describe` (label shares, agreement), :mod:`~stance.dataset_card` (dataset
    folders and cards).
Real text
    :mod:`~stance.corpora` (UN speeches, press releases, the sentence splitter, the keyword rule,
    the reserved speeches), :mod:`~stance.tweets_news` (MiDe22 tweets, Anadolu Agency news, their
    labels and the translations), :mod:`~stance.fetch` (``stance corpus fetch``),
    :mod:`~stance.real` (the real-text dataset), :mod:`~stance.speeches` (speech-level stance
    against UN votes).
Models
    :mod:`~stance.features` (fast exact TF-IDF), :mod:`~stance.models` (the pipelines),
    :mod:`~stance.model_selection` (grouped cross-validation), :mod:`~stance.model_files`
    (saving and loading models), :mod:`~stance.sentiment` (VADER baseline and features),
    :mod:`~stance.predict` (prediction at scale), :mod:`~stance.real_models` (training data and
    scores on real text), :mod:`~stance.model_cards` (model cards), :mod:`~stance.tweet_models`
    and :mod:`~stance.tweeteval` (the SemEval-2016 / TweetEval benchmark).
Analyses and outputs
    :mod:`~stance.baselines` (every baseline, named once), :mod:`~stance.evaluate` (scores,
    bootstrap intervals, paired tests, the one routine that compares systems),
    :mod:`~stance.interpret` (n-gram weights, explanations), :mod:`~stance.findings` (sentences
    written from result tables), :mod:`~stance.results` (result tables, the README's results),
    :mod:`~stance.plots` (every figure).
Commands
    :mod:`~stance.cli` (the ``stance`` command; ``python -m stance`` via :mod:`~stance.__main__`),
    :mod:`~stance.adapt` (the adaptation template, ``make adapt``), :mod:`~stance.reproduce` (run
    and check the notebooks), :mod:`~stance.report` (a static site of the notebooks).
"""

__version__ = "0.1.0"
