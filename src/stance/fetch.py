"""Get the public corpora the real-statement set is rebuilt from (``stance corpus fetch``).

The project commits, for each corpus, a manifest of the documents it uses with a SHA-256 of
each (``data/real/*_manifest.csv``), never their text. Fetching copies exactly those
documents from a source into the git-ignored ``data/external/<corpus>/`` and checks every hash,
so the sentences rebuilt from them are the ones that were labelled.

Besides the speeches, the UNGDC fetch copies the publisher's speaker list,
``Speakers_by_session.xlsx`` (state, session and post of each speaker; see
:func:`stance.corpora.speaker_posts`), checked against the SHA-256 committed in
``data/real/ungdc_files.csv`` (columns ``file`` and ``sha256``: the corpus's files other than
speeches, kept apart so that the speech manifest keeps one row per speech).

A source is a local folder (the publisher's layout, at any depth), a local archive
(the UNGDC's ``.tgz``), or a URL that :mod:`pooch` downloads into a cache, checks and reuses:
``https://...``, or ``doi:10.7910/DVN/0TJX8Y/<file>`` (pooch resolves Harvard Dataverse DOIs).
Nothing is downloaded unless the user asks for it (``stance corpus fetch``, ``make reproduce``
with no local copy set); every failure is a one-line :class:`~stance.io.InputError`, and the
destination folder is replaced only when everything checked out.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

import pandas as pd

from stance import config, corpora
from stance.io import InputError

#: The UN General Debate Corpus on Harvard Dataverse (CC0). The archive's name is the one the
#: release covering 1946–2024 is expected to use; a different release is fetched by giving its
#: URL or ``doi:`` path with ``--source``.
UNGDC_DOI = "doi:10.7910/DVN/0TJX8Y"
UNGDC_ARCHIVE = "UNGDC_1946-2024.tgz"
UNGDC_URL = f"{UNGDC_DOI}/{UNGDC_ARCHIVE}"
#: The press releases as published in the public repository PeiYiZhuo/zelenskyy-putin
#: (``press_release_data/``; CC BY 4.0, en.kremlin.ru and president.gov.ua).
PRESIDENTIAL_URL = (
    "https://raw.githubusercontent.com/PeiYiZhuo/zelenskyy-putin/main/press_release_data/"
)
#: The public repositories of the tweet and news corpora, as GitHub archives of a pinned commit
#: (MIT; see :mod:`stance.tweets_news`). The commits are the ones the project's manifests were
#: made from; a later commit that changes a text is caught by the manifest check.
MIDE22_URL = (
    "https://github.com/ogozcelik/MiDe22/archive/aedceb4e814cc60410617431783a04cc3651bb39.tar.gz"
)
SATIRETR_URL = (
    "https://github.com/auotomaton/satireTR/archive/69b3ac9ae03a7cd8d8ed3da5ac7dbb5c4be65557.tar.gz"
)
#: Environment variables that name a local copy (a folder, an archive or a URL) of each corpus.
SOURCE_VARIABLES = {
    "ungdc": "STANCE_UNGDC",
    "presidential": "STANCE_PRESIDENTIAL",
    "mide22": "STANCE_MIDE22",
    "aa": "STANCE_SATIRETR",
}
CORPORA = tuple(SOURCE_VARIABLES)


def manifest_path(corpus: str) -> Path:
    """Where the committed manifest of a corpus lives."""
    return config.REAL_DIR / f"{corpus}_manifest.csv"


def files_path(corpus: str) -> Path:
    """Where the committed list of a corpus's other files (not documents) and their SHA-256
    lives: ``data/real/<corpus>_files.csv``, columns ``file`` and ``sha256``."""
    return config.REAL_DIR / f"{corpus}_files.csv"


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of raw bytes, as the manifests record it."""
    return hashlib.sha256(data).hexdigest()


