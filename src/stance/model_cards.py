"""Model cards for the shipped models, the field's way (:mod:`skops.card`).

Each shipped model ``models/{label}_{lang}.skops`` gets ``models/{label}_{lang}.md`` beside it:
what it is for, what it was trained on (per source, language and kind of text, with the weight
of each part), its scores on the real test split per kind of text with 95% intervals, and where
it must not be trusted, all computed from the tables notebook 07 writes. The card is rendered by
:class:`skops.card.Card` (no model diagram, no template: only the sections written here), so
the same model and tables give the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import skops.card

from stance import config
from stance.evaluate import MODEL, model_and_best_baseline
from stance.io import atomic_write_text
from stance.results import markdown_table, with_intervals
from stance.text import LANGUAGE_NAMES

#: Below this macro-F1 on a kind of text, the card says the model must not be trusted there.
UNTRUSTED_BELOW = 0.6


def card_path(label: str, lang: str, directory: Path | None = None) -> Path:
    """Where the card of a shipped model goes: beside the model file."""
    return Path(directory or config.MODELS_DIR) / f"{label}_{lang}.md"


def _untrusted(scores: pd.DataFrame, label: str) -> list[str]:
    """The kinds of text where the model is weak: below :data:`UNTRUSTED_BELOW` macro-F1, or
    not above the best baseline's macro-F1 there."""
    notes = []
    for kind, rows in scores.groupby("kind", sort=True):
        model, best = model_and_best_baseline(rows)
        if model["macro_f1"] <= best["macro_f1"]:
            notes.append(
                f"**{kind}**: macro-F1 {model['macro_f1']:.2f}, not above the {best['system']} "
                f"({best['macro_f1']:.2f}) on the same {int(model['n'])} test texts; use the "
                "baseline, or treat the model's labels as hints."
            )
        elif model["macro_f1"] < UNTRUSTED_BELOW:
            notes.append(
                f"**{kind}**: macro-F1 {model['macro_f1']:.2f} on {int(model['n'])} test texts "
                f"(above the {best['system']}, {best['macro_f1']:.2f}, but below "
                f"{UNTRUSTED_BELOW}); read its labels as a rough signal only."
            )
    del label
    return notes


def model_card_markdown(
    estimator,
    label: str,
    lang: str,
    training_data: str,
    composition: pd.DataFrame,
    selection_row: Mapping[str, object],
    scores: pd.DataFrame,
) -> str:
    """The card of one shipped model as Markdown.

    Parameters
    ----------
    estimator
        The fitted pipeline (skops reads its type for the card).
    label, lang
        What it predicts and the language of its texts.
    training_data
        The name of the training option notebook 07 chose for it.
    composition
        Its training rows per part: columns ``part``, ``texts``, ``weight``.
    selection_row
        Its row of ``results/real_model_selection``: ``selected_by``, ``cv_score``, ``C``, ...
    scores
        Its rows of ``results/real_test_by_kind`` (every system, every kind of text of its
        language, with ``_low``/``_high`` intervals).
    """
    card = skops.card.Card(estimator, model_diagram=False, template=None)
    language = LANGUAGE_NAMES.get(lang, lang)
    task = (
        f"stance toward `{label}` (support / opposition / neutral)"
        if label != "sentiment"
        else "sentiment (positive / negative / neutral)"
    )
    model_rows = with_intervals(scores[scores["system"] == MODEL], ["macro_f1", "f_avg"])
    untrusted = _untrusted(scores, label)
    card.add(
        **{
            "Model description": (
                f"Predicts {task} of a single {language} sentence or tweet about Russia's "
                "foreign policy and the war in Ukraine. A scikit-learn pipeline: TF-IDF word and "
                "character n-grams and a logistic regression, chosen by grouped cross-validation "
                f"on the real {language} training split by {selection_row['selected_by']} "
                f"(CV {float(selection_row['cv_score']):.3f}; C = {selection_row['C']}, class "
                f"weight {selection_row['class_weight']}). Labels follow `data/ANNOTATION.md`."
            ),
            "Intended uses & limitations": (
                "For research on who takes which side in political text: scoring sentences of "
                "speeches, releases, news or posts in aggregate, with the uncertainty reported "
                "below. Not for judging individual people or posts (moderation, profiling), not "
                "for other languages, targets or kinds of text than those scored below, and not "
                "as a substitute for reading the text: it sees one sentence or tweet, without "
                "context, irony it has not seen, or the speaker. Its labels come from "
                "language-model annotators, not people."
            ),
            "Training data": (
                f"Training option: **{training_data}** (every option's CV score is in "
                "`results/real_training_data.md`). Texts per part, with the weight of each "
                "text in the fit:\n\n" + markdown_table(composition)
            ),
            "Evaluation": (
                "Scored once on the real test split (grouped by state, week, tweet event or "
                "article; never used for training or selection), per kind of text, with 95% "
                "bootstrap intervals over texts (`results/real_test_by_kind.md` has every "
                "baseline):\n\n"
                + markdown_table(model_rows[["kind", "n", "macro_f1", "f_avg", "accuracy"]])
            ),
            "Where it must not be trusted": (
                "\n".join(f"- {note}" for note in untrusted)
                if untrusted
                else f"- No kind of text scored here is below {UNTRUSTED_BELOW} macro-F1 or the "
                "best baseline; the limits above still apply."
            ),
        }
    )
    header = (
        f"---\nlanguage:\n- {lang}\nlibrary_name: sklearn\nlicense: mit\n"
        "pipeline_tag: text-classification\ntags:\n- stance-detection\n- skops\n---\n"
    )
    return header + card.render() + "\n"


def write_model_card(text: str, label: str, lang: str, directory: Path | None = None) -> Path:
    """Write a card beside its model, atomically."""
    path = card_path(label, lang, directory)
    atomic_write_text(path, text)
    return path


def write_model_cards(
    choices: Mapping[str, object],
    trains: Mapping[str, pd.DataFrame],
    parts: Mapping[str, Mapping[str, pd.DataFrame]],
    options: Mapping[str, tuple],
    chosen: pd.DataFrame,
    by_kind: pd.DataFrame,
    directory: Path | None = None,
) -> list[Path]:
    """Write the card of every shipped model of notebook 07.

    ``choices``, ``trains``, ``parts`` (auxiliary parts by name, in the order the comparison
    used them) and ``options`` are per language, as in the notebook; ``chosen`` is the
    ``real_model_selection`` table and ``by_kind`` the ``real_test_by_kind`` scores (with
    intervals as numbers). A model's scores are the rows of its label whose kind of text is in
    its language.
    """
    from stance.real_models import training_composition

    paths = []
    for lang, choice in choices.items():
        by_name = {option.name: option for option in options[lang]}
        for label, selection in choice.selections.items():
            option = by_name[choice.sources[label]]
            composition = training_composition(trains[lang], parts[lang], option)
            row = chosen[(chosen["lang"] == lang) & (chosen["label"] == label)].iloc[0]
            in_language = by_kind["kind"].str.contains(f"({lang}", regex=False)
            scores = by_kind[(by_kind["label"] == label) & in_language]
            text = model_card_markdown(
                selection.estimator, label, lang, option.name, composition, row, scores
            )
            paths.append(write_model_card(text, label, lang, directory))
    return paths
