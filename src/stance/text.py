"""Text handling that is right for Turkish as well as English.

Two jobs live here: normalising text before it is vectorised (Turkish has a dotted and a dotless
i, so ``str.lower`` is wrong for it), and extracting attributed quotations from raw news text,
which is how the seed article's statements enter the dataset.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SUPPORTED_LANGUAGES = ("en", "tr")

_TURKISH_UPPER_I = str.maketrans({"İ": "i", "I": "ı"})
#: Typographic quotes and apostrophes and their plain forms. Replaced one by one with
#: ``str.replace``, which is several times faster than ``str.translate`` with a dict.
_QUOTE_CHARACTERS = (
    ("’", "'"),
    ("‘", "'"),
    ("`", "'"),
    ("“", '"'),
    ("”", '"'),
    ("«", '"'),
    ("»", '"'),
)
_WHITESPACE = re.compile(r"\s+")


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")

#: Names of the languages the project reads, for tables, figures and cards.
LANGUAGE_NAMES = {"en": "English", "tr": "Turkish"}


def check_language_code(lang: str) -> str:
    """Return ``lang`` if it is a lowercase ISO 639 code (``en``, ``tr``, ``crh``); else raise
    :class:`ValueError` with a one-line message. The one check of a language code that the
    command line and the adaptation template share."""
    if not isinstance(lang, str) or not _LANGUAGE_CODE.fullmatch(lang):
        raise ValueError(f"expected a lowercase ISO 639 code such as en or tr, not {lang!r}")
    return lang


def lowercase(text: str, lang: str) -> str:
    """Lowercase ``text`` by the rules of ``lang``.

    Turkish maps ``İ`` to ``i`` and ``I`` to ``ı``; every other language uses Unicode lowercasing.
    The text is NFC-normalised first, so a decomposed ``İ`` (I + combining dot) is handled too.
    """
    text = unicodedata.normalize("NFC", text)
    if lang == "tr":
        text = text.translate(_TURKISH_UPPER_I)
    return unicodedata.normalize("NFC", text.lower())


def normalize(text: str, lang: str) -> str:
    """Normalise a statement for vectorisation: NFC, language-aware lowercase, plain quotes and
    apostrophes, single spaces."""
    text = lowercase(text, lang)
    for typographic, plain in _QUOTE_CHARACTERS:
        if typographic in text:
            text = text.replace(typographic, plain)
    # str.split() and the regex \s split on the same (Unicode) whitespace
    return " ".join(text.split())


class TextNormalizer:
    """A picklable callable that applies :func:`normalize` for one language.

    scikit-learn's vectorisers take it as ``preprocessor``; being a small class (not a lambda) it
    can be saved with skops and listed among the trusted types.
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    def __call__(self, text: str) -> str:
        return normalize(text, self.lang)

    def __repr__(self) -> str:
        return f"TextNormalizer(lang={self.lang!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextNormalizer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("TextNormalizer", self.lang))


# --- quotations in news text ---------------------------------------------------------------

#: Lines that belong to the web page around an article rather than to the article.
BOILERPLATE_PATTERNS = (
    r"^bir yanıt yazın\b",
    r"^yorum yap",
    r"^e-posta adresiniz yayınlanmayacak",
    r"^leave a (reply|comment)\b",
    r"^your email address will not be published",
    r"^(related|read more|share this)\b",
    r"^(ilgili haberler|paylaş)\b",
)
_BOILERPLATE = [re.compile(p, re.IGNORECASE) for p in BOILERPLATE_PATTERNS]

#: Phrases that attribute a quotation to its speaker when they follow it (Turkish puts the verb
#: after the quote) or, for English, when they come just before or after it.
ATTRIBUTION_AFTER = (
    r"dedi",
    r"diye konuştu",
    r"ifadesini kullandı",
    r"ifadelerini kullandı",
    r"bilgisini paylaştı",
    r"açıklamasında bulundu",
    r"diye ekledi",
    r"değerlendirmesinde bulundu",
    r"vurguladı",
    r"said",
    r"says",
    r"told",
    r"added",
    r"stated",
    r"declared",
    r"wrote",
)
ATTRIBUTION_BEFORE = (
    r"said",
    r"says",
    r"told [\w ]{0,30}",
    r"added",
    r"stated",
    r"declared",
    r"wrote",
)

