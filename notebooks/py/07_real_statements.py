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
# # 07 · Real statements: train and judge the models on real text
#
# **Question.** Notebooks 03–06 train and test on statements written for this project. Our users
# classify real statements. How well do transparent models read stance and sentiment in real
# diplomatic text, and does the constructed data help or hurt?
#
# **Data.** Real English sentences (sizes in the first table below), labelled by the rules of
# `data/ANNOTATION.md` (section "Real statements"): every sentence of the UN General Debate
# 2014–2024 that names Russia, the war or the measures argued over (a keyword rule that never
# looks at labels), from the states
# not reserved for independent evaluation, plus a seeded random sample of their other sentences;
# and sentences sampled by a seeded rule from Kremlin and Ukrainian presidential press releases
# (October 2021 – June 2022). The repository holds only ids, hashes and labels (`data/real/`);
# the text is rebuilt from the public corpora (`stance corpus fetch`, run by `make reproduce`).
#
# **Method.** Splits are grouped: all sentences of a state in one split (press releases: whole
# weeks), about 25% of the groups in `test`. Everything below is chosen by grouped 5-fold
# cross-validation on the real `train` split only; the real `test` split is scored once, at the
# end. Stance models are selected by F_avg (the mean F1 of *support* and *opposition*, the
# metric stance benchmarks report), sentiment by macro-F1; we report both metrics.

# %%
import pandas as pd

from stance import config, data, evaluate, experiments, plots, real, real_models, results

frame = real.build_real_dataset()
train, test = frame[frame["split"] == "train"], frame[frame["split"] == "test"]
tables = real.summary_tables(frame)
results.write_table(tables["sizes"].reset_index(), "real_dataset_sizes")
tables["sizes"]

# %% [markdown]
# Labels per source. Real `support` sentences are rare: the states whose speeches defend Russia's
# conduct are mostly reserved for an independent evaluation, so most come from Kremlin releases.

# %%
results.write_table(tables["labels"].reset_index(), "real_dataset_labels")
tables["labels"]

# %% [markdown]
# **Agreement.** A second annotator labelled a seeded random sample of sentences from the
# guidelines alone; Cohen's kappa before adjudication (every disagreement was then adjudicated,
# `data/real/adjudication.csv`). All annotators were language-model instances, not people: this
# is an upper bound on human agreement, not evidence of it.

# %%
agreement = real.agreement()
results.write_table(agreement, "real_agreement")
agreement

# %% [markdown]
# ## 1 · Which training data?
#
# Four ways to train, each scored on the same grouped validation folds of real training
# sentences with one fixed design (word + char n-grams, C = 10, balanced classes): real
# sentences only; real plus the English constructed statements, weighted 0.3 or 1 relative to a
# real sentence; and the constructed statements alone.

# %%
constructed = data.load_statements("train")
constructed = constructed[constructed["lang"] == "en"]
choice = real_models.choose_real_models(train, constructed, n_jobs=config.N_JOBS)
results.write_table(choice.table, "real_training_data")
choice.table.pivot(index="training_data", columns="label", values="cv_score")

# %% [markdown]
# Each label's final model is searched on its best training data (`C` of the word + char design)
# and refitted. These are the English models the project ships
# (`models/{label}_en.skops`); their metadata names the training data. The Turkish models stay
# trained on the Turkish constructed statements (notebook 03): **no real Turkish text is in the
# project, and their accuracy on real statements is unmeasured.**

# %%
sources, selections = choice.sources, choice.selections
real_models.save_real_models(selections, sources, train, constructed)
real_models.ship_constructed_models(data.LABEL_COLUMNS, "tr")
chosen = pd.DataFrame([{"label": label, "training_data": sources[label],
                        "selected_by": selection.metric, "cv_score": selection.cv_score,
                        **{key.split("__")[-1]: str(value)
                           for key, value in selection.best_params.items()}}
                       for label, selection in selections.items()])
results.write_table(chosen, "real_model_selection")
chosen

