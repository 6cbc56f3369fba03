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
# # Adaptation template · the whole flow on your own CSV
#
# **Question.** How well can the project's transparent model, TF-IDF n-grams and logistic
# regression, learn the labels of *your* data: any CSV with a text column and a label column,
# any target, any label names (two classes or more), any language?
#
# **Method.** The flow of notebooks `03`–`05` on one labelled CSV: check the data, hold out a
# stratified test split (grouped, when texts come in groups such as threads or authors), choose
# features and hyper-parameters by cross-validation on the training split only, evaluate once on
# the test split against two baselines with bootstrap intervals, and read the top features.
#
# **How to use it.** Edit the parameters in the next cell and run all cells, or run
# `make adapt DATA=my.csv TEXT=text LABEL=stance` (`stance adapt`; see *How to adapt*), which checks
# the CSV, runs this notebook with those parameters, saves it with an HTML copy and prints the test
# scores. By default it runs on a small made-up example: 120 forum comments
# about a city's plan to ban cars from its centre, labelled `pro`, `anti`, `mixed` or
# `unrelated`. Everything it writes goes to `output_dir`, never to the project's `figures/`,
# `results/` or `models/`.

# %% tags=["parameters"]
data_path = "../tests/fixtures/adapt_four_class.csv"  # a UTF-8 CSV file with a header row
text_column = "comment"  # the column of texts
label_column = "position"  # the column of labels: any names, at least 2 classes
group_column = "thread"  # texts of one group stay together (None: every text on its own)
lang = "en"  # language code of the texts; "tr" gives Turkish lowercasing (İ → i, I → ı)
target_name = "car-free city centre"  # what the stance is toward: used in titles and file names
output_dir = "../build/adapt"  # everything this notebook writes goes here
test_size = 0.25  # share of the texts held out for the one final test
seed = 20240619  # stance.config.SEED: the split, the CV folds and the bootstrap depend on it

# %% [markdown]
# ## 1 · Load and check the data
#
# The CSV must have the text and label columns (and the group column when one is given). Rows
# with an empty text are dropped and counted; every remaining row needs a label. There must be
# at least two classes, each with at least three examples: one for the test split and two for
# cross-validation. A text given twice with different labels is an error; given twice with the
# same label, a warning (a copy in each split would inflate the test score). Any problem stops
# the notebook here with a one-line message naming the file and, where there is one, the line
# (the header is line 1). `make adapt` runs these same checks before it starts the notebook.

# %%
import pandas as pd

from stance import (
    adapt,
    baselines,
    evaluate,
    interpret,
    model_files,
    model_selection,
    plots,
    results,
)

adapt.enable_one_line_errors()
pd.set_option("display.max_colwidth", 100)
print("lowercasing:", adapt.check_lang(lang))
out = adapt.output_directory(output_dir)
stem = adapt.file_stem(target_name, lang)

labelled = adapt.read_labelled_csv(data_path, text_column, label_column, group_column)
print(labelled.summary)
for warning in labelled.warnings:
    print("warning:", warning)
frame = labelled.frame
labelled.counts.to_frame()

# %% [markdown]
# ## 2 · Hold out a test split
#
# A stratified split keeps each class's share about the same in both parts. With a group column
# the split is also grouped: all texts of a group (a thread, an author, a source article, the
# variants of one statement) land on the same side, so the test measures how the model does on
# groups it has never seen. The split is seeded, so a rerun gives the same one.

# %%
train, test = adapt.split_frame(frame, label_column, group_column, test_size, seed)
adapt.class_counts(train, test, label_column)

# %% [markdown]
# ## 3 · Choose and train the model (cross-validation inside the training split)
#
# `model_selection.select_model` tries word n-grams, character n-grams and both, two n-gram
# ranges, two regularisation strengths `C` and class weighting, scoring each candidate by stratified
# cross-validated macro-F1 (folds grouped like the split), and refits the best on the whole
# training split. The test split is not touched. The CV score helped choose the model, so it is
# slightly optimistic.

# %%
selection = model_selection.select_model(
    train[text_column].tolist(), train[label_column].tolist(),
    train[group_column].tolist() if group_column else None, lang=lang, seed=seed)
summary = model_selection.selection_summary({(target_name, lang): selection}).rename(
    columns={"label": "target"})
results.write_table(summary, f"{stem}_model_selection", directory=out)

# %% [markdown]
# The five best candidates: when their scores lie within a standard deviation of each other, the
# choice among them is luck of the folds.

# %%
selection.cv_results.drop(columns="params").head(5)

