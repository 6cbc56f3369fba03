"""Speech-level stance: does what a state says in the General Debate match how it votes?

Every candidate sentence (:func:`stance.corpora.mentions_target`) of every speech is scored by
a model that never saw that state's labelled sentences (:func:`cross_fitted_predictions`),
aggregated per speech into shares of support and opposition (:func:`speech_stance`), and
compared with the state's votes on General Assembly resolutions about Ukraine
(:func:`vote_auc`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from stance import config, corpora, models
from stance.evaluate import roc_auc
from stance.io import InputError, read_csv

VOTES_FILE = "un_votes.csv"
VOTE_COLUMNS = ("symbol", "date", "iso3", "state", "vote", "source")
#: A recorded vote; ``yes_or_absent`` marks a state the sources place among a few of which the
#: published tally says all but some voted yes and the rest did not vote (A/RES/ES-11/6: one of
#: 13 states did not vote, and no source available here says which).
VOTES = ("yes", "no", "abstain", "absent", "yes_or_absent")
#: Published totals (yes, no, abstain) of the resolutions the project records; the non-voting
#: count is the rest of the 193 members. From the General Assembly's records of each vote.
PUBLISHED_TOTALS = {
    "A/RES/68/262": (100, 11, 58),
    "A/RES/ES-11/1": (141, 5, 35),
    "A/RES/ES-11/4": (143, 5, 35),
    "A/RES/ES-11/6": (141, 7, 32),
}
UN_MEMBERS = 193
#: The General Debate session whose speeches follow each vote most closely.
SESSION_AFTER_VOTE = {
    "A/RES/68/262": 69,
    "A/RES/ES-11/1": 77,
    "A/RES/ES-11/4": 77,
    "A/RES/ES-11/6": 78,
}


def candidate_sentences(
    ungdc_dir: Path | None = None, sessions: Sequence[int] = corpora.SESSIONS, n_jobs: int = 1
) -> pd.DataFrame:
    """Every keyword sentence of every speech of ``sessions`` (reserved states included: they
    are only scored, never labelled or tuned on), split in ``n_jobs`` processes."""

    speeches = corpora.find_speeches(ungdc_dir or config.corpus_dir("ungdc"), sessions)
    sentences = corpora.ungdc_sentences(speeches, n_jobs)
    return sentences[sentences["mentions_target"]].reset_index(drop=True)


#: The states whose presidencies' press releases are among the labelled texts (Kremlin:
#: Russia; president.gov.ua: Ukraine).
PUBLISHER_STATES = frozenset({"RUS", "UKR"})


def state_fold(iso3: str, n_folds: int = 5) -> int:
    """A state's cross-fitting fold, from its code alone (SHA-256 of the ISO3 code modulo
    ``n_folds``): it never depends on which other states are scored.

    >>> state_fold("TUR") == state_fold("TUR"), 0 <= state_fold("HUN") < 5
    (True, True)
    """
    return int(hashlib.sha256(iso3.encode("utf-8")).hexdigest(), 16) % n_folds


def training_mask(state: str, labelled: pd.DataFrame, n_folds: int = 5) -> np.ndarray:
    """Which labelled rows may train the model that scores ``state``'s speeches: the UN
    sentences of the states in other folds (:func:`state_fold`), and every press release except
    those of the state's own presidency (Russia's speeches are never scored by a model that saw
    Kremlin releases, Ukraine's by one that saw Ukrainian releases; every other state's model
    sees them all). ``labelled`` needs ``source`` and ``iso3``."""
    folds = np.array([state_fold(code, n_folds) for code in labelled["iso3"]])
    return np.where(
        labelled["source"].to_numpy() == "presidential",
        labelled["iso3"].to_numpy() != state,
        folds != state_fold(state, n_folds),
    )


def cross_fitted_predictions(
    candidates: pd.DataFrame,
    labelled: pd.DataFrame,
    estimator,
    label: str,
    n_folds: int = 5,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Predict ``label`` for each candidate sentence with a model (a fresh clone of
    ``estimator``) trained on the labelled texts that :func:`training_mask` allows for the
    sentence's state: never that state's own sentences, and every press release but its own.

    ``labelled`` needs ``text``, ``source``, ``iso3`` and ``label``. States that share a fold
    (and are not publishers of press releases) share a model; the models are fitted in
    ``n_jobs`` processes. A state's predictions are the same whichever other states are scored
    with it. Returns ``candidates`` with ``predicted``, one ``proba_*`` column per class, and
    ``fold``.
    """
    states = candidates["iso3"].to_numpy()
    keys = [
        (state_fold(state, n_folds), state if state in PUBLISHER_STATES else "") for state in states
    ]
    groups = sorted(set(keys))
    representative = {key: states[keys.index(key)] for key in groups}
    masks = {key: training_mask(representative[key], labelled, n_folds) for key in groups}
    rows = {key: np.array([k == key for k in keys]) for key in groups}
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(models.fit_and_apply)(
            estimator,
            labelled.loc[masks[key], "text"].tolist(),
            labelled.loc[masks[key], label].tolist(),
            candidates.loc[rows[key], "text"].tolist(),
            method="predict_proba",
        )
        for key in groups
    )
    parts = []
    for key, (classes, (proba,)) in zip(groups, fitted, strict=True):
        parts.append(
            candidates[rows[key]].assign(
                predicted=np.asarray(classes, dtype=object)[proba.argmax(axis=1)],
                **{f"proba_{c}": proba[:, i] for i, c in enumerate(classes)},
                fold=key[0],
            )
        )
    return pd.concat(parts).sort_values("sentence_id", ignore_index=True)


