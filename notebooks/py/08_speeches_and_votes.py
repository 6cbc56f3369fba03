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
# # 08 · Does the model see what states do? Speech-level stance against UN votes
#
# **Question.** If the stance model reads real text well, a state's General Debate speech should
# lean the way the state votes. Does the share of sentences the model reads as supporting or
# opposing Russia's foreign policy separate states that voted for the General Assembly's
# resolutions on Ukraine from those that voted against or abstained?
#
# **Method.** Every sentence of every speech of sessions 60–79 (2005–2024) that passes the
# keyword rule is scored for `russian_foreign_policy`, including the speeches of the states
# reserved for independent evaluation (scoring them with a finished model is allowed; they
# were never labelled or tuned on). Scores are **cross-fitted by state**: each state has one of
# 5 folds, fixed by its ISO3 code alone (`stance.speeches.state_fold`), and its speeches are
# scored by a model with the shipped model's design (notebook 07), trained on the labelled UN
# sentences of the other folds' states and on every labelled press release except those of the
# state's own presidency (Russia's speeches never meet Kremlin releases, Ukraine's never
# Ukrainian ones; `stance.speeches.training_mask`). So a state's scores do not depend on which
# other states are scored, and every other state's model has seen all the real `support`
# sentences of the Kremlin releases. Per speech, net stance = share of candidate
# sentences predicted `support` − share predicted `opposition`. Each speech also carries its
# speaker's post as the corpus's speaker list (`Speakers_by_session.xlsx`) gives it, and a
# category of it (`stance.corpora.post_category`).
#
# The votes (`data/raw/un_votes.csv`, with the source of each record; the counts are checked
# against the published totals) are compared with the speeches of the session that follows
# each vote: ROC AUC of −net stance for "voted yes" against "voted no or abstained" (absent
# states left out), with a 95% bootstrap interval over states. Where the sources available here
# establish only that a state voted yes or did not vote (on A/RES/ES-11/6, the tally says how
# many of such states did each, but not which), its vote is `yes_or_absent`; those states are
# left out of the AUC and counted in `yes_or_absent_left_out`.

# %%
import pandas as pd
from IPython.display import Markdown

from stance import (
    config,
    findings,
    model_files,
    plots,
    real,
    real_models,
    results,
    speeches,
)

candidates = speeches.candidate_sentences(n_jobs=config.N_JOBS)
labelled = real.select(real.load_real_statements(), "en", real_models.STATEMENT_GENRES)
shipped = model_files.load_model(config.MODELS_DIR / "russian_foreign_policy_en.skops")
predictions = speeches.cross_fitted_predictions(candidates, labelled, shipped.pipeline,
                                                "russian_foreign_policy", n_jobs=config.N_JOBS)
by_speech = speeches.add_speaker_posts(speeches.speech_stance(predictions))
results.write_table(by_speech, "speech_stance")
pd.Series({"speeches": len(by_speech), "candidate sentences": len(predictions),
           "states": by_speech["iso3"].nunique(),
           "reserved-state speeches": int(by_speech["reserved"].sum())})

# %% [markdown]
# ## Net stance against votes

# %%
votes = speeches.read_votes()
aucs = pd.DataFrame([speeches.vote_auc(by_speech, votes, symbol)
                     for symbol in sorted(votes["symbol"].unique())])
results.write_table(aucs, "vote_auc")
aucs

# %% [markdown]
# How much can the open ES-11/6 vote matter? Counting every `yes_or_absent` state as yes (right
# for all but the one that did not vote, `data/raw/un_votes_SOURCES.md`) instead of leaving
# them out:

# %%
as_yes = votes.assign(vote=votes["vote"].replace({"yes_or_absent": "yes"}))
pd.DataFrame([speeches.vote_auc(by_speech, as_yes, "A/RES/ES-11/6")])

# %%
panels = []
for symbol in sorted(votes["symbol"].unique()):
    session = speeches.SESSION_AFTER_VOTE[symbol]
    rows = speeches.speeches_with_votes(by_speech, votes, symbol)
    panels.append(rows.assign(panel=f"{symbol} · speeches of session {session}"))
plots.publish(plots.net_stance_by_vote(pd.concat(panels, ignore_index=True),
                                       "Net stance of each state's speech, by its vote"),
              "08_net_stance_by_vote")

# %% [markdown]
# ## Who speaks
#
# Heads of state, heads of government and foreign ministers give most speeches. Net stance by
# the speaker's post (descriptive only: the post goes with the state, so this does not separate
# who speaks from which state speaks):

# %%
by_post = speeches.stance_by_post(by_speech)
results.write_table(by_post, "speech_stance_by_post")
by_post

# %% [markdown]
# ## Who changed most, 2005–2024
#
# The eight states whose mean net stance moved most between 2005–2007 and 2022–2024 (among the
# states with a scored speech in each of those six years), one panel each: net stance per year
# with its 95% bootstrap interval over the speech's sentences, and the number of keyword
# sentences under each point (a speech with two sentences says little):

# %%
changes = speeches.largest_changes(by_speech)
plots.publish(plots.stance_trends(changes, "Net stance per year: the largest changes"),
              "08_stance_trends")

# %% [markdown]
# ## What the real-statement notebooks found
#
# Written by `stance.findings` from the result tables of notebooks 07 and 08, so every number is
# the measured one; the README shows the same text (`results/real_findings.md`).

# %%
Markdown(findings.write_real_findings())

# %% [markdown]
# **Reading the result, and its limits.** The AUC asks whether the speech's wording ranks
# yes-voters above the others, nothing more. Speeches that never mention Russia or the war have
# few candidate sentences, so their net stance rests on little text (`speech_stance.md` lists
# the counts). The keyword rule, the labels and the model come from the same guidelines, and
# a state may vote one way and speak cautiously; a low AUC can therefore mean a weak model or a
# real gap between words and votes, and this notebook cannot tell which. ES-11/1 and ES-11/4 are
# both compared with the speeches of session 77, so their AUCs are not independent. On ES-11/6,
# the `yes_or_absent` states are recorded as such rather than guessed (`un_votes_SOURCES.md`
# says why); leaving them out drops yes-voters only, never a no- or abstain-voter.
