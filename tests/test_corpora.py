"""Readers of the public corpora, the sentence splitter and the candidate rule."""

from pathlib import Path

import pandas as pd
import pytest

from stance import corpora
from stance.io import InputError
from tests.helpers import write_speakers_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "corpora"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.N. Charter is clear. We agree with it fully.",
            ["The U.N. Charter is clear.", "We agree with it fully."],
        ),
        (
            "Mr. Guterres spoke first today. Then Dr. Smith replied to him.",
            ["Mr. Guterres spoke first today.", "Then Dr. Smith replied to him."],
        ),
        (
            "See resolution No. 5 of the Council. It was adopted in 2014.",
            ["See resolution No. 5 of the Council.", "It was adopted in 2014."],
        ),
        (
            "Costs rose, e.g. for fertilizer and fuel. Nobody at all was spared.",
            ["Costs rose, e.g. for fertilizer and fuel.", "Nobody at all was spared."],
        ),
        (
            "12. The situation in Ukraine is grave. 13. We call for peace now.",
            ["The situation in Ukraine is grave.", "We call for peace now."],
        ),
        (
            "We call on the parties\nto return to the table. They\nmust talk to each other.",
            ["We call on the parties to return to the table.", "They must talk to each other."],
        ),
        (
            "We call on the troops to with-\ndraw at once from the region.",
            ["We call on the troops to withdraw at once from the region."],
        ),
        (
            'Why does this war go on? "Enough!" said the delegate to the hall.',
            ["Why does this war go on?", '"Enough!" said the delegate to the hall.'],
        ),
        (
            "First paragraph ends here today.\n\nSecond paragraph has no end mark",
            ["First paragraph ends here today.", "Second paragraph has no end mark"],
        ),
        ("Thank you.\n\nMr. President,", []),  # fragments shorter than MIN_SENTENCE_CHARS
        ("", []),
    ],
)
def test_split_sentences_handles_abbreviations_numbers_and_line_breaks(text, expected):
    assert corpora.split_sentences(text) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russia's aggression must end.", True),
        ("The Kremlin said nothing.", True),
        ("Ukrainians deserve peace.", True),
        ("Sanctions hurt our economy.", True),
        ("NATO met in Vilnius.", True),
        ("The grain initiative fed millions.", True),
        ("The war in Europe drags on.", True),
        ("We discussed water and schools.", False),
        ("Natonal plans were adopted.", False),  # "nato" only as a word start of its own
    ],
)
def test_keyword_rule_reads_words_only(sentence, expected):
    assert corpora.mentions_target(sentence) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # sentences that start with Turkish capitals
            "Görüşmeler sürüyor ve taraflar umutlu. Şimdi ateşkes bekleniyor. Çünkü halk yorgun "
            "düştü. İki taraf da masada kalıyor. Öte yandan Ürdün de görüşmeye katıldı.",
            [
                "Görüşmeler sürüyor ve taraflar umutlu.",
                "Şimdi ateşkes bekleniyor.",
                "Çünkü halk yorgun düştü.",
                "İki taraf da masada kalıyor.",
                "Öte yandan Ürdün de görüşmeye katıldı.",
            ],
        ),
        (  # abbreviations, ordinals, decimals and dates do not end a sentence
            "Prof. Dr. Ayşe Kaya, T.C. Dışişleri Bakanlığında konuştu. ABD. Başkanı da oradaydı "
            "vb. Konuklar geldi. 2. Dünya Savaşı anıldı, ihracat 1.5 milyar dolar oldu ve "
            "toplantı 24.02.2022 tarihinde yapıldı.",
            [
                "Prof. Dr. Ayşe Kaya, T.C. Dışişleri Bakanlığında konuştu.",
                "ABD. Başkanı da oradaydı vb. Konuklar geldi.",
                "2. Dünya Savaşı anıldı, ihracat 1.5 milyar dolar oldu ve toplantı 24.02.2022 "
                "tarihinde yapıldı.",
            ],
        ),
        (  # a leading number is an ordinal in Turkish, not a paragraph number
            "1. Dünya Savaşı'nda ülke büyük kayıplar verdi.",
            ["1. Dünya Savaşı'nda ülke büyük kayıplar verdi."],
        ),
    ],
)
def test_turkish_sentence_splitting(text, expected):
    assert corpora.split_sentences(text, "tr") == expected


