# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -jupyter,-editable,-deletable
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Evaluate the stance classifiers on the test split
#
# **Question.** How good are the four classifiers of `03_train_stance` on statements they have
# never seen, and how sure can we be with ~160 test statements per language?
#
# **Method.** The test split is used here once. For each target and language we report
# macro-F1 (the mean F1 of the three classes), F_avg (the mean F1 of *support* and
# *opposition*, the SemEval-2016 stance metric, which still counts neutral items as errors of
# the side-taking classes) and accuracy, with 95% percentile-bootstrap intervals over test
# items (1,000 seeded resamples). The baselines are the ones every comparison of the project
# uses (`stance.baselines`): the majority class, a stratified random guess, **sentiment read as
# stance** (positive → support, negative → opposition) using the *gold* sentiment labels, the
# best case of that heuristic, and the keyword rule of each language, written from the
# annotation guidelines for real text. The model is called `model` in every table.

# %%
import pandas as pd

from stance import config, constructed, constructed_models, evaluate, model_files, plots, results

LANGS = ("en", "tr")
train = constructed.load_statements("train")
test = constructed.load_statements("test")
loaded = constructed_models.load_models(constructed.TARGETS, LANGS)
predictions = constructed_models.model_predictions(loaded, test)
comparison = evaluate.compare_each(constructed_models.comparison_cases(predictions, train, test),
                                   ["target", "lang"])
scores = comparison.scores
columns = ["target", "lang", "system", *evaluate.SCORE_COLUMNS]
results.write_table(scores[columns], "stance_test")
results.write_table(results.with_intervals(scores[columns], ["macro_f1", "f_avg"]),
                    "stance_test_summary")

# %%
plots.publish(
    plots.score_intervals(
        scores.assign(panel=scores["target"].str.split("_").str[0] + " · " + scores["lang"]),
        "Test macro-F1 with 95% bootstrap intervals"),
    "04_test_scores",
)

# %% [markdown]
# **Is the model better than each baseline, reading stance off sentiment included?** A paired
# bootstrap over the same test items: the difference in macro-F1 (model − baseline), its 95%
# interval, and a two-sided p-value.

# %%
results.write_table(comparison.gains, "stance_vs_baselines", floatfmt="{:.4f}")

# %% [markdown]
# ## Where the errors are
#
# Confusion matrices (rows: gold, columns: predicted). Most confusions involve *neutral*:
# a statement that reports a side, or takes one only by implication, is easily read as taking it.

# %%
by_model = predictions.groupby(["target", "lang"], sort=False)
confusions = {
    f"{target.split('_')[0]} · {lang}": evaluate.confusion_table(
        rows["gold"].tolist(), rows["predicted"].tolist(), labels=constructed.STANCES)
    for (target, lang), rows in by_model
}
plots.publish(plots.confusion_grid(confusions, "Test confusion matrices (gold × predicted)"),
              "04_confusion_matrices")

# %% [markdown]
# ## Across languages
#
# Each statement exists in English and in Turkish, so a model trained in one language can be
# tested on the *same* test statements in the other. Word n-grams share almost nothing across
# the two languages; character n-grams share names, numbers and loanwords (*NATO*, *Kremlin*,
# *operasyon*). Hyper-parameters are fixed here (C = 10, balanced class weights) so that the
# table measures the languages, not a search.

# %%
cross = constructed_models.cross_lingual_table(train, test, constructed.TARGETS,
                                               n_jobs=config.N_JOBS)
results.write_table(cross, "cross_lingual")
cross.pivot_table(index=["label", "features", "train_lang"], columns="test_lang",
                  values="macro_f1")

# %% [markdown]
# ## How much data is enough? Learning curves
#
# Held-out macro-F1 against the number of training texts: 5-fold grouped cross-validation
# inside the training split, repeated twice with different seeds, each model with the
# hyper-parameters chosen in `03_train_stance` (English). Error bars are one standard deviation
# over the 10 runs.

# %%
from sklearn.base import clone

curves = []
for target in constructed.TARGETS:
    rows = train[train["lang"] == "en"]
    pipeline = loaded[target, "en"].pipeline
    table = evaluate.learning_curve_table(
        lambda pipeline=pipeline: clone(pipeline), rows["text"].tolist(), rows[target].tolist(),
        rows["group"].tolist(), train_fractions=(0.2, 0.4, 0.7, 1.0), n_repeats=2,
        n_jobs=config.N_JOBS)
    curves.append(table.assign(curve=target))
curves = pd.concat(curves, ignore_index=True)
results.write_table(curves[["curve", "fraction", "n_train", "mean_macro_f1", "std_macro_f1",
                            "runs"]], "learning_curves")
plots.publish(plots.learning_curves(curves, "Learning curves (English, CV in train)"),
              "04_learning_curves")

# %% [markdown]
# ## Calibration
#
# Are the predicted probabilities trustworthy? In a reliability diagram a calibrated model's
# points lie on the diagonal: of the items given probability ~0.7 for a class, ~70% belong to
# it. The multi-class Brier score summarises it (0 is perfect; always answering 1/3 for each of
# three classes scores 0.667).

# %%
calibration, brier = {}, []
for (target, lang), rows in by_model:
    classes = loaded[target, lang].pipeline.classes_.tolist()
    proba = constructed_models.probabilities(rows, classes)
    calibration[model_files.model_name(target, lang)] = evaluate.calibration_table(
        rows["gold"].tolist(), proba, classes, n_bins=5)
    brier.append({"target": target, "lang": lang,
                  "brier": evaluate.brier_score(rows["gold"].tolist(), proba, classes)})
results.write_table(pd.DataFrame(brier), "calibration_brier")

# %%
plots.publish(plots.reliability(calibration, "Reliability on the test split (5 bins)"),
              "04_calibration")

# %% [markdown]
# **Caveats.** The test split is drawn from the same constructed distribution as the training
# split: same writers, same guidelines, similar phrasing. These scores are therefore an upper
# bound on what the models would reach on real statements collected independently; an outside
# check of constructed-data models found real-world macro-F1 about 0.25 lower than in-dataset
# cross-validation. The intervals cover sampling noise only, not this shift.
