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
# # 03 · Train the stance classifiers
#
# **Question.** How well can a transparent model, TF-IDF n-grams and logistic regression,
# learn each statement's stance toward the two targets, in English and in Turkish?
#
# **Method.** One classifier per target and language (2 × 2). Each is chosen by 5-fold
# cross-validation **on the training split only**, with folds grouped by `group` (variants of a
# statement never sit on both sides of a fold) and scored by macro-F1, over a small grid:
# word n-grams, character n-grams (`char_wb`, within word boundaries) or both, the n-gram range,
# the regularisation strength `C`, and class weighting. The winner is refitted on the whole
# training split and saved with skops, with the metadata needed to use it. The test split is not
# touched here; `04_evaluate_stance` uses it once.

# %%
import pandas as pd

from stance import config, constructed, constructed_models, model_files, model_selection, results

train = constructed.load_statements("train")
pd.DataFrame(model_selection.PARAM_GRIDS).T.rename_axis("features")

# %%
selections = constructed_models.fit_models(train, constructed.TARGETS, langs=("en", "tr"),
                                           n_jobs=config.N_JOBS)
selection = model_selection.selection_summary(selections)
results.write_table(selection, "stance_model_selection")

# %% [markdown]
# The cross-validated macro-F1 is an estimate from inside the training split; it was also used
# to choose among the candidates, so it is slightly optimistic. The five best candidates for
# one model show how flat the top of the grid is:

# %%
selections["ukraine_operation", "en"].cv_results.head(5)

# %% [markdown]
# ## Save the models
#
# `models/constructed/{target}_{lang}.skops` (git-ignored, rebuilt by `make reproduce`): models
# of the constructed statements. The English models the project ships are chosen on real text in
# `07_real_statements`; the Turkish ones are these. A model file holds
# the pipeline and its metadata: classes, target, language, the SHA-256 of its training data,
# the package and scikit-learn versions, the chosen parameters and the CV score. Loading refuses
# any type outside a short trusted list, so a model file cannot run arbitrary code.

# %%
paths = constructed_models.save_models(selections, train)
loaded = model_files.load_model(paths[0])
sorted(path.name for path in paths), {k: loaded.metadata[k] for k in ("target", "lang", "labels")}

# %% [markdown]
# The same models can be trained from the command line on any CSV, e.g.
# `stance train --data data/statements/train.csv --text-column text --label-column
# ukraine_operation --group-column group --out my_model.skops` (the command selects with the
# same grid; filter the rows to one language first).
