"""Speech-level stance: cross-fitting by state, aggregation, the vote records and vote AUC."""

from pathlib import Path

import pandas as pd
import pytest

from stance import config, corpora, models, speeches
from stance.io import InputError
from tests.helpers import write_speakers_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "corpora"


def test_committed_votes_match_the_published_totals():
    votes = speeches.read_votes()
    assert set(votes["symbol"]) <= set(speeches.PUBLISHED_TOTALS)
    for symbol, rows in votes.groupby("symbol"):
        counts = rows["vote"].value_counts()
        yes, no, abstain = speeches.PUBLISHED_TOTALS[symbol]
        unresolved = counts.get("yes_or_absent", 0)
        assert (counts["no"], counts["abstain"]) == (no, abstain)
        assert counts["yes"] <= yes <= counts["yes"] + unresolved
        assert counts["absent"] + unresolved == speeches.UN_MEMBERS - no - abstain - counts["yes"]
        assert rows["iso3"].is_unique and rows["source"].str.len().min() > 0
    # every resolution the project names is recorded; only ES-11/6 has an unresolved vote
    assert set(votes["symbol"]) == set(speeches.PUBLISHED_TOTALS)
    unresolved = votes[votes["vote"] == "yes_or_absent"]
    assert set(unresolved["symbol"]) == {"A/RES/ES-11/6"} and len(unresolved) == 13
    # a few records anyone can check against the General Assembly's published roll calls
    by_vote = votes.set_index(["symbol", "iso3"])["vote"]
    assert by_vote["A/RES/ES-11/1", "RUS"] == "no" and by_vote["A/RES/ES-11/1", "UKR"] == "yes"
    assert by_vote["A/RES/68/262", "RUS"] == "no" and by_vote["A/RES/68/262", "CHN"] == "abstain"


def _write_votes(tmp_path: Path, votes: pd.DataFrame) -> Path:
    path = tmp_path / "votes.csv"
    votes.to_csv(path, index=False)
    return path


def test_vote_records_that_break_the_totals_are_refused(tmp_path):
    votes = speeches.read_votes()
    changed = votes.copy()
    changed.loc[changed.index[0], "vote"] = "no" if changed.iloc[0]["vote"] != "no" else "yes"
    with pytest.raises(InputError, match="published"):
        speeches.read_votes(_write_votes(tmp_path, changed))
    changed = votes.copy()
    changed.loc[changed.index[0], "vote"] = "maybe"
    with pytest.raises(InputError, match=r"line 2: vote 'maybe'"):
        speeches.read_votes(_write_votes(tmp_path, changed))
    with pytest.raises(InputError, match="a second vote"):
        speeches.read_votes(_write_votes(tmp_path, pd.concat([votes, votes.head(1)])))
    # too few yes_or_absent rows to reach the published yes count
    changed = votes.copy()
    resolved = changed.index[changed["vote"] == "yes_or_absent"][:2]
    changed.loc[resolved, "vote"] = "absent"
    with pytest.raises(InputError, match=r"\+11 yes_or_absent"):
        speeches.read_votes(_write_votes(tmp_path, changed))


def _labelled() -> pd.DataFrame:
    """Labelled texts of three UN states and of both presidencies (RUS, UKR releases)."""
    words = {
        "support": "proud partnership",
        "opposition": "condemn aggression",
        "neutral": "discussed water",
    }
    rows = []
    for iso3, source in (
        ("XAA", "ungdc"),
        ("XBB", "ungdc"),
        ("XCC", "ungdc"),
        ("XDD", "ungdc"),
        ("RUS", "presidential"),
        ("UKR", "presidential"),
    ):
        for label in ("support", "opposition", "neutral"):
            rows.append(
                {
                    "iso3": iso3,
                    "source": source,
                    "text": f"we {words[label]} {len(rows)}",
                    "russian_foreign_policy": label,
                }
            )
    return pd.DataFrame(rows)


