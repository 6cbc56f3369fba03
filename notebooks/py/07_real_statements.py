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
# # 07 · Real text: train and judge the models on real statements, tweets and news
#
# **Question.** Notebooks 03–06 train and test on statements written for this project. Our users
# classify real text, in English and Turkish: UN speeches, government releases, news, posts. How
# well do transparent models read stance and sentiment in each kind of real text, in each
# language, and what should they learn from: real text of the same kind, real text of another
# kind, translations, or the constructed statements?
#
# **Data.** Real texts labelled by the rules of `data/ANNOTATION.md` (sizes in the first table
# below):
# - English **statements**: every sentence of the UN General Debate 2005–2024 that names Russia,
#   the war or the measures argued over (a keyword rule that never looks at labels), from the
#   speeches not reserved for independent evaluation, plus a seeded random sample of their other
#   sentences; and sentences sampled by a seeded rule from Kremlin and Ukrainian presidential
#   press releases (October 2021 – June 2022);
# - **tweets** (MiDe22), Turkish and English, labelled whole: every tweet of the corpus's war topic
#   (February–April 2022) and every keyword tweet of its other topics, plus a seeded random sample
#   of other Turkish tweets;
# - Turkish **news**: every keyword sentence of 200 Anadolu Agency articles and a seeded random
#   sample of their other sentences;
# - Turkish **translations** of the English statements (committed in `data/real/`), which keep
#   their originals' labels and splits.
#
# The repository holds ids, hashes and labels of the original texts (`data/real/`); their text is
# rebuilt from the public corpora (`stance corpus fetch`, run by `make reproduce`).
#
# **Method.** Splits are grouped: all sentences of a state in one split, press releases by week,
# tweets by MiDe22 event, news by article; about 25% of the groups of each source and language in
# `test`. Everything below is chosen by grouped 5-fold cross-validation on the `train` split of
# one language's real text only; the `test` split is scored once, at the end. Stance models are
# selected by F_avg (the mean F1 of *support* and *opposition*, the metric stance benchmarks
# report), sentiment by macro-F1; we report both metrics.

# %%
import pandas as pd
from IPython.display import Markdown, display

from stance import (
    baselines,
    config,
    constructed,
    constructed_models,
    evaluate,
    model_cards,
    plots,
    real,
    real_models,
    results,
    text,
    tweets_news,
)

frame = real.build_real_dataset()
tables = real.summary_tables(frame)
results.write_table(tables["sizes"].reset_index(), "real_dataset_sizes")
tables["sizes"]

# %% [markdown]
# Labels per kind of text. Real `support` is rare in UN speeches (the states whose speeches
# defend Russia's conduct are mostly reserved for an independent evaluation) and comes mostly from
# Kremlin releases and tweets; the news sentences almost never take a side (a news agency
# reports).

# %%
results.write_table(tables["labels"].reset_index(), "real_dataset_labels")
tables["labels"]

# %% [markdown]
# **Agreement.** A second annotator labelled a seeded random sample of each round from the
# guidelines alone; Cohen's kappa before adjudication (every disagreement was then adjudicated,
# `data/real/adjudication.csv`, `data/real/tweets_news_adjudication.csv`). All annotators were
# language-model instances, not people: this is an upper bound on human agreement, not evidence
# of it. First the English statements, then the tweets and news per language:

# %%
agreement = pd.concat([real.agreement().assign(lang="en", texts="statements"),
                       tweets_news.agreement().assign(texts="tweets and news")])
agreement = agreement[["texts", "lang", "label", "statements", "agreement", "cohen_kappa"]]
results.write_table(agreement, "real_agreement")
agreement

# %% [markdown]
# A second reviewer compared a seeded sample of the Turkish translations with their English
# originals (`error`: meaning or a stance-bearing word changed; `minor`: wording only):

# %%
review = tweets_news.translation_review()
results.write_table(review, "translation_review")
review

# %% [markdown]
# ## 1 · Which training data?
#
# Each option is scored on the same grouped validation folds of one language's real training
# text with one fixed design (word + char n-grams, C = 10, balanced classes).
#
# **English** (`stance.real_models.ENGLISH_TRAINING`): real statements, real tweets or both,
# with or without the English constructed statements (weight 0.3 relative to a real text), or the
# constructed statements alone; validated on English statements and tweets together.
#
# **Turkish** (`stance.real_models.TURKISH_TRAINING`): real Turkish tweets and news, alone or
# with the translations of the English statements (weight 0.3 or 1) and the Turkish constructed
# statements (weight 0.3), or translations or constructed statements alone; validated on real
# Turkish tweets and news only (translations are never in a validation fold).

