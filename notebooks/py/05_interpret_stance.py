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
# # 05 · What the stance models learned, and where they fail
#
# **Question.** A transparent model should be readable: which n-grams push a statement toward
# *support*, *opposition* or *neutral*? What decides the label of one statement, for instance a
# real quotation from the seed article? And which kinds of statements does the model get wrong?
#
# **Method.** Logistic regression over TF-IDF features is linear: a feature's pull toward a
# class is its coefficient, and its part in one decision is its TF-IDF value times that
# coefficient (`stance.interpret`). Error analysis groups the test mistakes by the hard-case tag
# each statement was written with (negation, irony, reported speech, ...).

# %%
import pandas as pd
from IPython.display import display

from stance import constructed, constructed_models, interpret, plots, results

pd.set_option("display.max_colwidth", 120)
test = constructed.load_statements("test")
loaded = constructed_models.load_models(constructed.TARGETS, ("en", "tr"))

# %% [markdown]
# ## Top n-grams per class (English models)
#
# Each class has two panels: word n-grams on top, character n-grams below (in monospace, `␣` marking
# a word boundary; an n-gram inside a longer one already shown is folded into it, `+k` counts the
# folded ones; the tables keep every feature). Read the bars with suspicion: many of the strongest
# features are *names* (places, parties) and function words rather than evaluative language, which
# is what a linear model over ~475 texts finds first, and what may not carry over to other data.

# %%
for target in constructed.TARGETS:
    top = interpret.chart_features(loaded[target, "en"].pipeline, n=10)
    display(plots.publish(plots.top_feature_bars(top, f"Top features · {target} · en"),
                          f"05_top_features_{target}_en"))

# %% [markdown]
# The Turkish models, as a table (top 8 per class):

# %%
pd.concat(
    {target: interpret.top_features(loaded[target, "tr"].pipeline, n=8)
     .pivot(index="rank", columns="class", values="feature") for target in constructed.TARGETS},
    axis=1,
)

# %% [markdown]
# ## The seed article's quotations: who says what, as the model sees it
#
# The four real quotations of the seed article (attributed as the article attributes them).
# Note the split: the seed group was assigned like any other group, so if it is in `train`,
# the models have seen these statements and their predictions here are not a test.

# %%
statements = constructed.load_statements()
seed = statements[statements["origin"] == "seed"].sort_values(["statement_id", "lang"])
seed_predictions = constructed_models.model_predictions(loaded, seed)
side_by_side = (
    seed_predictions.assign(label=seed_predictions["gold"] + " → " + seed_predictions["predicted"])
    .pivot(index="id", columns="target", values="label").add_suffix(" (gold → predicted)"))
predicted = seed[["id", "speaker_role", "split"]].join(side_by_side, on="id").reset_index(drop=True)
predicted

# %% [markdown]
# Why did the English model label Kim Jong-Un's quotation on the "special military operation"
# the way it did? The n-grams with the largest contribution to the predicted class:

# %%
quote = seed.loc[seed["id"] == "seed-04-en", "text"].iloc[0]
interpret.explain(loaded["ukraine_operation", "en"].pipeline, quote, n=10).round(4)

# %% [markdown]
# ## Error analysis
#
# Every test mistake of the four models, with what makes it hard: the statement's hard-case
# tag and whether its sentiment goes against the naive stance mapping. First the error rate per
# hard-case tag, pooled over targets and languages (texts = test texts × 2 targets):

# %%
predictions = constructed_models.model_predictions(loaded, test)
annotated = constructed_models.annotate_predictions(predictions, test)
error_rates = constructed_models.error_rates_by(annotated, "hard_case")
results.write_table(error_rates, "error_rates_by_hard_case")

# %% [markdown]
# Twelve of the English mistakes on `ukraine_operation`, to read:

# %%
errors = constructed_models.error_analysis(predictions, test)
errors[(errors["target"] == "ukraine_operation") & (errors["lang"] == "en")].head(12)[
    ["id", "text", "gold", "predicted", "hard_case", "sentiment_against_naive_mapping"]]

# %% [markdown]
# **Caveats.** Coefficients show what separates the classes *in this dataset*; with ~475
# training texts per language many top features are topical (who is named) rather than
# evaluative, and some are artefacts of how the constructed statements were written. The
# hard-case tags were assigned by the statements' writers, one per statement.