def is_url(source: str) -> bool:
    """Whether a source is downloaded (``http(s)://``, ``ftp://`` or ``doi:``) rather than local."""
    return source.startswith(("http://", "https://", "ftp://", "doi:"))


def download(url: str, log: Callable[[str], None] | None = None) -> Path:
    """Download ``url`` with :mod:`pooch` into the project's cache and return the file.

    pooch shows progress on a terminal, keeps the file for the next call, and resolves ``doi:``
    URLs on Harvard Dataverse, Zenodo and figshare. The contents are checked afterwards against
    the manifest, document by document, so no archive hash needs to be known in advance.
    """
    import pooch  # imported here: only a download needs it

    pooch.get_logger().setLevel("WARNING")  # our own line says what is downloaded
    if log:
        log(f"downloading {url} (cached in {config.CACHE_DIR / 'downloads'}) ...")
    try:
        return Path(
            pooch.retrieve(
                url,
                known_hash=None,
                path=config.CACHE_DIR / "downloads",
                progressbar=bool(log) and _stderr_is_terminal(),
            )
        )
    except Exception as error:  # requests, pooch and OS errors: report one line, no traceback
        detail = str(error).strip().splitlines()[0][:160] if str(error).strip() else ""
        raise InputError(
            f"cannot download {url} ({type(error).__name__}"
            + (f": {detail[:80]}" if detail else "")
            + "); without network, download the corpus elsewhere and pass --source PATH or set "
            + " / ".join(f"${name}" for name in SOURCE_VARIABLES.values())
            + " (see README, 'Real statements')"
        ) from None


def _stderr_is_terminal() -> bool:
    import sys

    return sys.stderr.isatty()


# --- UN General Debate ---------------------------------------------------------------------


def _archive_documents(archive: Path, files: Collection[str] = ()) -> Iterator[tuple[str, bytes]]:
    """(``Session NN - YYYY/ISO_NN_YYYY.txt``, bytes) for every speech file in a gzip tar, and
    (name, bytes) for every member, at any depth, whose file name is one of ``files``."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                parts = Path(member.name).parts
                if parts and parts[-1] in files:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield parts[-1], handle.read()
                    continue
                if len(parts) < 2:
                    continue
                session = corpora.SESSION_FOLDER.match(parts[-2])
                speech = corpora.SPEECH_NAME.match(parts[-1])
                if session and speech and speech["session"] == session["session"]:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield f"{parts[-2]}/{parts[-1]}", handle.read()
    except (tarfile.TarError, EOFError, OSError) as error:
        raise InputError(
            f"{archive}: not a readable gzip tar archive ({type(error).__name__})"
        ) from None


def _folder_documents(folder: Path, files: Collection[str] = ()) -> Iterator[tuple[str, bytes]]:
    for speech in corpora.find_speeches(folder, sessions=range(1, 100)):
        yield speech.relative_path, speech.path.read_bytes()
    for name in sorted(files):
        # the shallowest copy when there are several (the top of the publisher's layout)
        matches = sorted(folder.rglob(name), key=lambda path: (len(path.parts), str(path)))
        if matches:
            yield name, matches[0].read_bytes()


def _local_source(source: str, log: Callable[[str], None] | None = None) -> Path:
    """A local folder or file for ``source``: a URL is downloaded (and cached) first."""
    path = download(source, log) if is_url(source) else Path(source)
    if not (path.is_dir() or path.is_file()):
        raise InputError(f"{path}: no such file or folder")
    return path


def ungdc_documents(
    source: str | os.PathLike[str],
    log: Callable[[str], None] | None = None,
    files: Collection[str] = (),
) -> Iterator[tuple[str, bytes]]:
    """The speech files of a UNGDC source (folder, ``.tgz`` or URL), by relative path, and the
    files named in ``files`` (such as ``Speakers_by_session.xlsx``) found in it at any depth, by
    name. A file of ``files`` that the source does not hold is left out."""
    path = _local_source(str(source), log)
    if path.is_dir():
        return _folder_documents(path, files)
    return _archive_documents(path, files)


def read_manifest(corpus: str, path: Path | None = None) -> pd.DataFrame:
    """A corpus manifest as a table (one row per document, with its ``sha256``)."""
    path = path or manifest_path(corpus)
    if not path.is_file():
        raise InputError(f"{path}: no manifest for corpus {corpus!r}")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def read_files(corpus: str, path: Path | None = None) -> pd.DataFrame:
    """The committed list of a corpus's other files (:func:`files_path`): ``file``, ``sha256``."""
    path = path or files_path(corpus)
    if not path.is_file():
        raise InputError(f"{path}: no list of the files of corpus {corpus!r}")
    files = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in ("file", "sha256") if column not in files.columns]
    if missing:
        raise InputError(f"{path}: missing column {missing[0]!r}")
    bad = [name for name in files["file"] if not name or name != Path(name).name]
    if bad:
        raise InputError(f"{path}: {bad[0]!r} is not a file name (no folders)")
    return files


