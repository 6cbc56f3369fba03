"""Reading a fitted model: which n-grams push toward each class, and why one text got its label.

The models are linear over TF-IDF features, so a feature's pull toward a class is its coefficient,
and its part in one decision is its TF-IDF value times that coefficient: the contributions plus
the intercept give the class's decision score exactly.
"""

from __future__ import annotations

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


def top_features(pipeline: Pipeline, n: int = 10) -> pd.DataFrame:
    """The ``n`` features with the largest coefficient for each class (classes sorted), ties
    broken by feature name: columns class, rank, feature, coefficient."""
    classes, coef, _ = class_coefficients(pipeline)
    names = np.asarray(feature_names(pipeline), dtype=object)
    parts = []
    for label, row in sorted(zip(classes, coef, strict=True), key=lambda pair: pair[0]):
        ranked = (pd.DataFrame({"feature": names, "coefficient": row})
                  .sort_values(["coefficient", "feature"], ascending=[False, True])
                  .head(n))
        parts.append(ranked.assign(**{"class": label, "rank": np.arange(1, len(ranked) + 1)}))
    table = pd.concat(parts, ignore_index=True)
    return table[["class", "rank", "feature", "coefficient"]]


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
    table = pd.DataFrame({"feature": names[vector.indices], "value": vector.data,
                          "coefficient": weights, "contribution": vector.data * weights})
    table = (table.sort_values(["contribution", "feature"], ascending=[False, True])
             .head(n).reset_index(drop=True))
    table.insert(0, "class", predicted)
    return table
