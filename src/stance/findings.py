"""The README's "Findings": sentences written by code from the result tables, so every number
in them is the one measured, and the wording follows the numbers (a difference whose interval
includes zero is called a null result).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from stance import config
from stance.evaluate import MODEL, model_and_best_baseline
from stance.io import atomic_write_text
from stance.real_models import CONSTRUCTED_ONLY
from stance.text import LANGUAGE_NAMES


def _load(directory: Path, name: str):
    return json.loads((Path(directory) / f"{name}.json").read_text(encoding="utf-8"))


def _interval(low: float, high: float) -> str:
    return f"95% CI {low:.2f} to {high:.2f}"


def _significance(row: dict) -> str:
    if row["low"] > 0:
        return "an improvement"
    if row["high"] < 0:
        return "a loss"
    return "a null result"


def findings_markdown(directory: Path | None = None) -> str:
    """The findings as a Markdown bullet list, each bullet naming the table it comes from (in
    ``directory``, default: the project's ``results/``)."""
    directory = directory or config.RESULTS_DIR
    stance = [r for r in _load(directory, "stance_test") if r["system"] == MODEL]
    baselines = _load(directory, "stance_vs_baselines")
    mismatch = _load(directory, "naive_mapping_mismatch")
    heuristic = _load(directory, "sentiment_as_stance")
    gains = _load(directory, "sentiment_features_gain")
    cross = _load(directory, "cross_lingual")
    sentiment = _load(directory, "sentiment_test")
    errors = _load(directory, "error_rates_by_hard_case")
    origins = _load(directory, "dataset_origins")

    lines = []
    best = max(stance, key=lambda r: r["macro_f1"])
    worst = min(stance, key=lambda r: r["macro_f1"])
    lines.append(
        f"**The stance models work on held-out constructed statements.** Test macro-F1 ranges "
        f"from {worst['macro_f1']:.2f} ({worst['target']}, {worst['lang']}) to "
        f"{best['macro_f1']:.2f} ({best['target']}, {best['lang']}); F_avg from "
        f"{min(r['f_avg'] for r in stance):.2f} to {max(r['f_avg'] for r in stance):.2f} "
        "(`results/stance_test.md`, `figures/04_test_scores.png`)."
    )
    versus = [r for r in baselines if r["versus"].startswith("sentiment")]
    lines.append(
        "**Stance is not sentiment.** Reading stance off the *gold* sentiment label scores "
        f"{min(r['delta'] for r in versus):.2f} to {max(r['delta'] for r in versus):.2f} "
        "macro-F1 below the models (paired bootstrap, every p ≤ "
        f"{max(r['p_value'] for r in versus):.3f}; `results/stance_vs_baselines.md`)."
    )
    ours = [r for r in mismatch if r["target"] in ("russian_foreign_policy", "ukraine_operation")]
    semeval = next(
        r for r in mismatch if r["target"] not in ("russian_foreign_policy", "ukraine_operation")
    )
    lines.append(
        "**Many side-taking statements carry the 'wrong' sentiment:** "
        + ", ".join(f"{r['share']:.0%} for {r['target']}" for r in ours)
        + f", against {semeval['share']:.0%} published for SemEval-2016 tweets. Our share was "
        "set on purpose when the statements were written (`results/naive_mapping_mismatch.md`, "
        "`figures/02_stance_sentiment_crosstab.png`)."
    )
    gold_rows = [r for r in heuristic if r["sentiment from"] == "gold sentiment"]
    vader_rows = [r for r in heuristic if r["sentiment from"] == "VADER"]
    lines.append(
        "**The sentiment-as-stance heuristic fails where the mapping fails.** With gold "
        f"sentiment it reaches macro-F1 {min(r['macro_f1'] for r in gold_rows):.2f} to "
        f"{max(r['macro_f1'] for r in gold_rows):.2f} overall and is wrong on every statement "
        "against the mapping by construction; with VADER it reaches "
        f"{min(r['macro_f1'] for r in vader_rows):.2f} to "
        f"{max(r['macro_f1'] for r in vader_rows):.2f} (`results/sentiment_as_stance.md`)."
    )
    sentiment_model = [r for r in sentiment if r["system"] == MODEL]
    vader_en = next(r for r in sentiment if r["system"].startswith("VADER") and r["lang"] == "en")
    lines.append(
        "**Sentiment itself is learnable; the lexicon lags.** The trained sentiment models "
        "reach macro-F1 "
        + ", ".join(f"{r['macro_f1']:.2f} ({r['lang']})" for r in sentiment_model)
        + f"; VADER reaches {vader_en['macro_f1']:.2f} on English and cannot read Turkish "
        "(`results/sentiment_test.md`)."
    )
    gain_text = "; ".join(
        f"{r['target']} {r['lang']} + {r['added features']}: {r['delta']:+.3f} "
        f"({_interval(r['low'], r['high'])}, {_significance(r)})"
        for r in gains
    )
    lines.append(
        "**Adding sentiment features to the stance models** (same hyper-parameters, paired "
        f"bootstrap): {gain_text} (`results/sentiment_features_gain.md`, "
        "`figures/06_sentiment_feature_gain.png`)."
    )
    transfer = [r for r in cross if r["train_lang"] != r["test_lang"]]
    within = [r for r in cross if r["train_lang"] == r["test_lang"]]
    lines.append(
        "**Models do not transfer across languages.** Trained in one language and tested on "
        "the same statements in the other, macro-F1 falls to "
        f"{min(r['macro_f1'] for r in transfer):.2f} to "
        f"{max(r['macro_f1'] for r in transfer):.2f}, from "
        f"{min(r['macro_f1'] for r in within):.2f} to {max(r['macro_f1'] for r in within):.2f} "
        "within a language (`results/cross_lingual.md`)."
    )
    hardest = errors[0]
    lines.append(
        f"**Hardest statements:** those tagged *{hardest['hard_case']}* "
        f"(error rate {hardest['error_rate']:.2f} over {hardest['texts']} test texts × targets), "
        f"followed by *{errors[1]['hard_case']}* ({errors[1]['error_rate']:.2f}) "
        "(`results/error_rates_by_hard_case.md`)."
    )
    not_constructed = sum(
        row["test"] + row["train"] for row in origins if row["origin"] != "constructed"
    )
    lines.append(
        f"**Limits.** All statements but the {not_constructed} seed quotations are constructed, "
        "written and labelled by language-model assistants; the test split comes from the same "
        "distribution as the training split, so these scores overstate performance on real "
        "statements: the same models score far lower on real sentences (notebook 07, "
        "`results/real_test.md`). The annotation agreement reported in the dataset card is "
        "between two model annotators, an upper bound on human agreement."
    )
    return "".join(f"- {line}\n" for line in lines)


def _write(name: str, markdown: Callable[[Path], str], directory: Path | None) -> str:
    """Write the findings ``markdown`` makes as ``{name}.md`` beside the tables it summarises
    (in ``directory``, default: the project's ``results/``); return their text."""
    directory = Path(directory or config.RESULTS_DIR)
    text = markdown(directory)
    atomic_write_text(directory / f"{name}.md", text)
    return text


def write_findings(directory: Path | None = None) -> str:
    """Write ``findings.md`` (the constructed statements, notebooks 04–06); return its text."""
    return _write("findings", findings_markdown, directory)


def real_findings_markdown(directory: Path | None = None) -> str:
    """The findings on real text (notebooks 07 and 08), written from their tables (in
    ``directory``, default: the project's ``results/``)."""
    directory = directory or config.RESULTS_DIR
    scores = _load(directory, "real_test")
    gains = _load(directory, "real_vs_alternatives")
    temporal = _load(directory, "real_temporal")
    agreement = _load(directory, "real_agreement")
    chosen = _load(directory, "real_model_selection")
    by_kind = _load(directory, "real_test_by_kind")
    lines = []
    for lang in ("en", "tr"):
        texts = "statements and tweets" if lang == "en" else "tweets and news"
        for label in ("russian_foreign_policy", "ukraine_operation", "sentiment"):
            model, best = model_and_best_baseline(
                pd.DataFrame([r for r in scores if r["lang"] == lang and r["label"] == label])
            )
            versus = {r["versus"]: r for r in gains if r["label"] == label and r["lang"] == lang}
            to_best, to_constructed = versus[best["system"]], versus[CONSTRUCTED_ONLY]
            data = next(r for r in chosen if r["label"] == label and r["lang"] == lang)
            f_avg = model.get("f_avg")
            lines.append(
                f"**{label} ({LANGUAGE_NAMES[lang]})**: the shipped model (trained on "
                f"{data['training_data']}) scores macro-F1 {model['macro_f1']:.2f} "
                f"({_interval(model['macro_f1_low'], model['macro_f1_high'])})"
                + (f", F_avg {f_avg:.2f}" if isinstance(f_avg, float) and f_avg == f_avg else "")
                + f" on the real {LANGUAGE_NAMES[lang]} test {texts}; the best baseline, "
                f"{best['system']}, {best['macro_f1']:.2f} (model − baseline "
                f"{to_best['delta']:+.2f}, {_interval(to_best['low'], to_best['high'])}); the "
                f"model trained on constructed statements only, "
                f"{model['macro_f1'] - to_constructed['delta']:.2f} (model − it "
                f"{to_constructed['delta']:+.2f}, "
                f"{_interval(to_constructed['low'], to_constructed['high'])}) "
                "(`results/real_test.md`, `results/real_vs_alternatives.md`)."
            )
    parts = []
    for kind in sorted({r["kind"] for r in by_kind}):
        rows = [r for r in by_kind if r["kind"] == kind and r["system"] == MODEL]
        parts.append(
            f"{kind}, {rows[0]['n']} texts: "
            + ", ".join(f"{r['macro_f1']:.2f} ({r['label']})" for r in rows)
        )
    lines.append(
        "**By kind of text**, the shipped models' macro-F1 within each kind of test text: "
        + "; ".join(parts)
        + " (`results/real_test_by_kind.md`, which also scores every baseline per kind; the "
        "translated statements are read by the Turkish models)."
    )
    lines.append(
        "**Across time** (trained up to 2023, tested on the 2024 speeches): macro-F1 "
        + ", ".join(
            f"{r['macro_f1']:.2f} ({r['label']}; majority class {r['majority_macro_f1']:.2f})"
            for r in temporal
        )
        + "; the 2024 test holds few side-taking sentences for some labels, so these rest on "
        "few examples (`results/real_temporal.md` lists the labels)."
    )
    rounds = []
    for texts, lang in dict.fromkeys((r["texts"], r["lang"]) for r in agreement):
        rows = [r for r in agreement if r["texts"] == texts and r["lang"] == lang]
        rounds.append(
            f"{LANGUAGE_NAMES[lang]} {texts} ({rows[0]['statements']} items) "
            + ", ".join(f"{r['cohen_kappa']:.2f} ({r['label']})" for r in rows)
        )
    lines.append(
        "**Agreement of the two annotation passes** (before adjudication), Cohen's kappa: "
        + "; ".join(rounds)
        + "; between language-model annotators: an upper bound on human agreement "
        "(`results/real_agreement.md`)."
    )
    aucs_path = Path(directory) / "vote_auc.json"
    if aucs_path.exists():
        aucs = _load(directory, "vote_auc")
        lines.append(
            "**Speeches and votes**: net stance of a state's General Debate speech separates "
            "states that voted yes from those that voted no or abstained with ROC AUC "
            + "; ".join(
                f"{r['auc']:.2f} ({_interval(r['auc_low'], r['auc_high'])}) on "
                f"{r['symbol']} ({r['states']} states, speeches of session "
                f"{r['session']}"
                + (
                    f"; {r['yes_or_absent_left_out']} states whose vote is known only as "
                    "yes or absent left out"
                    if r.get("yes_or_absent_left_out")
                    else ""
                )
                + ")"
                for r in aucs
            )
            + " (`results/vote_auc.md`, `figures/08_net_stance_by_vote.png`)."
        )
    return "".join(f"- {line}\n" for line in lines)


def write_real_findings(directory: Path | None = None) -> str:
    """Write ``real_findings.md`` (real text, notebooks 07–08); return its text."""
    return _write("real_findings", real_findings_markdown, directory)
