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
# # 01 · Build the statement dataset
#
# **Question.** Who says what about Russia's foreign policy and its war in Ukraine, for or
# against? Before a model can answer, we need statements with labels we can trust.
#
# **Method.** The dataset is built from hand-written sources in `data/raw/`, which code never
# edits:
#
# 1. the **seed article** (Turkish news on the June 2024 Putin–Kim summit): its attributed
#    quotations are found by `stance.text.extract_quotes`, and each must match a hand-annotated
#    row in `seed_quotes.csv` (speaker as the article attributes it, English translation, labels);
# 2. **constructed statements** (`constructed/*.csv`), written for this dataset in English and
#    Turkish and attributed only to roles, never to real people;
# 3. an independent **second annotation pass** over a sample, for inter-annotator agreement.
#
# Every label follows `data/ANNOTATION.md`. The build validates every row, splits the
# statements into train and test (stratified, grouped), checks the split for leaks, and writes
# a Hugging Face dataset folder, `data/statements/`, with its card.

# %%
import pandas as pd

from stance import config, constructed, results

config.quiet_offline_environment()
pd.set_option("display.max_colwidth", 90)

# %% [markdown]
# ## 1. The seed article and its quotations
#
# The extractor keeps quoted text followed (or, in English, preceded) by an attribution phrase
# such as *dedi*, *diye konuştu*, *ifadesini kullandı* or *bilgisini paylaştı*. Quoted
# headlines carry no such phrase and are skipped; the comment-form footer is stripped; the lead
# repeats part of a later quotation and is kept once, in its full form.

# %%
pd.DataFrame(
    [{"paragraph": q.paragraph, "speaker": q.speaker, "attribution": q.attribution,
      "quotation (Turkish, as published)": q.text} for q in constructed.seed_quotations()]
)

# %% [markdown]
# ## 2. Read, validate and split every source
#
# `data.build_statements` reads the seed and the constructed files, validates every row
# (schema, labels, empty text, duplicate or conflicting ids and texts, language codes) and
# stops at the first problem with one line naming the file and the row. It then assigns about
# 25% of the statements to `test`: stratified by the joint labels of both targets, grouped by
# `group` (variants of one statement, or one source, never straddle the split), and with both
# language versions of a statement on the same side.

# %%
statements = constructed.build_statements()
summary = constructed.dataset_summary(statements)
summary["texts_per_split_and_language"]

# %%
results.write_table(summary["statements_per_label"].reset_index(), "dataset_labels")
results.write_table(summary["statements_per_origin"].reset_index(), "dataset_origins")

# %% [markdown]
# Stance is not sentiment: among statements that take a side, this share carries the sentiment
# that a naive mapping (support = positive, opposition = negative) gets wrong. The guidelines
# ask for such cases on purpose (attacking the West while defending Russia; praising Ukraine's
# resistance).

# %%
summary["naive_mapping"]

# %% [markdown]
# ## 3. Leakage check
#
# The build fails if any test text has a TF-IDF cosine similarity of 0.8 or more with a
# training text in the same language. Here are the closest cross-split pairs that remain, so
# a reader can judge how far apart the splits are.

# %%
closest = constructed.near_duplicates(statements, threshold=0.5).sort_values(
    ["cosine", "test_id"], ascending=[False, True]).head(5)
texts = statements.set_index("id")["text"]
closest.assign(test_text=closest["test_id"].map(texts), train_text=closest["train_id"].map(texts))

# %% [markdown]
# ## 4. Inter-annotator agreement
#
# A second annotator labelled a random sample from the guidelines alone, without seeing the
# first labels. Cohen's kappa corrects raw agreement for agreement by chance.

# %%
second_pass = constructed.load_second_annotation()
agreement = constructed.annotation_agreement(statements, second_pass)
agreement

# %% [markdown]
# Where the two passes disagree most (first label → second label, counts over the sample):

# %%
first_pass = statements.drop_duplicates("statement_id").set_index("statement_id")
pd.concat(
    {column: pd.crosstab(first_pass.loc[second_pass["statement_id"], column].to_numpy(),
                         second_pass[column].to_numpy(), rownames=["first"], colnames=["second"])
     for column in constructed.LABEL_COLUMNS}
)

# %% [markdown]
# ## 5. Write the dataset folder
#
# `data.write_dataset` writes `train.csv`, `test.csv` and the dataset card `README.md` into a
# new folder and only then swaps it for `data/statements/`, so a failed build never leaves a
# half-written dataset. The card's YAML declares the splits and the `ClassLabel` features.

# %%
constructed.write_dataset(statements, constructed.dataset_card(statements, agreement))
sorted(path.name for path in config.DATASET_DIR.iterdir())

# %% [markdown]
# ## 6. Load it back with Hugging Face `datasets`
#
# The folder loads offline with `datasets.load_dataset("data/statements")`; labels are
# `ClassLabel` features, so `train_test_split(stratify_by_column=...)` and friends work.

# %%
dataset = constructed.load_hf_dataset()
{split: dataset[split].num_rows for split in dataset}

# %%
{column: dataset["train"].features[column].names for column in constructed.LABEL_COLUMNS}

# %% [markdown]
# **Caveat.** All statements but the seed quotations are constructed. They were written to
# cover the range of positions in public discourse, including hard cases, but the test split is
# drawn from the same constructed distribution as the training split: scores on it will
# overstate how a model does on real statements collected independently.
