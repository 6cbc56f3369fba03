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
# # 02 · Explore the dataset
#
# **Question.** What does the dataset built in `01_build_dataset` contain, and is it balanced
# enough to train and evaluate stance classifiers on?
#
# **Method.** Counts and shares computed by `stance.constructed`, drawn by `stance.plots`;
# every figure is written to `figures/` by one save helper, byte for byte reproducibly.

# %%
import pandas as pd

from stance import constructed, plots

statements = constructed.load_statements()
one_per_statement = statements[statements["lang"] == "en"]
f"{len(statements)} texts, {statements['statement_id'].nunique()} statements"

# %% [markdown]
# ## 1. Stance labels per target, language and genre
#
# Both language versions of a statement carry the same labels, so shares per language are
# identical by construction; the table shows that the build kept them so.

# %%
stance_shares = pd.concat(
    {target: constructed.label_shares(statements, target, by="lang")
     for target in constructed.TARGETS}
).round(3)
stance_shares

# %%
per_genre = pd.concat(
    {target: constructed.label_shares(one_per_statement, target, by="genre")
     for target in constructed.TARGETS},
    names=["target", "genre"],
)
plots.publish(
    plots.share_bars(
        per_genre.set_axis([f"{t.split('_')[0]} · {g}" for t, g in per_genre.index]),
        "Stance by target and genre (statements)", "share of statements"),
    "02_stance_by_genre",
)

# %% [markdown]
# `russian_foreign_policy` is abbreviated *russian* and `ukraine_operation` *ukraine* in the
# bar labels. Social-media comments and op-eds take sides more often than news reports, which
# are mostly neutral: genre alone is a (weak) cue a model could pick up.

# %% [markdown]
# ## 2. Stance × sentiment
#
# The cross-tab shows, per target, how stance and sentiment combine. The cells *support ×
# negative* and *opposition × positive* are the statements a naive "sentiment as stance"
# mapping gets wrong.

# %%
crosstabs = {target: pd.crosstab(one_per_statement[target], one_per_statement["sentiment"])
             for target in constructed.TARGETS}
pd.concat(crosstabs, names=["target", "stance"])

# %%
mismatch = constructed.dataset_summary(statements)["naive_mapping"]
mismatch

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(8.4, 3.6), layout="constrained")
for ax, (target, table) in zip(axes, crosstabs.items(), strict=True):
    plots.heatmap(table.rename_axis(index="stance", columns="sentiment"),
                  target.replace("_", " "), ax=ax)
fig.suptitle("Stance × sentiment (statements)")
plots.publish(fig, "02_stance_sentiment_crosstab")

# %% [markdown]
# ## 3. Text length by language
#
# Turkish is agglutinative: the same statement takes fewer, longer words than in English. This
# matters for features: word n-grams see more distinct, sparser tokens in Turkish, which is one
# reason to also try character n-grams.

# %%
lengths = statements.assign(
    words=statements["text"].str.split().str.len(), characters=statements["text"].str.len())
lengths.groupby("lang")[["words", "characters"]].describe().round(1).T

# %%
plots.publish(
    plots.grouped_boxes(
        {lang: group["words"].tolist() for lang, group in lengths.groupby("lang")},
        "Statement length by language", "words per text"),
    "02_length_by_language",
)

# %% [markdown]
# **Caveat.** These distributions describe a constructed dataset whose label balance was set
# on purpose (each stance at least 20% per target; many statements against the naive mapping).
# They say nothing about how often each stance occurs in real public discourse.