# %% [markdown]
# The model is saved as a skops file with its metadata (classes, target, language, columns, a
# hash of the training data, versions, chosen parameters, CV score), and read back: the rest of
# the notebook uses the saved file, as anyone who reuses it would.

# %%
model_path = out / f"{stem}.skops"
model_files.save_selection(selection, model_path, train[text_column].tolist(),
                      train[label_column].tolist(), target=target_name, lang=lang,
                      text_column=text_column, label_column=label_column)
model = model_files.load_model(model_path)
classes = model.metadata["labels"]
print(f"saved {model_path.name}: {len(classes)} classes ({', '.join(classes)}), "
      f"trained on {model.metadata['n_train']} texts")

# %% [markdown]
# ## 4 · Evaluate once on the test split
#
# Macro-F1 (the mean F1 over classes, so every class counts the same however rare), accuracy,
# and F_avg (the mean F1 of the two side-taking classes, the SemEval-2016 stance metric) when
# the labels include *support*/*opposition* or *favor*/*against*. The intervals are 95%
# percentile-bootstrap intervals over test texts. Two baselines frame the numbers: always the
# training split's most frequent class, and a random guess with the training class shares. The
# table below them is the model's paired gain over each baseline: the difference in macro-F1 on
# the same bootstrap resamples, its 95% interval and a two-sided p-value.

# %%
gold = test[label_column].tolist()
predicted = model.pipeline.predict(test[text_column].tolist()).tolist()
systems = {evaluate.MODEL: predicted,
           **baselines.baseline_systems(train[label_column].tolist(), test[text_column].tolist(),
                                        seed=seed)}
comparison = evaluate.compare(gold, systems, seed=seed)
scores = comparison.scores
results.write_table(scores, f"{stem}_test_scores", directory=out)
results.write_table(comparison.gains, f"{stem}_vs_baselines", directory=out, floatfmt="{:.4f}")
comparison.gains

# %%
plots.publish(
    plots.score_intervals(scores.assign(panel=""), f"{target_name} · {lang}: test macro-F1 "
                          f"with 95% bootstrap intervals ({len(test)} texts)"),
    f"{stem}_test_scores", directory=out)

# %% [markdown]
# Per class: precision (of the texts predicted as the class, the share that are), recall (of
# the texts of the class, the share found) and F1, their harmonic mean; support is the number
# of test texts of the class.

# %%
per_class = adapt.per_class_table(
    evaluate.classification_scores(gold, predicted, classes)["per_class"])
results.write_table(per_class, f"{stem}_per_class", directory=out)

# %% [markdown]
# Where the errors are (rows: gold label, columns: predicted label):

# %%
confusion = evaluate.confusion_table(gold, predicted, labels=classes)
results.write_table(confusion.reset_index(), f"{stem}_confusion", directory=out)
plots.publish(plots.confusion_grid({f"{target_name} · {lang}": confusion},
                                   "Test confusion matrix (gold × predicted)"),
              f"{stem}_confusion", directory=out)

# %% [markdown]
# Some of the mistakes, to read: are they the model's errors, or the label's?

# %%
adapt.mistakes(test[text_column].tolist(), gold, predicted, n=10)

# %% [markdown]
# ## 5 · What the model learned
#
# The model is linear, so a feature's pull toward a class is its coefficient. The n-grams with
# the largest coefficient for each class (the table lists them as `word: ...` and `char: ...`;
# the chart shows word and character n-grams in separate panels, `␣` marking a word boundary):

# %%
top = interpret.top_features(model.pipeline, n=10)
results.write_table(top, f"{stem}_top_features", directory=out)
plots.publish(plots.top_feature_bars(interpret.chart_features(model.pipeline, n=10),
                                     f"Top features · {target_name} · {lang}"),
              f"{stem}_top_features", directory=out)

# %% [markdown]
# Everything this run wrote:

# %%
print(f"in {output_dir}:")
adapt.written_files(out, stem)

# %% [markdown]
# The saved model labels new texts from the command line: `stance predict --model
# <output_dir>/<file>.skops --data new.csv --text-column <text column> --out predicted.csv`.
#
# **Caveats.** The test split is a sample of the same data as the training split: same sources,
# same annotators, same period. The scores are therefore an upper bound on what the model would
# reach on texts collected elsewhere or later (an outside check of models trained on constructed
# data found macro-F1 on real texts about 0.25 lower than in-dataset cross-validation). The
# intervals cover the sampling noise of the test texts only, not that shift, and with a few
# dozen test texts they are wide. Top
# features show what separates the classes *in this data*: many may be topical words or quirks
# of how the texts were written, not what expresses a stance. Before trusting the numbers, read
# the mistakes and check how consistently the labels were given (see `data/ANNOTATION.md`).
