"""Reading a fitted model: which n-grams push toward each class, and why one text got its label.

The models are linear over TF-IDF features, so a feature's pull toward a class is its coefficient,
and its part in one decision is its TF-IDF value times that coefficient: the contributions plus
the intercept give the class's decision score exactly.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.pipeline import FeatureUnion, Pipeline

from stance.models import feature_kind


def feature_names(pipeline: Pipeline) -> list[str]:
    """Readable feature names, each prefixed by its kind: ``"word: ..."`` or ``"char: ..."``
    (scikit-learn's union gives ``"word__..."``; a single vectoriser gives bare n-grams).
    Character n-grams keep their spaces, which mark word boundaries."""
    step = pipeline.named_steps["features"]
    names = [str(name) for name in step.get_feature_names_out()]
    if isinstance(step, FeatureUnion):
        return [name.replace("__", ": ", 1) for name in names]
    kind = feature_kind(step)
    return [f"{kind}: {name}" for name in names]


def class_coefficients(pipeline: Pipeline) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Classes, coefficients (one row per class) and intercepts of the classifier.

    A binary logistic regression stores one row for ``classes_[1]``; the other class gets the
    negated row and intercept, so every class has the weights that favour it.
    """
    classifier = pipeline.named_steps["classifier"]
    classes = [str(label) for label in classifier.classes_]
    coef, intercept = np.asarray(classifier.coef_), np.asarray(classifier.intercept_)
    if len(classes) == 2 and coef.shape[0] == 1:
        coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return classes, coef, intercept


def top_features(pipeline: Pipeline, n: int = 10, per_kind: bool = False) -> pd.DataFrame:
    """The ``n`` features with the largest coefficient for each class (classes sorted), ties
    broken by feature name: columns class, rank, feature, coefficient.

    With ``per_kind``, the ``n`` largest of each kind (word n-grams, character n-grams) for
    each class, so one kind cannot crowd out the other; ``rank`` stays the feature's rank among
    all features of its class, and rows are in rank order.
    """
    classes, coef, _ = class_coefficients(pipeline)
    names = np.asarray(feature_names(pipeline), dtype=object)
    kinds = pd.Series(names).str.split(": ", n=1).str[0].to_numpy()
    parts = []
    for label, row in sorted(zip(classes, coef, strict=True), key=lambda pair: pair[0]):
        ranked = pd.DataFrame({"feature": names, "coefficient": row, "kind": kinds}).sort_values(
            ["coefficient", "feature"], ascending=[False, True]
        )
        ranked["rank"] = np.arange(1, len(ranked) + 1)
        ranked = ranked.groupby("kind", sort=False).head(n) if per_kind else ranked.head(n)
        parts.append(ranked.assign(**{"class": label}))
    table = pd.concat(parts, ignore_index=True)
    return table[["class", "rank", "feature", "coefficient"]]


def split_feature(name: str) -> tuple[str, str]:
    """``"char: inva"`` → ``("char", "inva")``; a name without a kind prefix is a word n-gram."""
    kind, sep, ngram = name.partition(": ")
    return (kind, ngram) if sep and kind in ("word", "char") else ("word", name)


def _join(left: str, right: str) -> str | None:
    """The text ``left`` and ``right`` both come from if one is the other shifted by a
    character or more, overlapping by all but one character of the shorter (at least two):
    ``_join(" donb", "donba") == " donba"``; otherwise None."""
    overlap = min(len(left), len(right)) - 1
    if overlap < 2:
        return None
    if left.endswith(right[:overlap]):
        return left + right[overlap:]
    if right.endswith(left[:overlap]):
        return right + left[overlap:]
    return None


def fold_char_ngrams(
    features: pd.DataFrame, n: int | None = None, join_equal: bool = True
) -> pd.DataFrame:
    """The rows of a top-features table worth drawing, with overlapping character n-grams
    folded into one bar.

    Each class's character n-grams are read from the largest coefficient down (among equal
    coefficients, longer n-grams first), and each one either gets a bar or is folded into a bar
    of the same class whose coefficient has the same sign:

    * it is dropped when it is a substring of a bar's label (its ``span``), e.g. ``"inva"``
      and ``"nva"`` after ``" inva"``;
    * with ``join_equal``, when it has exactly the coefficient of a bar and is that bar's
      text shifted by one character or more (``"donba"`` after ``" donb"``, overlapping by all
      but one character of the shorter), the bar's label grows to the text both cover
      (``" donba"``). Equal coefficients mean the n-grams occur in the same texts, so the
      longer label is the text they all come from (a guess only where a word repeats a piece
      of itself, as "abcab" does "ab").

    A folded n-gram's coefficient is not added to its bar (a bar shows its own, highest-ranked
    feature's coefficient): this is a reading aid for the chart, and the table keeps every
    feature. Word n-grams are never folded.

    ``features`` has columns class, feature (``"word: ..."``/``"char: ..."``) and coefficient,
    as from :func:`top_features`. Returns the rows that got a bar (with any other columns), in
    class order, largest coefficient first, plus ``kind`` (``"word"``/``"char"``), ``span``
    (the bar's label: the n-gram, or the joined text) and ``folded`` (how many n-grams the bar
    absorbed). With ``n``, at most ``n`` bars per class and kind; n-grams ranked below the last
    of them are not read (except ties with it, which may still be folded into it).
    """
    table = features.reset_index(drop=True)
    kind_ngram = [split_feature(str(name)) for name in table["feature"]]
    kinds = [kind for kind, _ in kind_ngram]
    text = [ngram for _, ngram in kind_ngram]
    classes = table["class"].astype(str).tolist()
    coefficients = table["coefficient"].to_numpy(dtype=float)
    names = table["feature"].astype(str).tolist()
    order = sorted(range(len(table)), key=lambda i: (-coefficients[i], -len(text[i]), names[i]))
    folded = np.zeros(len(table), dtype=int)
    bars: dict[tuple[str, str], list[int]] = {}

    def absorb(bar: int, other: int) -> bool:
        """Fold n-gram (or bar) ``other`` into ``bar`` if the rule allows it."""
        if (coefficients[bar] > 0) != (coefficients[other] > 0):
            return False
        if text[other] not in text[bar]:
            joined = (
                _join(text[bar], text[other])
                if join_equal and coefficients[bar] == coefficients[other]
                else None
            )
            if joined is None:
                return False
            text[bar] = joined
        folded[bar] += 1 + folded[other]
        return True

    def settle(group: list[int]) -> None:
        """Fold bars into higher-ranked bars of their coefficient whose label has grown."""
        merged = True
        while merged:
            merged = next(
                (
                    (a, b)
                    for a, b in itertools.combinations(group, 2)
                    if coefficients[a] == coefficients[b] and absorb(a, b)
                ),
                None,
            )
            if merged:
                group.remove(merged[1])

    for i in order:
        group = bars.setdefault((classes[i], kinds[i]), [])
        full = n is not None and len(group) >= n
        if full and not (kinds[i] == "char" and coefficients[i] == coefficients[group[-1]]):
            continue
        if kinds[i] == "char" and any(absorb(j, i) for j in group):
            settle(group)
        elif not full:
            group.append(i)
    position = {i: k for k, i in enumerate(order)}
    class_order = {label: k for k, label in enumerate(dict.fromkeys(classes))}
    keep = sorted(
        (i for group in bars.values() for i in group),
        key=lambda i: (class_order[classes[i]], position[i]),
    )
    table = table.assign(kind=kinds, span=text, folded=folded)
    return table.loc[keep].reset_index(drop=True)


def chart_features(pipeline: Pipeline, n: int = 10) -> pd.DataFrame:
    """What :func:`stance.plots.top_feature_bars` draws best: for each class, the ``n`` word
    n-grams and the ``n`` character n-grams with the largest coefficients, after
    :func:`fold_char_ngrams` (so the ``n`` character n-gram bars do not overlap). Columns
    class, rank, feature, coefficient, kind, span, folded; ``rank`` is the rank among all the
    class's features."""
    everything = top_features(pipeline, n=len(feature_names(pipeline)))
    return fold_char_ngrams(everything, n=n)


def explain(pipeline: Pipeline, text: str, n: int = 10) -> pd.DataFrame:
    """Why ``text`` got its predicted class: the ``n`` features present in it with the largest
    contribution (TF-IDF value × coefficient) toward that class, ties broken by feature name.

    Columns class (the predicted class, on every row), feature, value, coefficient,
    contribution. Over all features, contributions plus the class's intercept equal its
    decision score.
    """
    classes, coef, _ = class_coefficients(pipeline)
    predicted = str(pipeline.predict([text])[0])
    vector = pipeline.named_steps["features"].transform([text]).tocsr()
    vector.sort_indices()
    weights = coef[classes.index(predicted), vector.indices]
    names = np.asarray(feature_names(pipeline), dtype=object)
    table = pd.DataFrame(
        {
            "feature": names[vector.indices],
            "value": vector.data,
            "coefficient": weights,
            "contribution": vector.data * weights,
        }
    )
    table = (
        table.sort_values(["contribution", "feature"], ascending=[False, True])
        .head(n)
        .reset_index(drop=True)
    )
    table.insert(0, "class", predicted)
    return table