def test_cross_fitting_never_scores_a_state_with_its_own_sentences():
    candidates = speeches.candidate_sentences(FIXTURES / "ungdc", sessions=[77, 78])
    labelled = _labelled()
    estimator = models.build_pipeline("word", "en", classifier__C=10.0)
    predicted = speeches.cross_fitted_predictions(
        candidates, labelled, estimator, "russian_foreign_policy", n_folds=3
    )
    folds = [speeches.state_fold(state, 3) for state in predicted["iso3"]]
    assert predicted["fold"].tolist() == folds
    for state in set(candidates["iso3"]) | {"RUS", "UKR"}:
        mask = speeches.training_mask(state, labelled, 3)
        assert not mask[labelled["iso3"] == state].any()  # never its own texts
    assert len(predicted) == len(candidates)
    assert {"proba_support", "proba_opposition", "proba_neutral"} <= set(predicted.columns)
    table = speeches.speech_stance(predicted)
    assert table["net_stance"].between(-1, 1).all()
    assert (table["net_stance"] == table["share_support"] - table["share_opposition"]).all()
    in_parallel = speeches.cross_fitted_predictions(
        candidates, labelled, estimator, "russian_foreign_policy", n_folds=3, n_jobs=2
    )
    pd.testing.assert_frame_equal(in_parallel, predicted)


def test_a_state_is_scored_the_same_alone_or_with_others():
    candidates = speeches.candidate_sentences(FIXTURES / "ungdc", sessions=[77, 78])
    labelled = _labelled()
    estimator = models.build_pipeline("word", "en", classifier__C=10.0)
    together = speeches.cross_fitted_predictions(
        candidates, labelled, estimator, "russian_foreign_policy"
    )
    for state in sorted(set(candidates["iso3"])):
        alone = speeches.cross_fitted_predictions(
            candidates[candidates["iso3"] == state], labelled, estimator, "russian_foreign_policy"
        )
        pd.testing.assert_frame_equal(
            alone.reset_index(drop=True),
            together[together["iso3"] == state].reset_index(drop=True),
        )


def test_every_state_but_the_publishers_is_scored_by_a_model_that_saw_every_release():
    labelled = _labelled()
    releases = labelled["source"] == "presidential"
    support = releases & (labelled["russian_foreign_policy"] == "support")
    for state in ("XAA", "XBB", "HUN", "NIC", "PAK", "EGY"):
        assert speeches.training_mask(state, labelled)[support].all()
    russia = speeches.training_mask("RUS", labelled)
    assert not russia[releases & (labelled["iso3"] == "RUS")].any()
    assert russia[releases & (labelled["iso3"] == "UKR")].all()
    assert speeches.state_fold("HUN") == speeches.state_fold("HUN", 5)  # the code alone decides


def test_vote_auc_ranks_yes_voters_by_negative_net_stance():
    table = pd.DataFrame(
        {
            "iso3": ["A", "B", "C", "D", "E"],
            "session": 77,
            "year": 2022,
            "net_stance": [-0.8, -0.5, 0.4, 0.6, 0.0],
        }
    )
    votes = pd.DataFrame(
        {
            "symbol": "A/RES/ES-11/1",
            "iso3": ["A", "B", "C", "D", "E"],
            "vote": ["yes", "yes", "no", "abstain", "absent"],
        }
    )
    result = speeches.vote_auc(table, votes, "A/RES/ES-11/1", n_resamples=200)
    assert (result["auc"], result["states"], result["voted_yes"]) == (1.0, 4, 2)
    assert result["auc_low"] <= result["auc"] <= result["auc_high"]
    assert result["yes_or_absent_left_out"] == 0
    unresolved = votes.assign(vote=["yes", "yes_or_absent", "no", "abstain", "absent"])
    result = speeches.vote_auc(table, unresolved, "A/RES/ES-11/1", n_resamples=200)
    assert (result["states"], result["voted_yes"], result["yes_or_absent_left_out"]) == (3, 1, 1)


def test_largest_changes_picks_states_with_both_ends_of_the_range():
    rows = [
        {"iso3": iso3, "session": s, "year": s + 1945, "net_stance": (s - 69) * slope / 10}
        for iso3, slope in (("A", 1.0), ("B", -0.5), ("C", 0.0))
        for s in range(69, 80)
    ]
    rows.append({"iso3": "D", "session": 79, "year": 2024, "net_stance": 1.0})
    rows += [{"iso3": "E", "session": s, "year": s + 1945, "net_stance": 1.0} for s in (69, 70)]
    chosen = speeches.largest_changes(pd.DataFrame(rows), n=2, first=69, last=79)
    assert sorted(chosen["iso3"].unique()) == ["A", "B"]
    assert chosen["session"].between(69, 79).all()
    later = speeches.largest_changes(pd.DataFrame(rows), n=2, first=72, last=79)
    assert set(later["session"]) == set(range(72, 80))


def test_votes_path_default_is_in_raw_data():
    assert (config.RAW_DIR / speeches.VOTES_FILE).is_file()


