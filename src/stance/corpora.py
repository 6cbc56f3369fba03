"""Readers of the public corpora of real statements, in their publishers' layouts.

Two corpora hold the real text the project trains and evaluates on:

* the UN General Debate Corpus (UNGDC; Jankin, Baturo & Dasandi, Harvard Dataverse
  doi:10.7910/DVN/0TJX8Y, CC0): one file per speech, ``TXT/Session NN - YYYY/ISO_NN_YYYY.txt``;
* Kremlin and Ukrainian presidential press releases, October 2021 – June 2022 (CC BY 4.0; public
  repository PeiYiZhuo/zelenskyy-putin, ``press_release_data/{putin,zelenskyy}.csv``).

The project never commits their text: it commits sentence ids, SHA-256 hashes and labels, and
rebuilds the sentences from a user's copy (see :mod:`stance.fetch`). A sentence id names its
source document and the sentence's position in it, so :func:`split_sentences` is part of the
contract: changing it changes ids, and the committed hashes catch that.

Candidate selection (:func:`mentions_target`) looks only at the words of a sentence, never at a
label, so the labelled set is a sample defined before anyone read it.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from stance import config
from stance import text as text_rules
from stance.io import InputError

#: States whose speeches are reserved in every session for an independent evaluation that this
#: project does not hold: never labelled, never read to write guidelines, never used to select or
#: tune anything. Scoring them with a finished model (the speech-level analysis) is allowed.
RESERVED_STATES = frozenset(
    (
        "RUS",
        "SYR",
        "ERI",
        "MLI",
        "UKR",
        "USA",
        "GBR",
        "FRA",
        "DEU",
        "POL",
        "LTU",
        "LVA",
        "EST",
        "CAN",
        "AUS",
        "JPN",
        "EU",
        "CZE",
        "FIN",
        "NOR",
        "MDA",
        "GEO",
        "ITA",
        "NLD",
        "CHN",
        "IND",
        "ZAF",
        "BRA",
        "TUR",
        "IDN",
        "MEX",
        "SAU",
        "ARE",
        "EGY",
        "KAZ",
        "VNM",
        "PAK",
        "SRB",
        "HUN",
        "ISR",
        "ARG",
        "ETH",
        "UGA",
        "LKA",
    )
)
#: States reserved in the same way in some sessions only (2022 and 2023); their other speeches
#: are open.
RESERVED_SESSIONS = {
    state: frozenset((77, 78)) for state in ("BLR", "PRK", "NIC", "CUB", "VEN", "IRN")
}


def is_reserved_speech(iso3: str, session: int) -> bool:
    """Whether a state's speech in a session is reserved (:data:`RESERVED_STATES`, or
    :data:`RESERVED_SESSIONS` for the states reserved in some sessions only).

    >>> is_reserved_speech("RUS", 65), is_reserved_speech("CUB", 77), is_reserved_speech("CUB", 79)
    (True, True, False)
    """
    return iso3 in RESERVED_STATES or session in RESERVED_SESSIONS.get(iso3, ())


#: Kremlin releases dated in this window (inclusive) are reserved in the same way.
RESERVED_KREMLIN_DATES = ("2022-02-21", "2022-03-04")
#: The day of the full-scale invasion: press releases are sampled before and after it.
INVASION_DATE = "2022-02-24"
#: UN General Assembly sessions the project uses (2005–2024).
SESSIONS = range(60, 80)

SPEECH_NAME = re.compile(r"^(?P<iso3>[A-Z]{2,3})_(?P<session>\d{1,2})_(?P<year>\d{4})\.txt$")
SESSION_FOLDER = re.compile(r"^Session (?P<session>\d{1,2}) - (?P<year>\d{4})$")

#: Words that make a sentence a candidate: it names Russia or the war, or a measure, alliance or
#: consequence that the debate about them is conducted in. Matched case-insensitively on word
#: starts, so inflections count ("Russia's", "Ukrainians", "sanctioned"). Justification:
#: Russia/Moscow/Kremlin/Putin name the actor; Ukraine/Kyiv/Kiev/Crimea/Donbas(s)/Luhansk/Donetsk/
#: Zaporizhzhia/Kherson/Mariupol/Bucha/Sevastopol name the war's places; "special military
#: operation", "grain initiative"/"Black Sea" its terms; sanctions, "unilateral coercive measures"
#: and NATO are the measures and the alliance both sides argue about; "war in Europe" and
#: "aggression against" are how speakers refer to it without naming it; Minsk names the 2014–2015
#: agreements. Georgia/South Ossetia/Abkhazia/Tskhinvali name the 2008 war, which the speeches of
#: 2008–2009 discuss without naming Russia; Syria names the war in which Russia intervened from
#: 2015 and which the speeches argue about from 2011. The list over-selects on purpose: "NATO",
#: "sanctions" and "Syria" also catch sentences about other states and wars, which are then
#: labelled ``neutral`` on the targets.
TARGET_KEYWORDS = (
    r"russia",
    r"moscow",
    r"kremlin",
    r"putin",
    r"soviet union",
    r"ukrain",
    r"kyiv",
    r"kiev",
    r"crimea",
    r"donbas",
    r"donetsk",
    r"luhansk",
    r"lugansk",
    r"zaporizh",
    r"kherson",
    r"mariupol",
    r"bucha",
    r"sevastopol",
    r"minsk agreement",
    r"normandy format",
    r"special military operation",
    r"grain (?:deal|initiative)",
    r"black sea",
    r"sanction",
    r"unilateral coercive",
    r"nato\b",
    r"north atlantic",
    r"war in europe",
    r"aggression against",
    r"zelensk",
    r"lavrov",
    r"georgia",
    r"ossetia",
    r"abkhaz",
    r"tskhinval",
    r"syria",
)
_KEYWORD_PATTERN = re.compile(r"\b(?:" + "|".join(TARGET_KEYWORDS) + r")", re.IGNORECASE)

#: The same rule for Turkish text, matched on word starts of the Turkish-lowercased text
#: (:func:`stance.text.lowercase`: "KIRIM" and "Kırım" both become "kırım"). Turkish inflects by
#: suffix ("Rusya'nın", "Ukraynalılar", "yaptırımlar"), so word starts catch the forms. Each
#: English keyword has its Turkish name, with the spellings that tweets use without Turkish
#: letters or with the common misspelling ("kirim", "ukranya", "kiyev"). "rus" leaves out
#: "rusum" (a customs duty); "özel askeri operasyon" is the Kremlin's term; "savaş" (war) alone
#: is left out, as "war" is in English: too many tweets use it of other wars.
TARGET_KEYWORDS_TR = (
    r"rus(?!um)",
    r"moskova",
    r"kremlin",
    r"putin",
    r"sovyet",
    r"ukrayn",
    r"ukranya",
    r"kiev",
    r"kyiv",
    r"kiyev",
    r"kırım",
    r"kirim",
    r"donbas",
    r"donetsk",
    r"luhansk",
    r"lugansk",
    r"zaporij",
    r"zaporoj",
    r"herson",
    r"harkiv",
    r"harkov",
    r"mariupol",
    r"buça",
    r"bucha",
    r"odessa",
    r"minsk",
    r"özel askeri operasyon",
    r"tahıl (?:koridor|anlaşma)",
    r"karadeniz",
    r"yaptırım",
    r"nato\b",
    r"zelensk",
    r"lavrov",
    r"şoygu",
)
_KEYWORD_PATTERN_TR = re.compile(r"\b(?:" + "|".join(TARGET_KEYWORDS_TR) + r")")

# --- sentences -----------------------------------------------------------------------------

#: Abbreviations after which a full stop does not end a sentence (compared lower-case).
ABBREVIATIONS = frozenset(
    (
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "paras",
        "vol",
        "p",
        "pp",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "al",
        "jr",
        "sr",
        "gen",
        "lt",
        "col",
        "maj",
        "sgt",
        "rev",
        "hon",
        "amb",
        "h.e",
        "h.h",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "h.r.h",
        "fig",
        "approx",
        "dept",
        "est",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ph.d",
    )
)
#: Turkish abbreviations after which a full stop does not end a sentence (Turkish-lowercased).
ABBREVIATIONS_TR = frozenset(
    (
        "dr",
        "prof",
        "doç",
        "yrd",
        "av",
        "sn",
        "vb",
        "vs",
        "vd",
        "bkz",
        "örn",
        "no",
        "t.c",
        "abd",
        "a.b.d",
        "a.ş",
        "ltd",
        "şti",
        "cad",
        "sok",
        "mah",
        "apt",
        "yy",
        "m.ö",
        "m.s",
        "bşk",
        "gen",
        "org",
        "korg",
        "tuğg",
        "alb",
        "yzb",
        "st",
    )
)
_SENTENCE_END = re.compile(r"""[.!?]+["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"\s+")
_NUMBERED_PARAGRAPH = re.compile(r"^\(?\d{1,3}[.)]\s+(?=[A-Z])")
#: Turkish sentences also start with Ç, Ğ, İ, Ö, Ş or Ü.
_SENTENCE_END_TR = re.compile(r"""[.!?…]+["'”’)\]]*\s+(?=["'“‘(\[]?[A-ZÇĞİÖŞÜ0-9])""")
MIN_SENTENCE_CHARS = 20


def _ends_with_abbreviation(text: str, lang: str = "en") -> bool:
    """Whether the full stop that ends ``text`` belongs to an abbreviation or an initial (in
    Turkish also to an ordinal number: "2. Dünya Savaşı", "24. dönem")."""
    word = text.rstrip(".!?").rsplit(None, 1)[-1] if text.strip() else ""
    word = word.lstrip("(\"'“‘")
    if lang == "tr":
        word = text_rules.lowercase(word, "tr")
        return word in ABBREVIATIONS_TR or (len(word) == 1 and word.isalpha()) or word.isdigit()
    word = word.lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a speech, press release or news article into sentences, in order.

    Paragraphs are separated by blank lines; line breaks inside a paragraph are spaces (the UN
    texts come from PDF pages), and a word hyphenated across a line break is rejoined. A sentence
    ends at ``.``, ``!`` or ``?`` (with closing quotes or brackets) before a capital letter or a
    digit, except after an abbreviation ("Mr.", "U.N.", "No. 5", "e.g.") or a single initial.
    Leading paragraph numbers ("12. ") are dropped. Fragments shorter than
    :data:`MIN_SENTENCE_CHARS` characters (salutations, page headers) are dropped too.

    Turkish text (``lang="tr"``) has rules of its own: a sentence may start with Ç, Ğ, İ, Ö, Ş
    or Ü; the abbreviations are :data:`ABBREVIATIONS_TR` ("Dr.", "vb.", "T.C.", "ABD"); a full
    stop after a number is an ordinal ("2. Dünya Savaşı"), not an end, and leading numbers are
    kept for the same reason. Decimals ("1.5") and dates ("24.02.2022") have no space after the
    stop and never split, in either language. Every other language uses the English rules.

    Parameters
    ----------
    text
        The document's text as published (any line endings).
    lang
        The document's language (``en`` or ``tr``).

    Returns
    -------
    list of str
        The sentences, whitespace folded, in document order. The sentence ids of the
        real-statement labels are positions in this list, so any change to the rules changes
        which sentence an id names (:func:`stance.real.rehydrate` detects it by hash).

    Examples
    --------
    >>> split_sentences("Mr. President, the U.N. Charter is clear. We\\nagree.")
    ['Mr. President, the U.N. Charter is clear.']
    >>> split_sentences("12. The U.N. Charter is clear. We defend inter-\\nnational law.")
    ['The U.N. Charter is clear.', 'We defend international law.']
    >>> split_sentences("Dr. Kaya 2. Dünya Savaşı'nı anlattı. Şimdi soruları yanıtlıyor.", "tr")
    ["Dr. Kaya 2. Dünya Savaşı'nı anlattı.", 'Şimdi soruları yanıtlıyor.']
    """
    turkish = lang == "tr"
    ends = _SENTENCE_END_TR if turkish else _SENTENCE_END
    text = _HYPHEN_BREAK.sub(r"\1\2", text.replace("\r\n", "\n").replace("\r", "\n"))
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = _SPACES.sub(" ", paragraph).strip()
        start = 0
        pieces = []
        for match in ends.finditer(paragraph):
            candidate = paragraph[start : match.end()].strip()
            if _ends_with_abbreviation(paragraph[start : match.start() + 1], lang):
                continue
            pieces.append(candidate)
            start = match.end()
        pieces.append(paragraph[start:].strip())
        for piece in pieces:
            if not turkish:
                piece = _NUMBERED_PARAGRAPH.sub("", piece).strip()
            if len(piece) >= MIN_SENTENCE_CHARS:
                sentences.append(piece)
    return sentences


def sentence_sha256(sentence: str) -> str:
    """SHA-256 of a sentence's UTF-8 text: what the committed labels hold instead of the text."""
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()


def mentions_target(sentence: str, lang: str = "en") -> bool:
    """Whether a sentence names Russia, the war or the measures argued over (the keyword rule:
    :data:`TARGET_KEYWORDS`, or :data:`TARGET_KEYWORDS_TR` for ``lang="tr"``).

    >>> mentions_target("KIRIM'daki durum", "tr"), mentions_target("Kaldırım işgali", "tr")
    (True, False)
    """
    if lang == "tr":
        return _KEYWORD_PATTERN_TR.search(text_rules.lowercase(sentence, "tr")) is not None
    return _KEYWORD_PATTERN.search(sentence) is not None


# --- UN General Debate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """One General Debate speech file, identified by state, session and year."""

    iso3: str
    session: int
    year: int
    path: Path

    @property
    def speech_id(self) -> str:
        """The publisher's file stem, e.g. ``AGO_79_2024``."""
        return f"{self.iso3}_{self.session}_{self.year}"

    @property
    def relative_path(self) -> str:
        """The file's place in the publisher's layout (``Session 79 - 2024/AGO_79_2024.txt``)."""
        return f"Session {self.session} - {self.year}/{self.speech_id}.txt"


def find_speeches(root: str | os.PathLike[str], sessions: Iterable[int] = SESSIONS) -> list[Speech]:
    """Every speech file of the given sessions under ``root``, at any depth, sorted.

    Parameters
    ----------
    root
        The unpacked UN General Debate archive, its ``TXT`` folder, or any folder above them;
        a file counts when it is named ``ISO_NN_YYYY.txt`` inside a ``Session NN - YYYY``
        folder.
    sessions
        The session numbers to keep (default: :data:`SESSIONS`, 60–79).

    Returns
    -------
    list of Speech
        One per speech (state, session, year and path), sorted by :attr:`Speech.speech_id`;
        a speech found twice is listed once.

    Raises
    ------
    InputError
        ``root`` is missing or holds no speech of the sessions.

    Examples
    --------
    >>> speeches = find_speeches("data/external/ungdc")  # after stance corpus fetch ungdc
    >>> speeches[0].speech_id, speeches[0].relative_path
    ('AFG_60_2005', 'Session 60 - 2005/AFG_60_2005.txt')
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder")
    wanted = set(sessions)
    speeches = {}
    for folder, _dirs, files in os.walk(root):
        folder_match = SESSION_FOLDER.match(Path(folder).name)
        if not folder_match or int(folder_match["session"]) not in wanted:
            continue
        for name in files:
            match = SPEECH_NAME.match(name)
            if match and match["session"] == folder_match["session"]:
                speech = Speech(
                    match["iso3"], int(match["session"]), int(match["year"]), Path(folder) / name
                )
                speeches.setdefault(speech.speech_id, speech)
    if not speeches:
        raise InputError(
            f"{root}: no UN General Debate speeches found (expected "
            "'Session NN - YYYY/ISO_NN_YYYY.txt' files of sessions "
            f"{min(wanted)}–{max(wanted)})"
        )
    return [speeches[key] for key in sorted(speeches)]


def read_text(path: Path) -> str:
    """A corpus file's text (UTF-8), with a one-line error when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def speech_sentences(speech: Speech, text: str | None = None) -> pd.DataFrame:
    """The sentences of one speech with their ids (``un-ISO-SS-NNNN``), hashes and keyword flag."""
    return _sentence_frame([_speech_columns(speech, text)])


def _speech_columns(speech: Speech, text: str | None = None) -> dict[str, list[Any]]:
    sentences = split_sentences(read_text(speech.path) if text is None else text)
    return _sentence_columns(
        sentences,
        f"un-{speech.iso3}-{speech.session}",
        source="ungdc",
        document=speech.speech_id,
        iso3=speech.iso3,
        session=speech.session,
        year=speech.year,
        date=f"{speech.year}-09-01",
        speaker="",
    )


#: The columns of a sentence table (:func:`ungdc_sentences`, :func:`presidential_sentences`).
SENTENCE_COLUMNS = (
    "sentence_id",
    "source",
    "document",
    "iso3",
    "session",
    "year",
    "date",
    "speaker",
    "text",
    "sentence_sha256",
    "mentions_target",
)


def _sentence_columns(
    sentences: list[str], id_prefix: str, lang: str = "en", **fields: Any
) -> dict[str, list[Any]]:
    """One document's sentences as columns: ids ``{id_prefix}-NNNN`` (the position), the
    document's ``fields`` repeated, the text, its hash and the keyword flag (rule of ``lang``)."""
    count = len(sentences)
    return {
        "sentence_id": [f"{id_prefix}-{i:04d}" for i in range(count)],
        **{name: [value] * count for name, value in fields.items()},
        "text": sentences,
        "sentence_sha256": [sentence_sha256(s) for s in sentences],
        "mentions_target": [mentions_target(s, lang) for s in sentences],
    }


def _sentence_frame(documents: Iterable[dict[str, list[Any]]]) -> pd.DataFrame:
    """Documents' sentence columns as one table (built once: a frame per document is slow)."""
    columns: dict[str, list[Any]] = {name: [] for name in SENTENCE_COLUMNS}
    for document in documents:
        for name, values in columns.items():
            values.extend(document[name])
    return pd.DataFrame(columns)


# --- UN General Debate: the speakers' posts -------------------------------------------------

#: The publisher's list of speakers, at the top of the corpus beside ``TXT/``: one row per speech
#: with ``Year``, ``Session``, ``ISO Code``, ``Country``, ``Name of Person Speaking`` and ``Post``
#: (often empty before 1994, and in a few later rows). Names are never read.
SPEAKERS_FILE = "Speakers_by_session.xlsx"
SPEAKER_COLUMNS = ("Year", "Session", "ISO Code", "Post")
#: State codes the speaker list misspells (checked against its ``Country`` column; the speech
#: files use the correct ISO 3166-1 code): Portugal in sessions 71, 72 and 75, South Africa in
#: 71, the DPRK in 72.
SPEAKER_ISO3_FIXES = {"POR": "PRT", "ZFA": "ZAF", "PKR": "PRK"}

#: The post categories of :func:`post_category`, highest rank first.
POST_CATEGORIES = (
    "head of state",
    "head of government",
    "vice-president or deputy",
    "foreign minister",
    "other minister",
    "ambassador or UN representative",
    "other",
    "not given",
)
POST_NOT_GIVEN = "not given"
_NOT_AFTER_VICE = r"(?<!vice-)(?<!vice )(?<!vice)"
#: (category, pattern) in rank order; a post takes the first category whose pattern it matches,
#: so a post that combines titles counts by its highest one ("President and Minister for
#: Defence": head of state; "Deputy Prime Minister and Minister for Foreign Affairs": deputy).
#: The patterns read the lower-cased post with runs of spaces folded, and allow the spelling
#: slips seen in sessions 69–79 ("Cairman", "rime Minister", "Minsiter").
_POST_RULES = (
    (
        "head of state",
        # President, but not Vice-President, and not the heads of government called President
        # of the Government (Spain) or of the Council of Ministers (Italy, Lebanon); the EU's
        # President of the European Council and collective presidencies count here too.
        rf"\b{_NOT_AFTER_VICE}president\b"
        r"(?! of (?:the )?(?:government|council of ministers)\b)"
        r"|\b(?:king|queen|emperor|emir|amir|sultan|pope|grand duke|head of state)\b"
        r"|\b(?<!crown )prince\b|\bcaptains? regent\b"
        r"|\b(?:chair\w*|cairman|member) of the presidency\b"
        r"|\bpresidential council\b|\bsovereignty council\b|\bmilitary council\b",
    ),
    (
        "head of government",
        # Prime Minister, but not a deputy's, nor "of the Prime Minister" or "the Prime
        # Minister's Office" (posts of ministers who work for one).
        r"(?<!deputy )(?<!vice-)(?<!vice )(?<!of the )\bp?rime minister\b(?!['’]s)"
        r"|\bhead of government\b|\bpresident of (?:the )?(?:government|council of ministers)\b"
        r"|\bchairman of the council of ministers\b|\bpremier\b|\btaoiseach\b"
        rf"|\b{_NOT_AFTER_VICE}chancellor\b|\bchief executive\b|\bchief advis[eo]r\b"
        r"|(?<!of the )\bstate counsellor\b",
    ),
    (
        "vice-president or deputy",
        # deputies of a head of state or government (a deputy foreign minister is an "other
        # minister"); a crown prince is his monarch's deputy.
        r"\bvice[- ]?president\b|\b(?:deputy|vice)[- ]prime minister\b|\bvice[- ]?chancellor\b"
        r"|\bcrown prince\b|\b(?:deputy|vice)[- ]chair\w* of the (?:cabinet|council|presiden)",
    ),
    (
        "foreign minister",
        # foreign, external or international affairs or relations, and the Holy See's
        # Secretary of State and Secretary for Relations with States; not a deputy, vice or
        # assistant minister of them.
        r"^(?!.*\b(?:deputy|vice|assistant)[- ]minist)"
        r".*(?:\bforeign\b|\bexternal (?:affairs|relations)\b"
        r"|\binternational (?:affairs|relations)\b|\brelations with states\b"
        r"|\bsecretary of state\b)",
    ),
    ("other minister", r"\bmin(?:ister|siter)|\bsecretary\b|\battou?rney[- ]general\b"),
    (
        "ambassador or UN representative",
        # the permanent representative, or whoever chairs the delegation when no minister speaks
        r"\bambassador|\brepresentative\b|\bdelegat(?:e|ion)\b|\bcharg[ée] d['’]affaires"
        r"|\benvoy\b|\bobserver\b",
    ),
)
_POST_PATTERNS = tuple((category, re.compile(pattern)) for category, pattern in _POST_RULES)


def post_category(post: str) -> str:
    """One of :data:`POST_CATEGORIES` for a speaker's post as the speaker list spells it.

    A small, documented normalisation of the few hundred spellings of sessions 69–79: heads of
    state (presidents, monarchs, emirs, the Pope, collective presidencies), heads of government
    (prime ministers and their equivalents: President of the Government, Premier, Chancellor,
    Chief Executive), vice-presidents and deputies of either (deputy prime ministers, crown
    princes), foreign ministers, other ministers, ambassadors and heads of delegations, and
    ``"other"``; an empty post is ``"not given"``. A post combining several titles takes the
    highest (see ``_POST_RULES``). The raw post should be kept beside it: the rule is a
    reading aid, not a source.

    Examples
    --------
    >>> post_category("Deputy Prime Minister and Minister for Foreign Affairs")
    'vice-president or deputy'
    >>> post_category("Minister of Foreign Affairs ")
    'foreign minister'
    >>> post_category("")
    'not given'
    """
    text = _SPACES.sub(" ", post).strip().lower()
    if not text:
        return POST_NOT_GIVEN
    for category, pattern in _POST_PATTERNS:
        if pattern.search(text):
            return category
    return "other"


def _speakers_path(root: Path) -> Path:
    if root.is_file():
        return root
    if not root.is_dir():
        raise InputError(f"{root}: no such folder (run: stance corpus fetch ungdc)")
    if (root / SPEAKERS_FILE).is_file():
        return root / SPEAKERS_FILE
    matches = sorted(root.rglob(SPEAKERS_FILE), key=lambda path: (len(path.parts), str(path)))
    if not matches:
        raise InputError(
            f"{root}: no {SPEAKERS_FILE} (the UN General Debate Corpus's speaker list; "
            "run: stance corpus fetch ungdc)"
        )
    return matches[0]


def speaker_posts(root: str | os.PathLike[str], sessions: Iterable[int] = SESSIONS) -> pd.DataFrame:
    """The post of each speaker of the given sessions, from the corpus's speaker list.

    Parameters
    ----------
    root
        The fetched corpus (``data/external/ungdc``, which holds :data:`SPEAKERS_FILE` at its
        top), the publisher's folder (the file is found at any depth), or the file itself.
    sessions
        The session numbers to keep (default: :data:`SESSIONS`, 60–79).

    Returns
    -------
    pandas.DataFrame
        One row per state and session, sorted by ``session`` then ``iso3``: ``iso3`` (with the
        list's misspelt codes corrected, :data:`SPEAKER_ISO3_FIXES`), ``session``, ``year``
        (as the list gives it; session + 1945 when it is empty), ``speaker_post`` (the raw post,
        stripped; ``""`` when not given) and ``post_category`` (:func:`post_category`). Rows
        without a state code or session number are skipped; a state listed twice in a session
        keeps its first row. The speakers' names are never read.

    Raises
    ------
    InputError
        The file is missing, is not a readable ``.xlsx`` file, or lacks a column of
        :data:`SPEAKER_COLUMNS`.

    Examples
    --------
    >>> posts = speaker_posts("data/external/ungdc")
    >>> posts.columns.tolist()
    ['iso3', 'session', 'year', 'speaker_post', 'post_category']
    """
    from openpyxl.utils.exceptions import InvalidFileException  # only this reader needs it

    path = _speakers_path(Path(root))
    try:
        frame = pd.read_excel(
            path,
            engine="openpyxl",
            usecols=lambda column: str(column).strip() in SPEAKER_COLUMNS,
            dtype=object,
        )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as error:
        detail = str(error).strip().splitlines()[0][:80] if str(error).strip() else ""
        raise InputError(
            f"{path}: not a readable .xlsx file ({type(error).__name__}"
            + (f": {detail}" if detail else "")
            + ")"
        ) from None
    frame.columns = [str(column).strip() for column in frame.columns]
    missing = [column for column in SPEAKER_COLUMNS if column not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column {missing[0]!r} (expected {', '.join(SPEAKER_COLUMNS)})"
        )
    iso3 = frame["ISO Code"].map(lambda code: "" if pd.isna(code) else str(code).strip().upper())
    session = pd.to_numeric(frame["Session"], errors="coerce")
    year = pd.to_numeric(frame["Year"], errors="coerce").fillna(session + 1945)
    post = frame["Post"].map(lambda value: "" if pd.isna(value) else str(value).strip())
    table = pd.DataFrame(
        {
            "iso3": iso3.replace(SPEAKER_ISO3_FIXES),
            "session": session,
            "year": year,
            "speaker_post": post,
        }
    )
    table = table[(table["iso3"] != "") & table["session"].isin(list(sessions))]
    table = table.drop_duplicates(["iso3", "session"], keep="first").astype(
        {"session": int, "year": int}
    )
    table["post_category"] = table["speaker_post"].map(post_category)
    return table.sort_values(["session", "iso3"], ignore_index=True)


# --- presidential press releases -------------------------------------------------------------

#: The two press-release files, their publisher and the prefix of their sentence ids.
PRESIDENTIAL_FILES = {"putin.csv": ("kremlin", "kr"), "zelenskyy.csv": ("president.gov.ua", "ua")}
_RELEASE_NUMBER = re.compile(r"(\d+)/?$")


def release_id(prefix: str, link: str) -> str:
    """A release's id: the publisher prefix and the number that ends its link (``kr-68700``)."""
    match = _RELEASE_NUMBER.search(link.strip())
    if not match:
        raise InputError(f"press release link without a trailing number: {link[:80]}")
    return f"{prefix}-{match.group(1)}"


def read_presidential(root: str | os.PathLike[str]) -> pd.DataFrame:
    """Both press-release files under ``root`` as one table, one row per release.

    Parameters
    ----------
    root
        The folder holding the files of :data:`PRESIDENTIAL_FILES` (``putin.csv`` and
        ``zelenskyy.csv``, columns ``link``, ``date``, ``headline``, ``body``).

    Returns
    -------
    pandas.DataFrame
        Columns ``release_id`` (see :func:`release_id`), ``publisher``, ``link``, ``date``
        (``YYYY-MM-DD``), ``headline``, ``body``.

    Raises
    ------
    InputError
        ``root``, a file or a column is missing, or a file is not readable UTF-8 CSV.

    Examples
    --------
    >>> releases = read_presidential("data/external/presidential")
    >>> releases.groupby("publisher").size().to_dict()
    {'kremlin': 757, 'president.gov.ua': 980}
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder")
    csv.field_size_limit(1 << 26)
    frames = []
    for name, (publisher, prefix) in PRESIDENTIAL_FILES.items():
        path = root / name
        if not path.is_file():
            raise InputError(
                f"{root}: no {name} (expected the press-release files "
                f"{' and '.join(PRESIDENTIAL_FILES)})"
            )
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except (UnicodeDecodeError, pd.errors.ParserError) as error:
            raise InputError(
                f"{path}: not a readable UTF-8 CSV ({str(error).splitlines()[0]})"
            ) from None
        missing = [
            column for column in ("link", "date", "headline", "body") if column not in frame.columns
        ]
        if missing:
            raise InputError(
                f"{path}: missing column {missing[0]!r} (columns: {', '.join(frame.columns)})"
            )
        frames.append(
            pd.DataFrame(
                {
                    "release_id": [release_id(prefix, link) for link in frame["link"]],
                    "publisher": publisher,
                    "link": frame["link"],
                    "date": frame["date"].str.slice(0, 10),
                    "headline": frame["headline"],
                    "body": frame["body"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values("release_id", ignore_index=True)


def is_reserved_release(publisher: str, date: str) -> bool:
    """Whether a release falls in the reserved Kremlin window."""
    first, last = RESERVED_KREMLIN_DATES
    return publisher == "kremlin" and first <= date <= last


def release_sentences(release: pd.Series) -> pd.DataFrame:
    """The sentences of one press release's body with ids (``kr-68700-0003``) and hashes."""
    return _sentence_frame([_release_columns(release)])


def _release_columns(release: pd.Series) -> dict[str, list[Any]]:
    return _sentence_columns(
        split_sentences(release["body"]),
        release["release_id"],
        source="presidential",
        document=release["release_id"],
        iso3="RUS" if release["publisher"] == "kremlin" else "UKR",
        session=0,
        year=int(release["date"][:4]),
        date=release["date"],
        speaker=release["publisher"],
    )


# --- the labelling sample ------------------------------------------------------------------


def _chunk_columns(speeches: list[Speech]) -> list[dict[str, list[Any]]]:
    return [_speech_columns(speech) for speech in speeches]


def ungdc_sentences(speeches: Iterable[Speech], n_jobs: int = 1) -> pd.DataFrame:
    """All sentences of the given speeches, in speech order (split in ``n_jobs`` processes:
    the same table for any number)."""
    speeches = list(speeches)
    if n_jobs == 1:
        return _sentence_frame(_speech_columns(speech) for speech in speeches)
    chunks = [speeches[start : start + 100] for start in range(0, len(speeches), 100)]
    parts = Parallel(n_jobs=n_jobs)(delayed(_chunk_columns)(chunk) for chunk in chunks)
    return _sentence_frame(columns for part in parts for columns in part)


def presidential_sentences(releases: pd.DataFrame) -> pd.DataFrame:
    """All sentences of the given releases, in release order."""
    return _sentence_frame(_release_columns(row) for _, row in releases.iterrows())


def seeded_sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows of ``frame`` drawn without replacement by a seeded generator, in their
    original order (all rows when ``n`` is not smaller): how every labelling sample draws."""
    if n >= len(frame):
        return frame
    rng = np.random.default_rng(seed)
    return frame.iloc[np.sort(rng.choice(len(frame), size=n, replace=False))]


def ungdc_labelling_sample(
    sentences: pd.DataFrame,
    n_other: int = 330,
    seed: int = config.SEED,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """The UN sentences to label: every keyword sentence of a speech that is not reserved, plus a
    seeded random ``n_other`` of the other sentences of the same speeches (``sample`` says which).

    ``exclude`` holds the sentence ids labelled in an earlier round: they are left out, and so
    are the speeches they come from when drawing the random others, so a later round draws its
    random share from the speeches it opens. The rule reads words only, never labels; reserved
    speeches (:func:`is_reserved_speech`) are excluded before sampling.
    """
    excluded = set(exclude)
    reserved = [
        is_reserved_speech(iso3, session)
        for iso3, session in zip(sentences["iso3"], sentences["session"], strict=True)
    ]
    usable = sentences[~np.array(reserved, dtype=bool) & ~sentences["sentence_id"].isin(excluded)]
    labelled_speeches = set(sentences.loc[sentences["sentence_id"].isin(excluded), "document"])
    candidates = usable[usable["mentions_target"]].assign(sample="keyword")
    speeches = set(candidates["document"]) - labelled_speeches
    others = usable[~usable["mentions_target"] & usable["document"].isin(speeches)]
    random_others = seeded_sample(others, n_other, seed).assign(sample="random")
    return pd.concat([candidates, random_others]).sort_values("sentence_id", ignore_index=True)


def presidential_labelling_sample(
    sentences: pd.DataFrame,
    per_cell: int = 220,
    keyword_share: float = 0.8,
    seed: int = config.SEED,
    publishers: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Press-release sentences to label: ``per_cell`` from each publisher × period (before and
    from 24 February 2022), ``keyword_share`` of them keyword sentences, the rest other
    sentences, each drawn with a seeded generator. Reserved Kremlin dates are excluded first,
    and so are the sentence ids in ``exclude`` (those labelled in an earlier round);
    ``publishers`` keeps only those publishers' releases (default: both).
    """
    excluded = set(exclude)
    sentences = sentences[~sentences["sentence_id"].isin(excluded)]
    if publishers is not None:
        sentences = sentences[sentences["speaker"].isin(list(publishers))]
    reserved = [
        is_reserved_release(publisher, date)
        for publisher, date in zip(sentences["speaker"], sentences["date"], strict=True)
    ]
    usable = sentences[~np.array(reserved, dtype=bool)]
    period = np.where(usable["date"] < INVASION_DATE, "before", "after")
    parts = []
    for i, ((publisher, when), cell) in enumerate(
        sorted(usable.groupby([usable["speaker"], period]))
    ):
        n_keyword = round(per_cell * keyword_share)
        keyword = seeded_sample(cell[cell["mentions_target"]], n_keyword, seed + 2 * i)
        other = seeded_sample(
            cell[~cell["mentions_target"]], per_cell - len(keyword), seed + 2 * i + 1
        )
        parts += [keyword.assign(sample="keyword"), other.assign(sample="random")]
        del publisher, when
    return pd.concat(parts).sort_values("sentence_id", ignore_index=True)


def iter_batches(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    """Consecutive slices of ``frame`` with at most ``size`` rows."""
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]
