"""Readers and labelling samples of the tweet and news corpora (MiDe22, Anadolu Agency), on the
constructed fixtures in the publishers' layouts."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from stance import corpora, tweets_news
from stance.io import InputError
from stance.schema import DatasetError

FIXTURES = Path(__file__).parent / "fixtures" / "corpora"


def test_read_mide22_reads_both_languages_with_hashes_and_keyword_flags():
    tweets = tweets_news.read_mide22(FIXTURES / "mide22")
    assert len(tweets) == 10
    assert tweets.groupby("lang").size().to_dict() == {"en": 4, "tr": 6}
    first = tweets[tweets["tweet_id"] == "1500000000000000001"].iloc[0]
    assert first["lang"] == "tr" and first["topic"] == "Ukraine" and first["event_id"] == "TR01"
    assert "\n" in first["text"]  # a multi-line tweet is one item
    assert first["text_sha256"] == corpora.sentence_sha256(first["text"])
    flags = dict(zip(tweets["tweet_id"], tweets["mentions_target"], strict=True))
    assert flags["1500000000000000005"]  # "KIRIM" by the Turkish rule
    assert not flags["1500000000000000006"]  # ordinary "işgal"
    assert flags["1400000000000000004"] and not flags["1400000000000000003"]


def test_mide22_sample_takes_the_war_topic_keyword_tweets_and_random_turkish_ones():
    tweets = tweets_news.read_mide22(FIXTURES / "mide22")
    sample = tweets_news.mide22_labelling_sample(tweets, n_other_tr=1, seed=1)
    why = dict(zip(sample["tweet_id"], sample["sample"], strict=True))
    assert why["1500000000000000001"] == "war-topic"
    assert why["1500000000000000005"] == "keyword"
    assert why["1400000000000000004"] == "keyword"
    assert "1400000000000000003" not in why  # English random tweets are not drawn
    assert sum(value == "random" for value in why.values()) == 1
    again = tweets_news.mide22_labelling_sample(tweets, n_other_tr=1, seed=1)
    pd.testing.assert_frame_equal(sample, again)


def test_read_aa_keeps_only_the_real_news_rows_with_their_row_ids():
    articles = tweets_news.read_aa(FIXTURES / "satiretr")
    assert list(articles["article_id"]) == ["aa-001", "aa-002"]  # row 0 is satire
    sentences = tweets_news.aa_sentences(articles)
    assert list(sentences["sentence_id"][:3]) == ["aa-001-0000", "aa-001-0001", "aa-001-0002"]
    assert sentences["text"].iloc[1].startswith("Prof. Dr. Ayşe Kaya, 2. tur")
    assert sentences["text"].iloc[3] == "İstanbul'da yeni bir metro hattı açıldı."
    assert list(sentences["mentions_target"][:3]) == [True, False, False]
    sample = tweets_news.aa_labelling_sample(sentences, n_other=2, seed=1)
    assert (sample["sample"] == "keyword").sum() == 1 and (sample["sample"] == "random").sum() == 2


def test_readers_fail_in_one_line(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        tweets_news.read_mide22(tmp_path / "nowhere")
    with pytest.raises(InputError, match=r"no mide22_tr_misinfo_tweets\.tsv at any depth"):
        tweets_news.read_mide22(tmp_path)
    copy = tmp_path / "mide22"
    shutil.copytree(FIXTURES / "mide22", copy)
    path = copy / "EN" / "mide22_en_misinfo_tweets.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace("tweet_id", "id"), encoding="utf-8")
    with pytest.raises(InputError, match="missing column 'tweet_id'"):
        tweets_news.read_mide22(copy)
    news = tmp_path / "news"
    news.mkdir()
    (news / "train.csv").write_text("init_content,label\nsome text,satiric\n", encoding="utf-8")
    with pytest.raises(InputError, match="no rows labelled 'non-satiric'"):
        tweets_news.read_aa(news)


def _write(path: Path, header: str, *rows: str) -> None:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


@pytest.fixture
def label_dir(tmp_path: Path) -> Path:
    """Label files of the tweet/news round: three tweets, two AA sentences, a second pass of
    four items and one adjudicated disagreement."""
    labels = "russian_foreign_policy,ukraine_operation,sentiment"
    _write(
        tmp_path / tweets_news.MIDE22_LABELS,
        f"tweet_id,lang,sentence_sha256,sample,{labels},annotation",
        "11,tr,aa,war-topic,support,support,negative,pass1-a",
        "12,tr,bb,random,neutral,neutral,neutral,pass1-a",
        "13,en,cc,keyword,opposition,neutral,negative,pass1-b",
    )
    _write(
        tmp_path / tweets_news.AA_LABELS,
        f"sentence_id,sentence_sha256,sample,{labels},annotation",
        "aa-001-0000,dd,keyword,neutral,neutral,neutral,pass1-c",
        "aa-001-0001,ee,random,neutral,neutral,positive,pass1-c",
    )
    _write(
        tmp_path / tweets_news.SECOND_PASS,
        f"item_id,{labels},annotation",
        "tw-11,neutral,support,negative,pass2-a",
        "tw-12,neutral,neutral,neutral,pass2-a",
        "aa-001-0001,neutral,neutral,positive,pass2-a",
        "tw-13,opposition,neutral,negative,pass2-a",
    )
    _write(
        tmp_path / tweets_news.ADJUDICATION,
        "item_id,label,first,second,final,reason",
        "tw-11,russian_foreign_policy,neutral,neutral,support,T7",
    )
    return tmp_path


def test_read_labels_joins_tweets_and_news_with_item_ids(label_dir):
    labels = tweets_news.read_labels(label_dir)
    assert list(labels["item_id"]) == ["tw-11", "tw-12", "tw-13", "aa-001-0000", "aa-001-0001"]
    assert list(labels["genre"]) == ["tweet"] * 3 + ["news"] * 2
    assert list(labels["lang"]) == ["tr", "tr", "en", "tr", "tr"]


def test_agreement_restores_the_first_pass_and_reports_each_language(label_dir):
    table = tweets_news.agreement(label_dir).set_index(["lang", "label"])
    # Turkish: tw-11 first said neutral on RFP (restored), so RFP agrees on all three items
    assert table.loc[("tr", "russian_foreign_policy"), "agreement"] == 1.0
    assert table.loc[("tr", "russian_foreign_policy"), "statements"] == 3
    assert table.loc[("en", "sentiment"), "statements"] == 1


def test_bad_label_files_are_one_line_errors(label_dir):
    path = label_dir / tweets_news.MIDE22_LABELS
    path.write_text(path.read_text().replace("13,en", "13,de"), encoding="utf-8")
    with pytest.raises(DatasetError, match="line 4: lang 'de'"):
        tweets_news.read_labels(label_dir)
    path.write_text(path.read_text().replace("13,de", "12,en"), encoding="utf-8")
    with pytest.raises(DatasetError, match="duplicate tweet_id 12"):
        tweets_news.read_labels(label_dir)


def test_translations_and_their_review_are_checked(tmp_path):
    _write(
        tmp_path / tweets_news.TRANSLATIONS,
        "sentence_id,text_tr,annotation",
        "un-XAA-77-0001,Barış istiyoruz.,translate-01",
        "kr-1-0002,Görüşme yapıldı.,translate-01",
    )
    assert list(tweets_news.read_translations(tmp_path)["sentence_id"]) == [
        "un-XAA-77-0001",
        "kr-1-0002",
    ]
    _write(
        tmp_path / tweets_news.TRANSLATION_REVIEW,
        "sentence_id,verdict,note,annotation",
        "un-XAA-77-0001,ok,,review-01",
        "kr-1-0002,error,'invasion' weakened,review-01",
    )
    table = tweets_news.translation_review(tmp_path).set_index("verdict")
    assert table.loc["error", "sentences"] == 1 and table.loc["error", "share"] == 0.5
    assert table.loc["minor", "sentences"] == 0
    _write(
        tmp_path / tweets_news.TRANSLATIONS,
        "sentence_id,text_tr,annotation",
        "un-XAA-77-0001, ,translate-01",
    )
    with pytest.raises(DatasetError, match="line 2: empty translation"):
        tweets_news.read_translations(tmp_path)


def test_committed_labels_are_the_sampling_rules_output_when_the_corpora_are_here():
    """The committed label files hold exactly the items the seeded rules draw (with their
    defaults), checked when the corpora are fetched (make test fetches them)."""
    from stance import config

    mide22, aa = config.EXTERNAL_DIR / "mide22", config.EXTERNAL_DIR / "aa"
    if not (mide22.is_dir() and aa.is_dir()):
        pytest.skip("the MiDe22 and AA corpora are not fetched")
    labels = tweets_news.read_labels()
    tweets = tweets_news.mide22_labelling_sample(tweets_news.read_mide22(mide22))
    news = tweets_news.aa_labelling_sample(tweets_news.aa_sentences(tweets_news.read_aa(aa)))
    expected = [*map(tweets_news.item_id, tweets["tweet_id"]), *news["sentence_id"]]
    assert labels["item_id"].tolist() == expected
    assert labels["sample"].tolist() == [*tweets["sample"], *news["sample"]]