def test_english_splitting_does_not_use_the_turkish_rules():
    text = "The minister spoke today in Ankara. Çok teşekkürler dedi sonra herkes."
    assert corpora.split_sentences(text) == [text]
    assert corpora.split_sentences(text, "tr") == [
        "The minister spoke today in Ankara.",
        "Çok teşekkürler dedi sonra herkes.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rusya'nın tutumu değişmedi.", True),
        ("KIRIM'daki durum gergin.", True),
        ("kirim köprüsü yine kapandı", True),
        ("Ukraynalı mülteciler geldi.", True),
        ("Yaptırımlar ekonomiyi vurdu.", True),
        ("Özel askeri operasyon sürüyor.", True),
        ("Zelenski konuştu.", True),
        ("Kaldırım işgaline ceza kesildi.", False),
        ("Gümrük rusumu arttı.", False),
        ("Savaş filmleri çok izleniyor.", False),
    ],
)
def test_turkish_keyword_rule(text, expected):
    assert corpora.mentions_target(text, "tr") is expected


def test_find_speeches_at_any_depth_sorted():
    for root in (FIXTURES / "ungdc", FIXTURES / "ungdc" / "TXT", FIXTURES):
        speeches = corpora.find_speeches(root)
        assert [s.speech_id for s in speeches] == [
            "XAA_77_2022",
            "XAA_78_2023",
            "XBB_77_2022",
            "XCC_78_2023",
        ]
    assert speeches[0].relative_path == "Session 77 - 2022/XAA_77_2022.txt"
    assert corpora.find_speeches(FIXTURES, sessions=[78])[0].speech_id == "XAA_78_2023"