# %% [markdown]
# ## 2 · The real test, once
#
# Macro-F1 and F_avg with 95% bootstrap intervals (1,000 seeded resamples over sentences) for
# the shipped model, for the model trained on constructed statements only (notebook 03/06,
# English), and for baselines: the majority class, a stratified random guess, sentiment read as
# stance (from the sentiment model's predictions), a keyword rule written from the guidelines
# (`stance.real_models.OPPOSITION_CUES`/`SUPPORT_CUES`), and VADER for sentiment.

# %%
shipped = {label: selection.estimator for label, selection in selections.items()}
constructed_models = experiments.load_models(data.LABEL_COLUMNS, ("en",))
constructed_only = {label: constructed_models[label, "en"].pipeline
                    for label in data.LABEL_COLUMNS}
systems = real_models.real_test_systems(shipped, constructed_only, train, test)
scores = real_models.score_on_real_test(test, systems)
results.write_table(scores, "real_test")
summary = results.with_intervals(scores, ["macro_f1", "f_avg"])
results.write_table(summary, "real_test_summary")
summary

# %%
plots.publish(plots.score_intervals(scores.assign(panel=scores["label"]),
                                    "Real test sentences: macro-F1 with 95% bootstrap intervals"),
              "07_real_test_scores")

# %% [markdown]
# **By kind of text.** The test split pools UN speech sentences and press-release sentences, and
# nearly all `support` sentences are in the press releases (most of them Kremlin releases). The
# same scores within each source (`ungdc`: UN General Debate; `presidential`: press releases),
# for the model and the strongest baselines; every system is in `results/real_test_by_source.md`:

# %%
by_source = real_models.scores_by_source(test, systems)
results.write_table(by_source, "real_test_by_source")
by_source = results.with_intervals(by_source, ["macro_f1", "f_avg"])
by_source = by_source[by_source["system"].isin(["model", "keyword rule", "VADER"])]
results.write_table(by_source, "real_test_by_source_summary")
by_source

# %% [markdown]
# **Is the model better than each alternative on the same sentences?** A paired bootstrap: the
# shipped model's macro-F1 minus each other system's, its 95% interval and a two-sided p-value
# (the smallest 1,000 resamples can give is 0.002). The row "constructed-only model" measures
# what real training data adds.

# %%
gains = real_models.paired_gains(test, systems)
results.write_table(gains, "real_vs_alternatives", floatfmt="{:.4f}")
gains

# %% [markdown]
# Where the shipped models err (rows: gold, columns: predicted):

# %%
confusions = {label: evaluate.confusion_table(test[label].tolist(), predicted["model"])
              for label, predicted in systems.items()}
plots.publish(plots.confusion_grid(confusions, "Real test sentences: confusion matrices"),
              "07_real_confusion_matrices")

# %% [markdown]
# ## 3 · Across time: train up to 2023, test on 2024
#
# The same designs and training data, refitted on the UN sessions 69–78 (and the press
# releases), scored on the UN sentences of session 79 (2024), beside the majority class.

# %%
temporal = real_models.temporal_scores(frame, constructed, selections, sources,
                                       n_jobs=config.N_JOBS)
results.write_table(temporal, "real_temporal")
temporal

# %% [markdown]
# ## 4 · The constructed statements as a challenge set
#
# The constructed test split (notebook 01) is no longer the headline: it is a set of hard cases
# written on purpose. Error rates of the shipped English models there, by hard-case tag:

# %%
challenge = real_models.challenge_set_errors(shipped, data.load_statements("test"))
results.write_table(challenge, "challenge_set_errors")
challenge.head(12)

# %% [markdown]
# **Caveats.** The labels come from language-model annotators working from written guidelines;
# the test split is a few hundred sentences from about 35 states and some weeks of press
# releases, so intervals are wide, and widest for the rare `support` class. The sentences are
# judged out of context. The scores say how well the models reproduce these guidelines on
# these sources, not how they do on other genres (news, social media) or languages.
