"""Every baseline a model is compared with, built in one place.

A score means little alone: the comparison tables of every notebook (constructed statements,
real text in each language, the adaptation template) put the model beside the baselines that
apply to its label, made here by :func:`baseline_systems` under the names in this module, so a
system is called the same in every table:

* ``majority class`` and ``stratified random``: for any label;
* ``sentiment as stance (… sentiment)``: a stance target read off sentiment (positive → support,
  negative → opposition), from gold sentiment (the heuristic's best case) or predicted sentiment
  (what a user has);
* ``keyword rule``: stance cues written from the annotation guidelines, per language
  (:data:`KEYWORD_CUES`), not fitted to data;
* ``VADER``: the English sentiment lexicon, for English sentiment only (it has almost no Turkish
  words, see :mod:`stance.sentiment`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from stance import config
from stance.schema import TARGETS
from stance.sentiment import VADER_LANGS, vader_labels
from stance.text import lowercase

MAJORITY = "majority class"
STRATIFIED = "stratified random"
KEYWORD_RULE = "keyword rule"
VADER = "VADER"
SENTIMENT_TO_STANCE = {"positive": "support", "negative": "opposition", "neutral": "neutral"}


def is_baseline(system: str) -> bool:
    """Whether ``system`` names a baseline of this module (not a trained model).

    >>> is_baseline("keyword rule"), is_baseline("model")
    (True, False)
    """
    return system in (MAJORITY, STRATIFIED, KEYWORD_RULE, VADER) or system.startswith(
        sentiment_as_stance_name("")[: -len(" sentiment)")]
    )


def sentiment_as_stance_name(source: str) -> str:
    """The system name of the sentiment-as-stance baseline fed ``source`` sentiment
    (``"gold"`` or ``"predicted"``).

    >>> sentiment_as_stance_name("gold")
    'sentiment as stance (gold sentiment)'
    """
    return f"sentiment as stance ({source} sentiment)"


def majority_baseline(train_labels: Sequence[str], n: int) -> list[str]:
    """The most frequent training label, ``n`` times (ties go to the first label sorted)."""
    counts = pd.Series(list(train_labels), dtype=object).value_counts()
    if counts.empty:
        raise ValueError("no training labels")
    return [min(counts[counts == counts.max()].index)] * n


def stratified_baseline(train_labels: Sequence[str], n: int, seed: int = config.SEED) -> list[str]:
    """``n`` labels drawn independently from the training label distribution (seeded)."""
    counts = pd.Series(list(train_labels), dtype=object).value_counts().sort_index()
    if counts.empty:
        raise ValueError("no training labels")
    rng = np.random.default_rng(seed)
    drawn = rng.choice(len(counts), size=n, p=(counts / counts.sum()).to_numpy(dtype=float))
    return [counts.index[i] for i in drawn]


def sentiment_as_stance(sentiments: Sequence[str]) -> list[str]:
    """The naive baseline that reads stance off sentiment: positive → support, negative →
    opposition, neutral → neutral."""
    unknown = sorted(set(sentiments) - set(SENTIMENT_TO_STANCE))
    if unknown:
        raise ValueError(
            f"unknown sentiment label {unknown[0]!r}; expected one of "
            f"{', '.join(SENTIMENT_TO_STANCE)}"
        )
    return [SENTIMENT_TO_STANCE[s] for s in sentiments]


#: A transparent keyword baseline for stance (both targets): words that in diplomatic English
#: mostly signal condemnation of Russia's war, or its defence. Written from the guidelines'
#: rules (R4–R8), not fitted to data; a sentence with cues of both kinds, or none, is neutral.
OPPOSITION_CUES = (
    "aggression",
    "invasion",
    "invaded",
    "withdraw",
    "annexation",
    "occupation",
    "occupied",
    "war crimes",
    "atrocities",
    "unprovoked",
    "brutal",
    "condemn",
    "sanctions against russia",
    "sanctions on russia",
)
SUPPORT_CUES = (
    "special military operation",
    "liberat",
    "neo-nazi",
    "nazis",
    "russophob",
    "provocation",
    "illegitimate sanctions",
    "illegal sanctions",
    "kyiv regime",
    "kiev regime",
    "nato expansion",
    "expansion of nato",
    "genocide in donbas",
)


#: The same rule for Turkish (matched on Turkish-lowercased text), written from the guidelines
#: and their Turkish rules (R8, T3, T4, T7), not fitted to data.
OPPOSITION_CUES_TR = (
    "saldırgan",
    "işgal",
    "ilhak",
    "savaş suç",
    "vahşet",
    "katliam",
    "katil putin",
    "geri çek",
    "rusya'ya yaptırım",
    "rusya’ya yaptırım",
    "toprak bütünlüğü",
    "#standwithukraine",
    "#stopputin",
)
SUPPORT_CUES_TR = (
    "özel askeri operasyon",
    "kurtar",
    "neo-nazi",
    "neonazi",
    "nazi",
    "rus düşman",
    "provokasyon",
    "kiev rejimi",
    "nato genişle",
    "nato'nun genişle",
    "savaşı abd",
    "abd çıkardı",
    "abd başlattı",
)
KEYWORD_CUES = {"en": (OPPOSITION_CUES, SUPPORT_CUES), "tr": (OPPOSITION_CUES_TR, SUPPORT_CUES_TR)}


def keyword_stance(texts: Sequence[str], lang: str = "en") -> list[str]:
    """The keyword baseline: ``opposition`` / ``support`` when only cues of one kind occur
    (the cues of :data:`KEYWORD_CUES` for ``lang``).

    >>> keyword_stance(["They condemn the aggression.", "A special military operation."])
    ['opposition', 'support']
    """
    opposition_cues, support_cues = KEYWORD_CUES[lang]
    labels = []
    for text in texts:
        lowered = lowercase(str(text), lang)
        against = any(cue in lowered for cue in opposition_cues)
        pro = any(cue in lowered for cue in support_cues)
        labels.append(
            "opposition" if against and not pro else "support" if pro and not against else "neutral"
        )
    return labels


def baseline_systems(
    train_labels: Sequence[str],
    texts: Sequence[str],
    label: str | None = None,
    lang: str = "en",
    sentiment: Sequence[str] | None = None,
    sentiment_source: str = "predicted",
    seed: int = config.SEED,
) -> dict[str, list[str]]:
    """Every baseline that applies to ``label`` on ``texts``, by system name.

    Always the majority class and a stratified random guess (from ``train_labels``). For a
    stance target (:data:`stance.schema.TARGETS`): sentiment read as stance when ``sentiment``
    (one label per text, from ``sentiment_source``) is given, and the keyword rule of ``lang``
    when there is one. For ``sentiment``: VADER when ``lang`` is English. Any other label (a
    user's own, in the adaptation template) gets the first two.

    >>> sorted(baseline_systems(["a", "a", "b"], ["x", "y"], label="my label"))
    ['majority class', 'stratified random']
    """
    systems = {
        MAJORITY: majority_baseline(train_labels, len(texts)),
        STRATIFIED: stratified_baseline(train_labels, len(texts), seed),
    }
    if label in TARGETS:
        if sentiment is not None:
            systems[sentiment_as_stance_name(sentiment_source)] = sentiment_as_stance(sentiment)
        if lang in KEYWORD_CUES:
            systems[KEYWORD_RULE] = keyword_stance(texts, lang)
    elif label == "sentiment" and lang in VADER_LANGS:
        systems[VADER] = vader_labels(list(texts))
    return systems