# %%
constructed_train = constructed.load_statements("train")
english_train = real.select(frame, "en", split="train")
turkish_train = real.select(frame, "tr", split="train")
translated_train = real.select(frame, "tr", translated=True, split="train")
by_lang = dict(tuple(constructed_train.groupby("lang")))
parts = {"en": {"constructed statements (en)": by_lang["en"]},
         "tr": {"translated statements (tr)": translated_train,
                "constructed statements (tr)": by_lang["tr"]}}
options = {"en": real_models.ENGLISH_TRAINING, "tr": real_models.TURKISH_TRAINING}
trains = {"en": english_train, "tr": turkish_train}
choices = {lang: real_models.choose_real_models(trains[lang], list(parts[lang].values()),
                                                options[lang], lang, n_jobs=config.N_JOBS)
           for lang in ("en", "tr")}
comparison = pd.concat([choice.table.assign(lang=lang) for lang, choice in choices.items()])
results.write_table(comparison, "real_training_data")
comparison.pivot_table(index=["lang", "training_data"], columns="label", values="cv_score",
                       sort=False)

# %% [markdown]
# Each label's final model is searched on its best training data (`C` of the word + char design;
# for Turkish also the same design with the keyword rule's cue counts as two more features,
# `stance.features.KeywordCueCounts`) and refitted. These are the models the project ships
# (`models/{label}_{lang}.skops`); their metadata names the training data.

# %%
for lang, choice in choices.items():
    real_models.save_real_models(choice.selections, choice.sources, trains[lang],
                                 list(parts[lang].values()), options[lang], lang)
chosen = real_models.selection_table(choices)
results.write_table(chosen, "real_model_selection")
chosen

# %% [markdown]
# ## 2 · The real test, once
#
# Macro-F1 and F_avg with 95% bootstrap intervals (1,000 seeded resamples over texts) for the
# shipped model, for the model trained on the language's constructed statements only (notebooks
# 03/06), and for baselines: the majority class, a stratified random guess, sentiment read as
# stance (from the sentiment model's predictions), a keyword rule written from the guidelines for
# each language (`stance.baselines.KEYWORD_CUES`), and VADER for English sentiment. Pooled over
# each language's original text (English: statements and tweets; Turkish: tweets and news):

# %%
constructed_fitted = constructed_models.load_models(constructed.LABEL_COLUMNS, ("en", "tr"))
systems, tests = {}, {}
for lang, choice in choices.items():
    tests[lang] = real.select(frame, lang, split="test")
    shipped = {label: selection.estimator for label, selection in choice.selections.items()}
    constructed_only = {label: constructed_fitted[label, lang].pipeline
                        for label in constructed.LABEL_COLUMNS}
    systems[lang] = real_models.real_test_systems(shipped, constructed_only, trains[lang],
                                                  tests[lang], lang=lang)
comparison = evaluate.compare_each(real_models.test_cases(tests, systems), ["lang", "label"])
scores = comparison.scores
results.write_table(scores, "real_test")
summary = results.with_intervals(scores, ["macro_f1", "f_avg"])
results.write_table(summary, "real_test_summary")
summary

# %%
panels = (scores["label"].map(plots.LABEL_NAMES) + " · "
          + scores["lang"].map(text.LANGUAGE_NAMES))
plots.publish(plots.score_intervals(scores.assign(panel=panels),
                                    "Real test texts: macro-F1 with 95% bootstrap intervals"),
              "07_real_test_scores")

# %% [markdown]
# **By kind of text.** The same scores within each kind of text: English UN speeches, press
# releases and tweets; Turkish tweets and news; and the Turkish translations of the English test
# statements, scored by the Turkish models (a check of what they learnt, not a test of real
# Turkish text). Every system is in `results/real_test_by_kind.md`; the model and the strongest
# baselines:

# %%
translated_test = real.select(frame, "tr", translated=True, split="test")
turkish_on_translations = real_models.real_test_systems(
    {label: selection.estimator for label, selection in choices["tr"].selections.items()},
    {label: constructed_fitted[label, "tr"].pipeline for label in constructed.LABEL_COLUMNS},
    trains["tr"], translated_test, lang="tr")
by_kind = evaluate.compare_each(
    real_models.kind_cases(tests["en"], systems["en"])
    | real_models.kind_cases(tests["tr"], systems["tr"])
    | real_models.kind_cases(translated_test, turkish_on_translations),
    ["kind", "n", "label"]).scores
results.write_table(by_kind, "real_test_by_kind")
results.write_table(real_models.headline_table(by_kind), "real_test_headline")
summary_by_kind = results.with_intervals(by_kind, ["macro_f1", "f_avg"])
summary_by_kind = summary_by_kind[summary_by_kind["system"].isin(
    [evaluate.MODEL, real_models.CONSTRUCTED_ONLY, baselines.KEYWORD_RULE, baselines.VADER])]
