"""Tests for stance.text: Turkish-aware normalisation and quote extraction."""

import pickle
import unicodedata

import pytest

from stance import config
from stance.text import (
    TextNormalizer,
    extract_quotes,
    lowercase,
    normalize,
    strip_boilerplate,
)

SEED_ARTICLE = config.RAW_DIR / "putin-kim-summit-2024-06.tr.txt"
SPEAKERS = {"Vladimir Putin": ["Putin"], "Kim Jong-Un": ["Kim"]}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("İSTANBUL", "tr", "istanbul"),
        ("IĞDIR", "tr", "ığdır"),
        ("ISPARTA", "en", "isparta"),
        ("İstanbul", "en", "i̇stanbul"),  # Unicode rule keeps the dot as a combining mark
        ("KIRIM'DA", "tr", "kırım'da"),
    ],
)
def test_lowercase_follows_the_language(text, lang, expected):
    assert lowercase(text, lang) == unicodedata.normalize("NFC", expected)


def test_lowercase_handles_decomposed_dotted_capital_i():
    decomposed = "I\u0307zmir"  # I + COMBINING DOT ABOVE, the NFD form of "İzmir"
    assert lowercase(decomposed, "tr") == "izmir"


def test_normalize_unifies_quotes_apostrophes_and_spaces():
    assert normalize("  Rusya’nın   “özel”\toperasyonu ", "tr") == 'rusya\'nın "özel" operasyonu'


def test_text_normalizer_is_picklable_and_comparable():
    normalizer = TextNormalizer("tr")
    restored = pickle.loads(pickle.dumps(normalizer))
    assert restored == normalizer and restored("IŞIK") == "ışık"
    assert TextNormalizer("en") != normalizer


def test_seed_article_yields_its_four_attributed_quotes():
    quotes = extract_quotes(SEED_ARTICLE.read_text(encoding="utf-8"), SPEAKERS)
    assert [q.speaker for q in quotes] == ["Vladimir Putin"] * 2 + ["Kim Jong-Un"] * 2
    assert [q.attribution for q in quotes] == [
        "dedi",
        "diye konuştu",
        "bilgisini paylaştı",
        "ifadesini kullandı",
    ]
    assert quotes[3].text.endswith("özel askeri operasyonu uygulamasında destekliyoruz.")


def test_seed_article_headlines_and_repeated_lead_are_not_quotes():
    texts = [q.text for q in extract_quotes(SEED_ARTICLE.read_text(encoding="utf-8"), SPEAKERS)]
    assert not any(t.isupper() for t in texts)  # quoted headlines carry no attribution verb
    lead = "Kuzey Kore ile imzaladığımız anlaşma ülkelerimize saldırı durumunda karşılıklı"
    assert sum(lead in t for t in texts) == 1  # the lead repeats part of a later, full quote


def test_boilerplate_footer_is_dropped():
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    stripped = strip_boilerplate(article)
    assert "Bir yanıt yazın" in article and "Bir yanıt yazın" not in stripped
    assert "E-posta adresiniz" not in stripped
    assert stripped.endswith("ifadesini kullandı.")


@pytest.mark.parametrize(
    ("text", "quote", "verb"),
    [
        (
            '"We will not recognise the annexation," the minister said on Monday.',
            "We will not recognise the annexation,",
            "said",
        ),
        (
            "The envoy told reporters: “Talks are the only way forward.”",
            "Talks are the only way forward.",
            "told reporters",
        ),
        ("“Sanctions are working,” she told the committee.", "Sanctions are working,", "told"),
        (
            'A spokesperson said, "The shipments will continue."',
            "The shipments will continue.",
            "said",
        ),
    ],
)
def test_english_news_style_attribution(text, quote, verb):
    (found,) = extract_quotes(text)
    assert (found.text, found.attribution) == (quote, verb)


def test_english_speaker_is_the_first_known_name_of_the_sentence():
    text = (
        "Officials met in Geneva. The minister, who spoke after the envoy, said: "
        "“We support a ceasefire.”"
    )
    (found,) = extract_quotes(text, {"the minister": [], "the envoy": []})
    assert found.speaker == "the minister"


def test_unattributed_scare_quotes_are_ignored():
    text = 'The so-called "special military operation" entered its third year.\n\nLeave a Reply'
    assert extract_quotes(text) == []