def net_stance_interval(
    labels: np.ndarray, rng: np.random.Generator, n_resamples: int = 1000
) -> tuple[float, float]:
    """The 95% bootstrap interval of a speech's net stance over its predicted sentence labels
    (``n_resamples`` resamples of the sentences with ``rng``)."""
    values = (labels == "support").astype(float) - (labels == "opposition")
    n = len(values)
    means = values[rng.integers(0, n, size=(n_resamples, n))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def speech_stance(predictions: pd.DataFrame, seed: int = config.SEED) -> pd.DataFrame:
    """Per speech: candidate sentences, shares predicted support and opposition, net stance =
    share support − share opposition (−1: every candidate opposes, +1: all support) and its 95%
    bootstrap interval over the speech's sentences (:func:`net_stance_interval`, seeded)."""
    rng = np.random.default_rng(seed)
    rows = []
    for (iso3, session, year), speech in predictions.groupby(["iso3", "session", "year"]):
        labels = speech["predicted"].to_numpy()
        low, high = net_stance_interval(labels, rng)
        rows.append(
            {
                "iso3": iso3,
                "session": session,
                "year": year,
                "sentences": len(labels),
                "share_support": float(np.mean(labels == "support")),
                "share_opposition": float(np.mean(labels == "opposition")),
                "net_stance_low": low,
                "net_stance_high": high,
            }
        )
    table = pd.DataFrame(rows)
    table.insert(6, "net_stance", table["share_support"] - table["share_opposition"])
    table["reserved"] = [
        corpora.is_reserved_speech(iso3, session)
        for iso3, session in zip(table["iso3"], table["session"], strict=True)
    ]
    return table.sort_values(["session", "iso3"], ignore_index=True)


#: The columns :func:`add_speaker_posts` appends to a per-speech table.
POST_COLUMNS = ("speaker_post", "post_category")


def add_speaker_posts(table: pd.DataFrame, posts: pd.DataFrame | None = None) -> pd.DataFrame:
    """``table`` (one row per speech, with ``iso3`` and ``session``, such as
    :func:`speech_stance`'s) with two columns appended: ``speaker_post``, the post of who gave
    the speech as the corpus's speaker list spells it, and ``post_category``, its category
    (:func:`stance.corpora.post_category`).

    ``posts`` is a :func:`stance.corpora.speaker_posts` table; by default it is read from the
    fetched corpus (``data/external/ungdc/Speakers_by_session.xlsx``) for the sessions of
    ``table``. A speech the list does not give a post for gets ``""`` and ``"not given"``. The
    rows, their order and index, and the other columns are those of ``table`` (two columns of
    these names already there are replaced).
    """
    if posts is None:
        sessions = sorted({int(session) for session in table["session"]})
        posts = corpora.speaker_posts(config.corpus_dir("ungdc"), sessions=sessions)
    keys = ["iso3", "session"]
    duplicated = posts[posts.duplicated(keys)]
    if not duplicated.empty:
        raise InputError(
            f"speaker posts: {duplicated.iloc[0]['iso3']} is listed twice in session "
            f"{duplicated.iloc[0]['session']}"
        )
    lookup = posts.assign(session=posts["session"].astype(int)).set_index(keys)
    speech = pd.MultiIndex.from_arrays(
        [table["iso3"].astype(str), table["session"].astype(int)], names=keys
    )
    result = table.drop(columns=[c for c in POST_COLUMNS if c in table.columns])
    result["speaker_post"] = lookup["speaker_post"].reindex(speech).fillna("").to_numpy()
    result["post_category"] = (
        lookup["post_category"].reindex(speech).fillna(corpora.POST_NOT_GIVEN).to_numpy()
    )
    return result


def stance_by_post(table: pd.DataFrame) -> pd.DataFrame:
    """Per speaker-post category (:func:`add_speaker_posts`): speeches, mean net stance, and
    the share of speeches with any sentence read as ``support``, highest rank of post first."""
    order = {category: rank for rank, category in enumerate(corpora.POST_CATEGORIES)}
    summary = (
        table.groupby("post_category")
        .agg(
            speeches=("net_stance", "size"),
            mean_net_stance=("net_stance", "mean"),
            share_with_support=("share_support", lambda s: float(np.mean(s > 0))),
        )
        .reset_index()
    )
    return summary.sort_values(
        "post_category", key=lambda column: column.map(order), ignore_index=True
    )


def read_votes(path: Path | None = None) -> pd.DataFrame:
    """The recorded votes (one row per state and resolution), checked: known votes, one row per
    state and resolution, 193 rows per resolution, no and abstain counts equal to the published
    totals, and yes counts that the ``yes_or_absent`` rows can complete to the published one
    (``yes`` ≤ published yes ≤ ``yes`` + ``yes_or_absent``)."""
    path = Path(path or config.RAW_DIR / VOTES_FILE)
    votes = read_csv(path, VOTE_COLUMNS)
    bad = votes[~votes["vote"].isin(VOTES)]
    if not bad.empty:
        raise InputError(
            f"{path}: line {bad.index[0] + 2}: vote {bad.iloc[0]['vote']!r} is not "
            f"one of {', '.join(VOTES)}"
        )
    duplicated = votes[votes.duplicated(["symbol", "iso3"])]
    if not duplicated.empty:
        raise InputError(
            f"{path}: line {duplicated.index[0] + 2}: a second vote of "
            f"{duplicated.iloc[0]['iso3']} on {duplicated.iloc[0]['symbol']}"
        )
    for symbol, rows in votes.groupby("symbol"):
        if symbol not in PUBLISHED_TOTALS:
            raise InputError(f"{path}: unknown resolution {symbol}")
        counts = rows["vote"].value_counts()
        found = tuple(int(counts.get(v, 0)) for v in ("yes", "no", "abstain"))
        yes, no, abstain = PUBLISHED_TOTALS[symbol]
        unresolved = int(counts.get("yes_or_absent", 0))
        if (
            found[1:] != (no, abstain)
            or not found[0] <= yes <= found[0] + unresolved
            or len(rows) != UN_MEMBERS
        ):
            unresolved_note = f" (+{unresolved} yes_or_absent)" if unresolved else ""
            raise InputError(
                f"{path}: {symbol}: {found} yes/no/abstain{unresolved_note} in {len(rows)} "
                f"rows, published {PUBLISHED_TOTALS[symbol]} of {UN_MEMBERS} members"
            )
    return votes


def speeches_with_votes(speeches: pd.DataFrame, votes: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """The speeches of the session that follows vote ``symbol`` (:data:`SESSION_AFTER_VOTE`),
    each with its state's ``vote`` on it (states without a speech or a vote left out)."""
    session = SESSION_AFTER_VOTE[symbol]
    return speeches[speeches["session"] == session].merge(
        votes.loc[votes["symbol"] == symbol, ["iso3", "vote"]], on="iso3"
    )


def vote_auc(
    speeches: pd.DataFrame,
    votes: pd.DataFrame,
    symbol: str,
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> dict[str, float | int | str]:
    """How well net stance separates states that voted yes from those that voted no or
    abstained (absent and ``yes_or_absent`` states left out, the latter counted in
    ``yes_or_absent_left_out``), as ROC AUC with a percentile-bootstrap interval over states.
    Yes on these resolutions supports Ukraine, so the score is −net stance: AUC 1 means every
    yes-voter spoke more against Russia than every no- or abstain-voter, 0.5 is chance."""
    session = SESSION_AFTER_VOTE[symbol]
    spoken = speeches_with_votes(speeches, votes, symbol)
    joined = spoken[spoken["vote"].isin(["yes", "no", "abstain"])]
    y = (joined["vote"] == "yes").to_numpy(dtype=int)
    score = -joined["net_stance"].to_numpy(dtype=float)
    if len(set(y)) < 2:
        raise InputError(f"{symbol}: the speeches of session {session} cover one vote only")
    rng = np.random.default_rng(seed)
    resampled = []
    for _ in range(n_resamples):
        rows = rng.integers(0, len(y), len(y))
        if len(set(y[rows])) == 2:
            resampled.append(roc_auc(y[rows], score[rows]))
    low, high = np.percentile(resampled, [2.5, 97.5])
    return {
        "symbol": symbol,
        "session": session,
        "states": len(y),
        "voted_yes": int(y.sum()),
        "voted_no_or_abstained": int(len(y) - y.sum()),
        "yes_or_absent_left_out": int((spoken["vote"] == "yes_or_absent").sum()),
        "auc": round(roc_auc(y, score), 3),
        "auc_low": round(float(low), 3),
        "auc_high": round(float(high), 3),
    }


def largest_changes(
    speeches: pd.DataFrame,
    n: int = 8,
    first: int = corpora.SESSIONS.start,
    last: int = corpora.SESSIONS.stop - 1,
) -> pd.DataFrame:
    """The yearly net stance (sessions ``first``–``last``) of the ``n`` states whose mean net
    stance changed most between the first three and the last three sessions, among the states
    with a scored speech in each of those six sessions (so each mean rests on three speeches)."""
    rows = speeches[speeches["session"].between(first, last)]
    ends = [*range(first, first + 3), *range(last - 2, last + 1)]
    present = rows[rows["session"].isin(ends)].groupby("iso3")["session"].nunique()
    rows = rows[rows["iso3"].isin(present[present == len(ends)].index)]
    early = rows[rows["session"] < first + 3].groupby("iso3")["net_stance"].mean()
    late = rows[rows["session"] > last - 3].groupby("iso3")["net_stance"].mean()
    change = (late - early).abs().sort_values(ascending=False, kind="stable")
    chosen = sorted(change.index[:n])
    return rows[rows["iso3"].isin(chosen)].sort_values(["iso3", "session"], ignore_index=True)


# --- one's own question: chosen states and sessions (stance speeches) ------------------------

_SESSION_RANGE = re.compile(r"^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$")


def parse_sessions(text: str) -> list[int]:
    """Sessions from ``"60-79"``, ``"69,72,75-79"`` or ``"78"``, sorted; a malformed or empty
    range is a :class:`ValueError` with one line.

    >>> parse_sessions("75-77,69")
    [69, 75, 76, 77]
    """
    sessions: set[int] = set()
    for part in text.split(","):
        match = _SESSION_RANGE.match(part)
        if not match:
            raise ValueError(f"{part.strip()!r} is not a session or a range such as 60-79")
        first = int(match[1])
        last = int(match[2] or first)
        if last < first:
            raise ValueError(f"{part.strip()!r} is an empty range (the end comes before the start)")
        sessions.update(range(first, last + 1))
    return sorted(sessions)


def chosen_speeches(
    ungdc_dir: Path, states: Sequence[str] | None, sessions: Sequence[int]
) -> list[corpora.Speech]:
    """The speeches of ``states`` (all states when ``None``) in ``sessions`` that the corpus
    holds. A code the corpus has in no session at all is an error (a typo, or not a UN
    member's code); so is a choice that matches no speech."""
    every = corpora.find_speeches(ungdc_dir, sessions=range(1, 100))
    known = {speech.iso3 for speech in every}
    if states is not None:
        unknown = sorted(set(states) - known)
        if unknown:
            raise InputError(
                f"{ungdc_dir}: no speech of {', '.join(unknown)} in any session (ISO 3166-1 "
                "alpha-3 codes, e.g. TUR, HUN; EU for the European Union)"
            )
    wanted = set(sessions)
    speeches = [
        speech
        for speech in every
        if speech.session in wanted and (states is None or speech.iso3 in set(states))
    ]
    if not speeches:
        held = sorted({speech.session for speech in every})
        raise InputError(
            f"{ungdc_dir}: no speech of the chosen states in sessions "
            f"{min(wanted)}-{max(wanted)} (the corpus holds sessions {held[0]}-{held[-1]})"
        )
    return speeches


def speech_scores(
    speeches: Sequence[corpora.Speech],
    predictions: pd.DataFrame,
    n_resamples: int = 1000,
    seed: int = config.SEED,
) -> pd.DataFrame:
    """One row per speech, including those without a keyword sentence (``sentences`` 0 and an
    empty net stance): counts and shares of sentences predicted ``support`` and
    ``opposition``, net stance (share support − share opposition) and its 95% bootstrap
    interval over the speech's sentences (``n_resamples`` seeded resamples)."""
    rng = np.random.default_rng(seed)
    by_speech = {
        key: rows["predicted"].to_numpy()
        for key, rows in predictions.groupby(["iso3", "session"], sort=False)
    }
    rows = []
    for speech in sorted(speeches, key=lambda s: (s.session, s.iso3)):
        labels = by_speech.get((speech.iso3, speech.session), np.array([], dtype=object))
        n = len(labels)
        support, opposition = int((labels == "support").sum()), int((labels == "opposition").sum())
        row = {
            "iso3": speech.iso3,
            "session": speech.session,
            "year": speech.year,
            "reserved": corpora.is_reserved_speech(speech.iso3, speech.session),
            "sentences": n,
            "support": support,
            "opposition": opposition,
            "share_support": support / n if n else np.nan,
            "share_opposition": opposition / n if n else np.nan,
            "net_stance": (support - opposition) / n if n else np.nan,
            "net_stance_low": np.nan,
            "net_stance_high": np.nan,
        }
        if n:
            row["net_stance_low"], row["net_stance_high"] = net_stance_interval(
                labels, rng, n_resamples
            )
        rows.append(row)
    return pd.DataFrame(rows)


def score_speeches(
    speeches: Sequence[corpora.Speech],
    estimator,
    label: str,
    labelled: pd.DataFrame | None = None,
    n_jobs: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every keyword sentence of ``speeches`` for ``label`` and aggregate per speech.

    With ``labelled`` (the labelled English statements) the sentences are cross-fitted
    (:func:`cross_fitted_predictions`, a fresh clone of ``estimator`` per fold); without, the
    fitted ``estimator`` scores them all. Returns (per-speech table of :func:`speech_scores`,
    scored sentences).
    """
    sentences = corpora.ungdc_sentences(speeches, n_jobs)
    candidates = sentences[sentences["mentions_target"]].reset_index(drop=True)
    if labelled is not None:
        scored = cross_fitted_predictions(candidates, labelled, estimator, label, n_jobs=n_jobs)
    else:
        texts = candidates["text"].tolist()
        proba = estimator.predict_proba(texts) if texts else np.zeros((0, 0))
        classes = list(estimator.classes_)
        scored = candidates.assign(
            predicted=np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
            if texts
            else np.array([], dtype=object),
            **{f"proba_{c}": proba[:, i] if texts else [] for i, c in enumerate(classes)},
        )
    columns = ["sentence_id", "iso3", "session", "year", "text", "predicted"]
    columns += [c for c in scored.columns if c.startswith("proba_")]
    return speech_scores(speeches, scored), scored[columns]