def files_manifest(files: dict[str, bytes]) -> pd.DataFrame:
    """The list of a corpus's other files: name and SHA-256 of each (``data/real/*_files.csv``)."""
    return pd.DataFrame(
        {"file": list(files), "sha256": [sha256_bytes(data) for data in files.values()]}
    ).sort_values("file", ignore_index=True)


def ungdc_manifest(
    documents: Iterator[tuple[str, bytes]], sessions: range = corpora.SESSIONS
) -> pd.DataFrame:
    """The manifest of the given speeches: iso3, session, year and the SHA-256 of each file."""
    rows = []
    for relative, data in documents:
        match = corpora.SPEECH_NAME.match(Path(relative).name)
        if match and int(match["session"]) in sessions:
            rows.append(
                {
                    "iso3": match["iso3"],
                    "session": match["session"],
                    "year": match["year"],
                    "sha256": sha256_bytes(data),
                }
            )
    if not rows:
        raise InputError("no speeches of the requested sessions in the source")
    return pd.DataFrame(rows).sort_values(["session", "iso3"], ignore_index=True)


def _speech_path(row: pd.Series) -> str:
    session, year = row["session"], row["year"]
    return f"Session {session} - {year}/{row['iso3']}_{session}_{year}.txt"


def _replace_folder(target: Path, fill: Callable[[Path], None]) -> None:
    """Build a folder beside ``target`` with ``fill`` and swap it in only when that succeeded."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        fill(staging)
        old = target.with_name(f".{target.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _beside(source: str, name: str, log: Callable[[str], None] | None) -> tuple[bytes | None, str]:
    """A file published next to an archive source, and where it was looked for: in the local
    archive's folder, or at the same URL or ``doi:`` dataset with the file's name (on Harvard
    Dataverse, ``Speakers_by_session.xlsx`` is a file of its own beside the ``.tgz``)."""
    if is_url(source):
        url = f"{source.rsplit('/', 1)[0]}/{name}"
        try:
            return download(url, log).read_bytes(), url
        except InputError:
            return None, url
    beside = Path(source).parent / name
    return (beside.read_bytes() if beside.is_file() else None), str(beside)


def fetch_ungdc(
    source: str | os.PathLike[str],
    destination: Path | None = None,
    manifest: pd.DataFrame | None = None,
    log: Callable[[str], None] | None = None,
    files: pd.DataFrame | None = None,
) -> Path:
    """Copy the manifest's speeches and the corpus's other files from ``source`` into
    ``destination``, checking each hash.

    The speeches go to ``TXT/Session NN - YYYY/`` as in the publisher's layout. The other files
    are those of ``data/real/ungdc_files.csv`` (``files``; today ``Speakers_by_session.xlsx``, the
    speakers' posts): each goes to the top of ``destination``. It is looked for at any depth in a
    folder source or inside an archive, and, when an archive does not hold it, beside the
    archive: in the same local folder, or at the same URL or ``doi:`` dataset (on Harvard
    Dataverse the speaker list is a file of its own next to the ``.tgz``). The file is required,
    not optional: the speech-level analysis reads it, so a fetched copy without it would fail
    later and further from the cause.

    Raises :class:`~stance.io.InputError` naming the first speech or file that is missing or
    whose bytes differ from the committed SHA-256; ``destination`` is then left as it was.
    """
    source = str(source)
    destination = destination or config.corpus_dir("ungdc")
    manifest = read_manifest("ungdc") if manifest is None else manifest
    files = read_files("ungdc") if files is None else files
    wanted = {_speech_path(row): row["sha256"] for _, row in manifest.iterrows()}
    wanted_files = dict(zip(files["file"], files["sha256"], strict=True))
    found: dict[str, bytes] = {}
    found_files: dict[str, bytes] = {}
    for relative, data in ungdc_documents(source, log, files=wanted_files):
        if relative in wanted_files:
            found_files.setdefault(relative, data)
        elif relative in wanted and relative not in found:
            found[relative] = data
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise InputError(
            f"{source}: {len(missing)} speech(es) of the manifest are missing, "
            f"first {missing[0]} (is this the UN General Debate Corpus?)"
        )
    for relative in sorted(wanted):
        if sha256_bytes(found[relative]) != wanted[relative]:
            raise InputError(
                f"{source}: {relative} differs from the manifest (SHA-256 "
                "mismatch): a different release or an edited file"
            )
    for name in sorted(wanted_files):
        if name not in found_files and not Path(source).is_dir():
            data, looked = _beside(source, name, log)
            if data is None:
                raise InputError(
                    f"{source}: no {name} in the archive nor at {looked} (the UN General "
                    "Debate Corpus publishes it beside the archive: download it too)"
                )
            found_files[name] = data
        if name not in found_files:
            raise InputError(
                f"{source}: no {name} in the folder, at any depth (the UN General Debate "
                "Corpus publishes it beside TXT/: copy it there)"
            )
        if sha256_bytes(found_files[name]) != wanted_files[name]:
            raise InputError(
                f"{source}: {name} differs from the manifest (SHA-256 mismatch): "
                "a different release or an edited file"
            )

    def fill(folder: Path) -> None:
        for relative in sorted(wanted):
            path = folder / "TXT" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(found[relative])
        for name in sorted(wanted_files):
            (folder / name).write_bytes(found_files[name])

    _replace_folder(destination, fill)
    if log:
        extra = f" and {', '.join(sorted(wanted_files))}" if wanted_files else ""
        log(f"ungdc: {len(wanted)} speeches{extra} checked and written to {destination}")
    return destination


# --- presidential press releases -------------------------------------------------------------


def _presidential_files(source: str, log: Callable[[str], None] | None) -> dict[str, bytes]:
    if is_url(source):
        base = source if source.endswith("/") else source + "/"
        return {
            name: download(base + name, log).read_bytes() for name in corpora.PRESIDENTIAL_FILES
        }
    folder = Path(source)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    files = {}
    for name in corpora.PRESIDENTIAL_FILES:
        matches = sorted(folder.rglob(name))
        if not matches:
            raise InputError(
                f"{folder}: no {name} (expected the press-release files "
                f"{' and '.join(corpora.PRESIDENTIAL_FILES)})"
            )
        files[name] = matches[0].read_bytes()
    return files


def presidential_manifest(releases: pd.DataFrame) -> pd.DataFrame:
    """The manifest of press releases: id, link, date and the SHA-256 of each body."""
    return pd.DataFrame(
        {
            "release_id": releases["release_id"],
            "link": releases["link"],
            "date": releases["date"],
            "sha256": [sha256_bytes(body.encode("utf-8")) for body in releases["body"]],
        }
    ).sort_values("release_id", ignore_index=True)


def fetch_presidential(
    source: str | os.PathLike[str],
    destination: Path | None = None,
    manifest: pd.DataFrame | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Copy the two press-release files from ``source`` into ``destination`` after checking
    that every release of the manifest is there with the same body (by SHA-256)."""
    destination = destination or config.corpus_dir("presidential")
    manifest = read_manifest("presidential") if manifest is None else manifest
    files = _presidential_files(str(source), log)
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in files.items():
            (Path(scratch) / name).write_bytes(data)
        releases = corpora.read_presidential(scratch)
    bodies = dict(
        zip(
            releases["release_id"],
            (sha256_bytes(b.encode("utf-8")) for b in releases["body"]),
            strict=True,
        )
    )
    for row in manifest.itertuples(index=False):
        if row.release_id not in bodies:
            raise InputError(
                f"{source}: release {row.release_id} ({row.link}) of the manifest is missing"
            )
        if bodies[row.release_id] != row.sha256:
            raise InputError(
                f"{source}: release {row.release_id} ({row.link}) differs from "
                "the manifest (SHA-256 mismatch)"
            )

    def fill(folder: Path) -> None:
        for name, data in files.items():
            (folder / name).write_bytes(data)

    _replace_folder(destination, fill)
    if log:
        log(f"presidential: {len(manifest)} releases checked and written to {destination}")
    return destination


# --- tweets (MiDe22) and news (Anadolu Agency, from SatireTR) --------------------------------


def _named_files(source: str, names: dict[str, str], log: Callable[[str], None] | None) -> dict:
    """The files of ``names`` (file name -> the path it ends with in the publisher's layout) from
    a folder, a gzip tar archive or a URL (downloaded, then read as an archive).

    In a folder, a file is found at any depth by name, the copy whose path ends with the
    layout's path first, then the shallowest; in an archive, the member whose path ends with the
    layout's path. A file that is not found is a one-line error.
    """
    path = _local_source(source, log)
    found: dict[str, bytes] = {}
    if path.is_dir():
        for name, suffix in names.items():
            matches = sorted(
                path.rglob(name),
                key=lambda p: (not p.as_posix().endswith(suffix), len(p.parts), str(p)),
            )
            if matches:
                found[name] = matches[0].read_bytes()
    else:
        try:
            with tarfile.open(path, "r:gz") as tar:
                for member in tar:
                    for name, suffix in names.items():
                        if member.isfile() and member.name.endswith("/" + suffix):
                            handle = tar.extractfile(member)
                            if handle is not None and name not in found:
                                found[name] = handle.read()
        except (tarfile.TarError, EOFError, OSError) as error:
            raise InputError(
                f"{path}: not a readable gzip tar archive ({type(error).__name__})"
            ) from None
    missing = [suffix for name, suffix in names.items() if name not in found]
    if missing:
        raise InputError(f"{source}: no {missing[0]} (at any depth)")
    return found


def _check_rows(
    source: str, manifest: pd.DataFrame, found: dict[str, str], key: str, what: str
) -> None:
    """Every manifest row's document is in ``found`` (id -> SHA-256) with the same hash."""
    for doc_id, sha256 in zip(manifest[key], manifest["sha256"], strict=True):
        if doc_id not in found:
            raise InputError(f"{source}: {what} {doc_id} of the manifest is missing")
        if found[doc_id] != sha256:
            raise InputError(
                f"{source}: {what} {doc_id} differs from the manifest (SHA-256 mismatch): "
                "a different release or an edited file"
            )


def _fetch_tables(
    corpus: str,
    source: str | os.PathLike[str],
    names: dict[str, str],
    read: Callable[[str], pd.DataFrame],
    key: str,
    what: str,
    destination: Path | None,
    manifest: pd.DataFrame | None,
    log: Callable[[str], None] | None,
) -> Path:
    """Copy a corpus made of a few tables after checking every document of its manifest."""
    source = str(source)
    destination = destination or config.corpus_dir(corpus)
    manifest = read_manifest(corpus) if manifest is None else manifest
    files = _named_files(source, names, log)
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in files.items():
            (Path(scratch) / name).write_bytes(data)
        table = read(scratch)
    _check_rows(
        source, manifest, dict(zip(table[key], table["text_sha256"], strict=True)), key, what
    )

    def fill(folder: Path) -> None:
        for name, data in sorted(files.items()):
            (folder / name).write_bytes(data)

    _replace_folder(destination, fill)
    if log:
        log(f"{corpus}: {len(manifest)} {what}s checked and written to {destination}")
    return destination


def mide22_manifest(tweets: pd.DataFrame) -> pd.DataFrame:
    """The manifest of MiDe22: tweet id, language, topic, event and the SHA-256 of the text."""
    return tweets[["tweet_id", "lang", "topic", "event_id", "text_sha256"]].rename(
        columns={"text_sha256": "sha256"}
    )


def aa_manifest(articles: pd.DataFrame) -> pd.DataFrame:
    """The manifest of the Anadolu Agency articles: article id and the SHA-256 of the text."""
    return articles[["article_id", "text_sha256"]].rename(columns={"text_sha256": "sha256"})


def fetch_mide22(
    source: str | os.PathLike[str],
    destination: Path | None = None,
    manifest: pd.DataFrame | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Copy MiDe22's two tweet files from ``source`` (the repository's ``dataset/`` folder, its
    archive, or a URL) after checking every tweet of the manifest by the SHA-256 of its text."""
    from stance import tweets_news

    names = {name: f"{lang.upper()}/{name}" for lang, name in tweets_news.MIDE22_FILES.items()}
    return _fetch_tables(
        "mide22", source, names, tweets_news.read_mide22, "tweet_id", "tweet",
        destination, manifest, log,
    )  # fmt: skip


def fetch_aa(
    source: str | os.PathLike[str],
    destination: Path | None = None,
    manifest: pd.DataFrame | None = None,
    log: Callable[[str], None] | None = None,
) -> Path:
    """Copy SatireTR's ``train.csv`` (which holds the Anadolu Agency articles) from ``source``
    (the repository, its archive, or a URL) after checking every article of the manifest."""
    from stance import tweets_news

    names = {tweets_news.AA_FILE: "DebiasingPipeline/code/data/" + tweets_news.AA_FILE}
    return _fetch_tables(
        "aa", source, names, tweets_news.read_aa, "article_id", "article",
        destination, manifest, log,
    )  # fmt: skip


FETCHERS = {
    "ungdc": fetch_ungdc,
    "presidential": fetch_presidential,
    "mide22": fetch_mide22,
    "aa": fetch_aa,
}
DEFAULT_SOURCES = {
    "ungdc": UNGDC_URL,
    "presidential": PRESIDENTIAL_URL,
    "mide22": MIDE22_URL,
    "aa": SATIRETR_URL,
}


def default_source(corpus: str) -> str:
    """The source used when none is given: the corpus's variable of :data:`SOURCE_VARIABLES`
    if set, else the publisher's URL (which needs the network)."""
    return os.environ.get(SOURCE_VARIABLES[corpus]) or DEFAULT_SOURCES[corpus]


def is_fetched(corpus: str) -> bool:
    """Whether a fetched copy of the corpus is in place (its hashes were checked when fetched)."""
    return config.corpus_dir(corpus).is_dir()


def fetch(corpus: str, source: str | None = None, log: Callable[[str], None] | None = None) -> Path:
    """Fetch one corpus from ``source`` (default: :func:`default_source`)."""
    if corpus not in FETCHERS:
        raise InputError(f"unknown corpus {corpus!r} (choose from {', '.join(CORPORA)})")
    return FETCHERS[corpus](source or default_source(corpus), log=log)