_QUOTE = re.compile(r"[“\"«](?P<quote>[^“”\"«»]{3,}?)[”\"»]")
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÇĞİÖŞÜ“\"«])")


@dataclass(frozen=True)
class Quote:
    """One attributed quotation: its text, its speaker (when known) and the attribution phrase."""

    text: str
    speaker: str | None
    attribution: str
    paragraph: int


def strip_boilerplate(text: str) -> str:
    """Drop the page furniture around an article: from the first comment-form or share line on,
    everything is page, not article."""
    kept: list[str] = []
    for line in text.splitlines():
        if any(p.search(line.strip()) for p in _BOILERPLATE):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _attribution(after: str, before: str) -> str | None:
    """Return the attribution phrase around a quote, or ``None`` for an unattributed one."""
    after = after.lstrip(" ,.;:–-")
    for phrase in ATTRIBUTION_AFTER:
        # the verb must come within a few words of the closing quotation mark
        match = re.match(rf"(?:[\w’'-]+\s+){{0,4}}?(?P<verb>{phrase})\b", after, re.IGNORECASE)
        if match:
            return match.group("verb")
    for phrase in ATTRIBUTION_BEFORE:
        match = re.search(rf"\b(?P<verb>{phrase})\s*[:,]?\s*$", before, re.IGNORECASE)
        if match:
            return match.group("verb").strip()
    return None


def _speaker(sentence_start: str, speakers: Mapping[str, Sequence[str]]) -> str | None:
    """The known speaker named first in the sentence that introduces the quote.

    Turkish news puts the subject first ("Kim Jong-Un da Putin ile görüşmesinin ... “...”
    bilgisini paylaştı"): the first name, not the nearest one, is the speaker.
    """
    first: tuple[int, str] | None = None
    for canonical, aliases in speakers.items():
        for alias in (canonical, *aliases):
            match = re.search(rf"\b{re.escape(alias)}\b", sentence_start, re.IGNORECASE)
            if match and (first is None or match.start() < first[0]):
                first = (match.start(), canonical)
    return first[1] if first else None


def extract_quotes(text: str, speakers: Mapping[str, Sequence[str]] | None = None) -> list[Quote]:
    """Extract the attributed quotations from a news article.

    A quotation is text between quotation marks (typographic, straight or guillemets) with an
    attribution phrase right after it ("dedi", "diye konuştu", "ifadesini kullandı", "said",
    "told") or, in English, right before it ("said:"). Unattributed quoted text, such as a
    quoted headline, is skipped; page boilerplate is stripped first. A quotation wholly
    contained in a longer one (a lead that repeats part of a later full quote) is kept once,
    in its longest form. ``speakers`` maps a canonical name to its short forms; the speaker of a
    quote is the one named first in its introducing sentence.
    """
    speakers = speakers or {}
    quotes: list[Quote] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", strip_boilerplate(text)) if p.strip()]
    for number, paragraph in enumerate(paragraphs, start=1):
        paragraph = _WHITESPACE.sub(" ", paragraph)
        for match in _QUOTE.finditer(paragraph):
            before = paragraph[: match.start()]
            verb = _attribution(paragraph[match.end() : match.end() + 80], before[-60:])
            if verb is None:
                continue
            sentence_start = _SENTENCE_END.split(before)[-1]
            quotes.append(
                Quote(
                    text=match.group("quote").strip(),
                    speaker=_speaker(sentence_start, speakers) or _speaker(before, speakers),
                    attribution=verb,
                    paragraph=number,
                )
            )
    return [
        q
        for q in quotes
        if not any(q.text != other.text and q.text in other.text for other in quotes)
    ]