def test_speaker_posts_are_appended_without_changing_rows_or_columns(tmp_path):
    write_speakers_xlsx(tmp_path / corpora.SPEAKERS_FILE)
    posts = corpora.speaker_posts(tmp_path, sessions=[77, 78])
    table = pd.DataFrame(
        {
            "iso3": ["XCC", "XAA", "XBB", "XDD", "XAA"],
            "session": [78, 77, 77, 78, 78],
            "year": [2023, 2022, 2022, 2023, 2023],
            "net_stance": [0.5, -0.25, 0.0, 1.0, -1.0],
        },
        index=[10, 11, 12, 13, 14],
    )
    with_posts = speeches.add_speaker_posts(table, posts)
    assert list(with_posts.columns) == [*table.columns, "speaker_post", "post_category"]
    pd.testing.assert_frame_equal(with_posts[table.columns], table)
    assert with_posts["speaker_post"].tolist() == [
        "Minister for Foreign Affairs",
        "President",
        "",  # listed without a post
        "",  # not listed
        "Deputy Prime Minister",
    ]
    assert with_posts["post_category"].tolist() == [
        "foreign minister",
        "head of state",
        "not given",
        "not given",
        "vice-president or deputy",
    ]
    again = speeches.add_speaker_posts(with_posts, posts)  # replaces, never duplicates
    pd.testing.assert_frame_equal(again, with_posts)
    with pytest.raises(InputError, match="XAA is listed twice in session 77"):
        speeches.add_speaker_posts(table, pd.concat([posts, posts.head(1)]))


def test_speaker_posts_default_to_the_fetched_corpus(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCE_ROOT", str(tmp_path))
    table = pd.DataFrame({"iso3": ["XAA"], "session": [77], "year": [2022]})
    with pytest.raises(InputError, match="no such folder"):
        speeches.add_speaker_posts(table)
    write_speakers_xlsx(tmp_path / "data" / "external" / "ungdc" / corpora.SPEAKERS_FILE)
    assert speeches.add_speaker_posts(table)["speaker_post"].tolist() == ["President"]


def test_stance_by_post_summarises_speeches_in_post_rank_order():
    table = pd.DataFrame(
        {
            "post_category": ["foreign minister", "head of state", "head of state"],
            "net_stance": [-0.5, 0.0, -1.0],
            "share_support": [0.25, 0.0, 0.0],
        }
    )
    summary = speeches.stance_by_post(table)
    assert summary["post_category"].tolist() == ["head of state", "foreign minister"]
    assert summary["speeches"].tolist() == [2, 1]
    assert summary["mean_net_stance"].tolist() == [-0.5, -0.5]
    assert summary["share_with_support"].tolist() == [0.0, 1.0]


def test_score_speeches_cross_fitted_or_with_a_fitted_model():
    chosen = speeches.chosen_speeches(FIXTURES / "ungdc", ["XAA", "XCC"], [77, 78])
    labelled = _labelled()
    estimator = models.build_pipeline("word", "en", classifier__C=10.0)
    table, scored = speeches.score_speeches(chosen, estimator, "russian_foreign_policy", labelled)
    assert table[["iso3", "session"]].values.tolist() == [["XAA", 77], ["XAA", 78], ["XCC", 78]]
    assert table["sentences"].sum() == len(scored)
    fitted = estimator.fit(labelled["text"].tolist(), labelled["russian_foreign_policy"].tolist())
    table_fitted, _ = speeches.score_speeches(chosen, fitted, "russian_foreign_policy")
    assert table_fitted["sentences"].tolist() == table["sentences"].tolist()
    assert speeches.parse_sessions("79, 69-70") == [69, 70, 79]


def test_speeches_with_votes_pairs_the_next_session_with_each_vote():
    table = pd.DataFrame(
        {"iso3": ["AAA", "BBB", "AAA"], "session": [77, 77, 78], "net_stance": [-0.5, 0.2, 0.1]}
    )
    votes = pd.DataFrame(
        {
            "symbol": ["A/RES/ES-11/1", "A/RES/ES-11/1", "A/RES/ES-11/6"],
            "iso3": ["AAA", "CCC", "AAA"],
            "vote": ["yes", "no", "abstain"],
        }
    )
    rows = speeches.speeches_with_votes(table, votes, "A/RES/ES-11/1")
    assert rows[["iso3", "session", "vote"]].values.tolist() == [["AAA", 77, "yes"]]