def test_find_speeches_errors_are_one_line(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        corpora.find_speeches(tmp_path / "missing")
    (tmp_path / "TXT").mkdir()
    (tmp_path / "TXT" / "XAA_77_2022.txt").write_text("not in a session folder")
    with pytest.raises(InputError, match="no UN General Debate speeches found"):
        corpora.find_speeches(tmp_path)


def test_speech_sentences_have_position_ids_and_hashes():
    speech = corpora.find_speeches(FIXTURES)[0]
    sentences = corpora.speech_sentences(speech)
    assert sentences["sentence_id"].tolist()[:2] == ["un-XAA-77-0000", "un-XAA-77-0001"]
    assert sentences["sentence_sha256"].iloc[2] == corpora.sentence_sha256(
        sentences["text"].iloc[2]
    )
    assert sentences["mentions_target"].tolist() == [False, False, True, True, False, True, False]


def test_read_presidential_both_files_with_release_ids():
    releases = corpora.read_presidential(FIXTURES / "presidential")
    assert releases["release_id"].tolist() == [
        "kr-90001",
        "kr-90002",
        "kr-90003",
        "ua-80001",
        "ua-80002",
    ]
    assert releases["date"].tolist()[0] == "2022-01-10"
    sentences = corpora.release_sentences(releases.iloc[0])
    assert sentences["sentence_id"].tolist() == ["kr-90001-0000", "kr-90001-0001", "kr-90001-0002"]
    assert set(sentences["iso3"]) == {"RUS"}


def test_read_presidential_errors(tmp_path):
    with pytest.raises(InputError, match=r"no putin\.csv"):
        corpora.read_presidential(tmp_path)
    (tmp_path / "putin.csv").write_text("link,date\nhttp://x/1,2022-01-01\n")
    (tmp_path / "zelenskyy.csv").write_text("link,date,headline,body\n")
    with pytest.raises(InputError, match="missing column 'headline'"):
        corpora.read_presidential(tmp_path)


def test_ungdc_sample_excludes_reserved_states_and_is_seeded():
    sentences = corpora.ungdc_sentences(corpora.find_speeches(FIXTURES))
    in_parallel = corpora.ungdc_sentences(corpora.find_speeches(FIXTURES), n_jobs=2)
    pd.testing.assert_frame_equal(in_parallel, sentences)
    reserved = sentences.assign(
        iso3="RUS",
        document="RUS_77_2022",
        sentence_id=sentences["sentence_id"].str.replace("X", "R"),
    )
    both = pd.concat([sentences, reserved], ignore_index=True)
    sample = corpora.ungdc_labelling_sample(both, n_other=3, seed=1)
    assert not sample["iso3"].isin(corpora.RESERVED_STATES).any()
    assert (sample.loc[sample["sample"] == "keyword", "mentions_target"]).all()
    assert sample["mentions_target"].sum() == sentences["mentions_target"].sum()
    assert (sample["sample"] == "random").sum() == 3
    again = corpora.ungdc_labelling_sample(both, n_other=3, seed=1)
    assert again["sentence_id"].tolist() == sample["sentence_id"].tolist()


def test_speeches_reserved_in_some_sessions_only():
    assert corpora.is_reserved_speech("RUS", 60) and corpora.is_reserved_speech("VEN", 78)
    assert not corpora.is_reserved_speech("VEN", 76) and not corpora.is_reserved_speech("XAA", 77)
    sentences = corpora.ungdc_sentences(corpora.find_speeches(FIXTURES))
    cuban = sentences.assign(
        iso3="CUB",
        document="CUB_" + sentences["session"].astype(str),
        sentence_id=sentences["sentence_id"].str.replace("X", "C"),
    )
    sample = corpora.ungdc_labelling_sample(cuban, n_other=0)
    assert set(sample["session"]) == set() or not sample["session"].isin([77, 78]).any()
    open_session = cuban.assign(session=79, sentence_id=cuban["sentence_id"] + "-79")
    sample = corpora.ungdc_labelling_sample(pd.concat([cuban, open_session]), n_other=0)
    assert set(sample["session"]) == {79} and len(sample) == cuban["mentions_target"].sum()


def test_a_later_round_leaves_out_labelled_sentences_and_their_speeches():
    sentences = corpora.ungdc_sentences(corpora.find_speeches(FIXTURES))
    first = corpora.ungdc_labelling_sample(sentences, n_other=2, seed=1)
    later = corpora.ungdc_labelling_sample(
        sentences, n_other=50, seed=1, exclude=first["sentence_id"]
    )
    assert not later["sentence_id"].isin(first["sentence_id"]).any()
    labelled_speeches = set(
        sentences.loc[sentences["sentence_id"].isin(first["sentence_id"]), "document"]
    )
    assert not later.loc[later["sample"] == "random", "document"].isin(labelled_speeches).any()


def test_presidential_sample_skips_the_reserved_kremlin_window():
    releases = corpora.read_presidential(FIXTURES / "presidential")
    sentences = corpora.presidential_sentences(releases)
    sample = corpora.presidential_labelling_sample(sentences, per_cell=10)
    assert "kr-90002" not in set(sample["document"])  # dated 2022-02-25, reserved
    assert corpora.is_reserved_release("kremlin", "2022-02-21")
    assert not corpora.is_reserved_release("president.gov.ua", "2022-02-25")
    assert set(sample["document"]) == {"kr-90001", "kr-90003", "ua-80001", "ua-80002"}


def test_a_later_presidential_round_keeps_to_its_publishers_and_skips_earlier_rounds():
    sentences = corpora.presidential_sentences(corpora.read_presidential(FIXTURES / "presidential"))
    first = corpora.presidential_labelling_sample(sentences, per_cell=1, keyword_share=1.0)
    later = corpora.presidential_labelling_sample(
        sentences,
        per_cell=10,
        keyword_share=1.0,
        seed=7,
        publishers=("kremlin",),
        exclude=first["sentence_id"],
    )
    assert set(later["speaker"]) == {"kremlin"}
    assert not set(later["sentence_id"]) & set(first["sentence_id"])
    assert (later["mentions_target"] == (later["sample"] == "keyword")).all()


# --- the speakers' posts -------------------------------------------------------------------


def test_speaker_posts_one_row_per_state_and_session_without_names(tmp_path):
    write_speakers_xlsx(tmp_path / "ungdc" / corpora.SPEAKERS_FILE)
    posts = corpora.speaker_posts(tmp_path, sessions=[77, 78])  # found at any depth
    assert list(posts.columns) == ["iso3", "session", "year", "speaker_post", "post_category"]
    assert posts[["iso3", "session", "year"]].values.tolist() == [
        ["XAA", 77, 2022],
        ["XBB", 77, 2022],
        ["PRT", 78, 2023],  # the list's misspelt code, corrected
        ["XAA", 78, 2023],  # listed twice: the first row counts
        ["XCC", 78, 2023],
    ]
    assert posts["speaker_post"].tolist() == [
        "President",  # stripped
        "",  # not given
        "Prime Minister",
        "Deputy Prime Minister",
        "Minister for Foreign Affairs",
    ]
    assert posts["post_category"].tolist() == [
        "head of state",
        "not given",
        "head of government",
        "vice-president or deputy",
        "foreign minister",
    ]
    text = posts.to_csv()
    assert "Example" not in text and "Stateland" not in text  # no names, no countries
    # the file itself can be given too; the default sessions are the project's (69–79)
    only_78 = corpora.speaker_posts(tmp_path / "ungdc" / corpora.SPEAKERS_FILE, sessions=[78])
    assert set(only_78["session"]) == {78}
    pd.testing.assert_frame_equal(corpora.speaker_posts(tmp_path), posts)  # not session 45


@pytest.mark.parametrize(
    ("post", "category"),
    [
        ("President", "head of state"),
        ("president", "head of state"),
        ("Constitutional President", "head of state"),
        ("President and Head of Government", "head of state"),
        ("King and President of the Council of Ministers", "head of state"),
        ("Amir", "head of state"),
        ("Cairman of the Presidency", "head of state"),
        ("Prime minister", "head of government"),
        ("rime Minister and Minister for Europe and Foreign Affairs", "head of government"),
        ("President of the Council of Ministers", "head of government"),
        ("President of the Government", "head of government"),
        ("Prime Minister and Minister for Foreign Affairs and Trade", "head of government"),
        ("Vice-President", "vice-president or deputy"),
        ("vice President", "vice-president or deputy"),
        ("Deputy Prime Minister and Minister for Foreign Affairs", "vice-president or deputy"),
        ("Vice-Chancellor and Federal Minister for Foreign Affairs", "vice-president or deputy"),
        ("Crown Prince", "vice-president or deputy"),
        ("Minister for Foreign Affairs", "foreign minister"),
        ("Minister of  Foreign Affairs ", "foreign minister"),
        ("Minsiter for Foreign and CARICOM Affairs", "foreign minister"),
        ("Minister for International Relations and Cooperation", "foreign minister"),
        (
            "Minister at the Prime Minister’s Office and Second Minister for Foreign Affairs",
            "foreign minister",
        ),
        ("Deputy Minister for Foreign Affairs", "other minister"),
        ("Special Envoy of the Prime Minister and Minister for Public Service", "other minister"),
        ("Union Minister for the Office of the State Counsellor", "other minister"),
        ("Minister of Youth", "other minister"),
        ("Permanent Representative", "ambassador or UN representative"),
        ("Chair of the delegation", "ambassador or UN representative"),
        ("Chairman", "other"),
        ("", "not given"),
        ("  ", "not given"),
    ],
)
def test_post_category_normalises_spellings(post, category):
    assert corpora.post_category(post) == category
    assert category in corpora.POST_CATEGORIES


def test_speaker_posts_errors_are_one_line(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        corpora.speaker_posts(tmp_path / "missing")
    with pytest.raises(InputError, match=r"no Speakers_by_session\.xlsx .*stance corpus fetch"):
        corpora.speaker_posts(tmp_path)
    path = tmp_path / corpora.SPEAKERS_FILE
    path.write_text("Year,Session,ISO Code,Post\n2022,77,XAA,President\n")
    with pytest.raises(InputError, match=r"not a readable \.xlsx file") as caught:
        corpora.speaker_posts(tmp_path)
    assert "\n" not in str(caught.value)
    path.unlink()
    write_speakers_xlsx(path, rows=[(2022, 77, "XAA", "A", "B", "President", None)])
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.active["F1"] = "Office"  # the Post column renamed
    book.save(path)
    with pytest.raises(InputError, match="missing column 'Post'"):
        corpora.speaker_posts(tmp_path)