results.write_table(summary_by_kind, "real_test_by_kind_summary")
summary_by_kind

# %% [markdown]
# Each shipped model gets a model card beside it (`models/{label}_{lang}.md`, rendered with
# `skops.card`): intended use, training data per kind of text, these scores per kind, and the
# kinds of text where it must not be trusted (macro-F1 below
# `stance.model_cards.UNTRUSTED_BELOW`, or not above the best baseline). The Turkish sentiment
# model's card, for example:

# %%
model_cards.write_model_cards(choices, trains, parts, options, chosen, by_kind)
Markdown(model_cards.card_path("sentiment", "tr").read_text(encoding="utf-8"))

# %% [markdown]
# **Is the model better than each alternative on the same texts?** A paired bootstrap per
# language (original text): the shipped model's macro-F1 minus each other system's, its 95%
# interval and a two-sided p-value (the smallest 1,000 resamples can give is 0.002). The rows
# "constructed-only model" measure what real training data adds.

# %%
results.write_table(comparison.gains, "real_vs_alternatives", floatfmt="{:.4f}")
comparison.gains

# %% [markdown]
# Where the shipped models err (rows: gold, columns: predicted), per language:

# %%
for lang in systems:
    confusions = {label: evaluate.confusion_table(tests[lang][label].tolist(),
                                                  predicted[evaluate.MODEL])
                  for label, predicted in systems[lang].items()}
    display(plots.publish(plots.confusion_grid(confusions, f"Real test texts ({lang}): "
                                               "confusion matrices"),
                          f"07_real_confusion_matrices_{lang}"))

# %% [markdown]
# ## 3 · Across kinds of text
#
# Does a model of statements read tweets, and the reverse? Each English label's chosen design,
# fitted on the training statements, the training tweets or both, and scored on the test
# statements and test tweets:

# %%
cross_genre = real_models.cross_genre_scores(
    real.select(frame, "en"),
    choices["en"].selections,
    {"statements": real_models.STATEMENT_GENRES, "tweets": ("tweet",),
     "statements + tweets": (*real_models.STATEMENT_GENRES, "tweet")},
    n_jobs=config.N_JOBS)
results.write_table(cross_genre, "real_cross_genre")
cross_genre.pivot_table(index=["label", "trained_on"], columns="tested_on", values="macro_f1",
                        sort=False)

# %% [markdown]
# ## 4 · Across time: train up to 2023, test on 2024
#
# The English designs and training data, refitted without the UN session 79 (2024), scored on
# the UN sentences of session 79, beside the majority class.

# %%
temporal = real_models.temporal_scores(real.select(frame, "en"), list(parts["en"].values()),
                                       choices["en"].selections, choices["en"].sources,
                                       options["en"], n_jobs=config.N_JOBS)
results.write_table(temporal, "real_temporal")
temporal

# %% [markdown]
# ## 5 · The constructed statements as a challenge set
#
# The constructed test split (notebook 01) is no longer the headline: it is a set of hard cases
# written on purpose. Error rates of the shipped English models there, by hard-case tag:

# %%
shipped_en = {label: selection.estimator for label, selection in choices["en"].selections.items()}
challenge = real_models.challenge_set_errors(shipped_en, constructed.load_statements("test"))
results.write_table(challenge, "challenge_set_errors")
challenge.head(12)

# %% [markdown]
# ## 6 · The seed article
#
# The project's first document, the Turkish news article on the June 2024 Putin–Kim summit, split
# into sentences (Turkish rules) and read by the shipped Turkish models, beside the labels of the
# article's four annotated quotations. A quotation is labelled whole, so one of its sentences may
# rightly differ (a plain fact inside a supportive quotation); sentences outside quotations are
# the journalist's and have no gold label.

# %%
shipped_tr = {label: selection.estimator for label, selection in choices["tr"].selections.items()}
seed = real_models.seed_article_predictions(shipped_tr)
results.write_table(seed, "seed_article_predictions")
seed

# %% [markdown]
# **Caveats.** The labels come from language-model annotators working from written guidelines;
# each test split is a few hundred texts from a few dozen states, weeks, events or articles, so
# intervals are wide, and widest for the rare `support` class. Sentences and tweets are judged
# out of context. The tweets come from the events MiDe22's authors chose for misinformation
# research (rumours and fact-checks are over-represented), and the Turkish news sentences almost
# never take a side. The scores say how well the models reproduce these guidelines on these
# sources, not how they do on other sources or languages.
