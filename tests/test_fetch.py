"""`stance corpus fetch`: folders, archives and downloads, checked against the manifests, through
the real command (one-line errors, exit 2, nothing half-written)."""

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from stance import corpora, fetch
from stance import real as real_module
from stance.io import InputError
from tests.helpers import write_speakers_xlsx, write_tweet_news_labels

FIXTURES = Path(__file__).parent / "fixtures" / "corpora"
SPEAKERS = corpora.SPEAKERS_FILE


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of the fixture corpora whose UNGDC folder has a speaker list beside ``TXT/``, as
    the publisher's has (``sources/ungdc/Speakers_by_session.xlsx``)."""
    folder = tmp_path / "sources"
    shutil.copytree(FIXTURES, folder)
    write_speakers_xlsx(folder / "ungdc" / SPEAKERS)
    return folder


@pytest.fixture
def project(tmp_path: Path, sources: Path) -> Path:
    """A project root whose manifests list the fixture corpora (and the speaker list of
    ``sources``, by hash)."""
    real = tmp_path / "data" / "real"
    real.mkdir(parents=True)
    fetch.ungdc_manifest(fetch.ungdc_documents(FIXTURES / "ungdc")).to_csv(
        real / "ungdc_manifest.csv", index=False
    )
    fetch.files_manifest({SPEAKERS: (sources / "ungdc" / SPEAKERS).read_bytes()}).to_csv(
        real / "ungdc_files.csv", index=False
    )
    fetch.presidential_manifest(corpora.read_presidential(FIXTURES / "presidential")).to_csv(
        real / "presidential_manifest.csv", index=False
    )
    return tmp_path


def stance_corpus(project: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "STANCE_ROOT": str(project),
        "STANCE_UNGDC": "",
        "STANCE_PRESIDENTIAL": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "stance", "corpus", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def make_archive(source: Path, archive: Path, speakers: bool = True) -> Path:
    """A gzip tar of ``source``'s ``TXT/`` (and of its speaker list when ``speakers``)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source / "TXT", arcname="UNGDC_fixture/TXT")
        if speakers:
            tar.add(source / SPEAKERS, arcname=f"UNGDC_fixture/{SPEAKERS}")
    return archive


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A local HTTP server for ``folder`` while the block runs; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fetched_files(project: Path, corpus: str) -> list[str]:
    folder = project / "data" / "external" / corpus
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_manifest_lists_each_speech_with_its_hash():
    manifest = fetch.ungdc_manifest(fetch.ungdc_documents(FIXTURES / "ungdc"))
    assert list(manifest.columns) == ["iso3", "session", "year", "sha256"]
    assert manifest[["iso3", "session"]].values.tolist() == [
        ["XAA", "77"],
        ["XBB", "77"],
        ["XAA", "78"],
        ["XCC", "78"],
    ]
    text = (FIXTURES / "ungdc" / "TXT" / "Session 77 - 2022" / "XAA_77_2022.txt").read_bytes()
    assert manifest["sha256"].iloc[0] == fetch.sha256_bytes(text)


def test_fetch_ungdc_from_a_folder(project, sources):
    done = stance_corpus(project, "fetch", "ungdc", "--source", str(sources))
    assert done.returncode == 0, done.stderr
    assert "ungdc: fetched into" in done.stdout
    assert fetched_files(project, "ungdc") == [
        SPEAKERS,
        "TXT/Session 77 - 2022/XAA_77_2022.txt",
        "TXT/Session 77 - 2022/XBB_77_2022.txt",
        "TXT/Session 78 - 2023/XAA_78_2023.txt",
        "TXT/Session 78 - 2023/XCC_78_2023.txt",
    ]
    fetched = project / "data" / "external" / "ungdc"
    assert (fetched / SPEAKERS).read_bytes() == (sources / "ungdc" / SPEAKERS).read_bytes()
    assert corpora.speaker_posts(fetched, sessions=[77, 78])["iso3"].tolist() == [
        "XAA",
        "XBB",
        "PRT",
        "XAA",
        "XCC",
    ]


def test_fetch_ungdc_from_an_archive_given_by_environment_variable(project, sources, tmp_path):
    archive = make_archive(sources / "ungdc", tmp_path / "downloads" / "UNGDC.tgz")
    done = stance_corpus(project, "fetch", "ungdc", STANCE_UNGDC=str(archive))
    assert done.returncode == 0, done.stderr
    assert len(fetched_files(project, "ungdc")) == 5
    assert (project / "data" / "external" / "ungdc" / SPEAKERS).is_file()


def test_fetch_ungdc_finds_the_speaker_list_beside_an_archive(project, sources, tmp_path):
    """On Harvard Dataverse the speaker list is a file of its own next to the archive."""
    downloads = tmp_path / "downloads"
    archive = make_archive(sources / "ungdc", downloads / "UNGDC.tgz", speakers=False)
    shutil.copy(sources / "ungdc" / SPEAKERS, downloads / SPEAKERS)
    done = stance_corpus(project, "fetch", "ungdc", "--source", str(archive))
    assert done.returncode == 0, done.stderr
    assert SPEAKERS in fetched_files(project, "ungdc")


def test_fetch_downloads_from_a_url_with_pooch(project, sources, tmp_path):
    """The archive and, beside it at the same URL, the speaker list (as on Dataverse)."""
    served = tmp_path / "served"
    served.mkdir()
    make_archive(sources / "ungdc", served / "UNGDC.tgz", speakers=False)
    shutil.copy(sources / "ungdc" / SPEAKERS, served / SPEAKERS)
    with serving(served) as base:
        done = stance_corpus(project, "fetch", "ungdc", "--source", f"{base}/UNGDC.tgz")
    assert done.returncode == 0, done.stderr
    assert len(fetched_files(project, "ungdc")) == 5
    cache = project / ".cache" / "downloads"
    assert list(cache.glob("*UNGDC.tgz")) and list(cache.glob(f"*{SPEAKERS}"))  # for next time


def test_fetch_presidential_from_a_folder(project):
    done = stance_corpus(
        project, "fetch", "presidential", "--source", str(FIXTURES / "presidential")
    )
    assert done.returncode == 0, done.stderr
    assert fetched_files(project, "presidential") == ["putin.csv", "zelenskyy.csv"]


def _ungdc_copy(tmp_path: Path) -> Path:
    """A copy of the UNGDC source of the ``sources`` fixture, to break."""
    copy = tmp_path / "edited"
    shutil.copytree(tmp_path / "sources" / "ungdc", copy)
    return copy


def _bad_speech_copy(tmp_path: Path) -> Path:
    copy = _ungdc_copy(tmp_path)
    speech = copy / "TXT" / "Session 78 - 2023" / "XCC_78_2023.txt"
    speech.write_text(speech.read_text() + "An extra sentence someone added.\n")
    return copy


def _no_speakers(tmp_path: Path) -> Path:
    copy = _ungdc_copy(tmp_path)
    (copy / SPEAKERS).unlink()
    return copy


def _edited_speakers(tmp_path: Path) -> Path:
    copy = _ungdc_copy(tmp_path)
    write_speakers_xlsx(copy / SPEAKERS, rows=[(2022, 77, "XAA", "A", "B", "King", None)])
    return copy


def _archive_without_speakers(tmp_path: Path) -> Path:
    return make_archive(
        tmp_path / "sources" / "ungdc", tmp_path / "alone" / "UNGDC.tgz", speakers=False
    )


def _not_gzip(tmp_path: Path) -> Path:
    path = tmp_path / "UNGDC.tgz"
    path.write_text("this is not an archive")
    return path


def _no_layout(tmp_path: Path) -> Path:
    folder = tmp_path / "flat"
    folder.mkdir()
    (folder / "XAA_77_2022.txt").write_text("a speech outside the publisher's layout")
    return folder


@pytest.mark.parametrize(
    ("make_source", "message"),
    [
        (lambda tmp: tmp / "nowhere", "no such file or folder"),
        (_no_layout, "no UN General Debate speeches found"),
        (_not_gzip, "not a readable gzip tar archive"),
        (_bad_speech_copy, "Session 78 - 2023/XCC_78_2023.txt differs from the manifest"),
        (_no_speakers, f"no {SPEAKERS} in the folder, at any depth"),
        (_edited_speakers, f"{SPEAKERS} differs from the manifest (SHA-256 mismatch)"),
        (_archive_without_speakers, f"no {SPEAKERS} in the archive nor at"),
    ],
)
def test_bad_ungdc_sources_are_one_line_errors_and_write_nothing(
    project, tmp_path, make_source, message
):
    done = stance_corpus(project, "fetch", "ungdc", "--source", str(make_source(tmp_path)))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("stance: error: ")
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project / "data" / "external" / "ungdc").exists()


def test_a_failed_fetch_keeps_the_previous_copy(project, sources, tmp_path):
    assert stance_corpus(project, "fetch", "ungdc", "--source", str(sources)).returncode == 0
    before = fetched_files(project, "ungdc")
    done = stance_corpus(project, "fetch", "ungdc", "--source", str(_edited_speakers(tmp_path)))
    assert done.returncode == 2
    assert fetched_files(project, "ungdc") == before
    fetched = project / "data" / "external" / "ungdc" / SPEAKERS
    assert fetched.read_bytes() == (sources / "ungdc" / SPEAKERS).read_bytes()
    assert sorted(p.name for p in (project / "data" / "external").iterdir()) == ["ungdc"]


def test_edited_press_release_is_named(project, tmp_path):
    copy = tmp_path / "presidential"
    shutil.copytree(FIXTURES / "presidential", copy)
    frame = pd.read_csv(copy / "zelenskyy.csv", dtype=str)
    frame.loc[0, "body"] += " An added sentence."
    frame.to_csv(copy / "zelenskyy.csv", index=False)
    done = stance_corpus(project, "fetch", "presidential", "--source", str(copy))
    assert done.returncode == 2
    assert "release ua-80001" in done.stderr and "differs from the manifest" in done.stderr


def test_offline_without_a_source_says_how_to_get_the_corpus(project):
    done = stance_corpus(project, "fetch", "ungdc", "--source", "http://127.0.0.1:9/UNGDC.tgz")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "pass --source PATH or set $STANCE_UNGDC" in done.stderr


def test_fetch_help_names_the_sources():
    done = subprocess.run(
        [sys.executable, "-m", "stance", "corpus", "fetch", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "doi:10.7910/DVN/0TJX8Y" in done.stdout and "STANCE_UNGDC" in done.stdout


def _labels_for_fixture(project: Path, broken: bool = False) -> None:
    """Label files (three sentences) and a one-row second pass for the fixture corpora."""
    sentences = corpora.ungdc_sentences(corpora.find_speeches(FIXTURES / "ungdc"))
    chosen = sentences[
        sentences["sentence_id"].isin(
            ["un-XAA-77-0002", "un-XBB-77-0002", "un-XCC-78-0000", "un-XCC-78-0001"]
        )
    ]
    labels = pd.DataFrame(
        {
            "sentence_id": chosen["sentence_id"],
            "sentence_sha256": chosen["sentence_sha256"],
            "sample": "keyword",
            "russian_foreign_policy": ["opposition", "opposition", "support", "support"],
            "ukraine_operation": ["opposition", "opposition", "support", "neutral"],
            "sentiment": ["negative", "positive", "positive", "positive"],
            "annotation": "pass1-batch01",
        }
    )
    if broken:
        labels.loc[labels.index[1], "sentence_sha256"] = "f" * 64
    real = project / "data" / "real"
    labels.to_csv(real / "ungdc_labels.csv", index=False)
    releases = corpora.presidential_sentences(corpora.read_presidential(FIXTURES / "presidential"))
    press = releases[
        releases["sentence_id"].isin(["ua-80001-0000", "ua-80002-0001", "kr-90001-0002"])
    ]
    pd.DataFrame(
        {
            "sentence_id": press["sentence_id"],
            "sentence_sha256": press["sentence_sha256"],
            "sample": "keyword",
            "russian_foreign_policy": ["support", "opposition", "neutral"],
            "ukraine_operation": ["neutral", "opposition", "neutral"],
            "sentiment": ["negative", "positive", "neutral"],
            "annotation": "pass1-batch02",
        }
    ).to_csv(real / "presidential_labels.csv", index=False)
    labels.drop(columns=["sentence_sha256", "sample"]).head(2).assign(
        annotation="pass2-batch01"
    ).to_csv(real / "second_pass.csv", index=False)
    pd.DataFrame(
        [
            {
                "sentence_id": "un-XAA-77-0002",
                "label": "sentiment",
                "first": "negative",
                "second": "negative",
                "final": "negative",
                "reason": "R8",
            }
        ]
    ).to_csv(real / "adjudication.csv", index=False)
    pd.DataFrame(
        [["kr-90001-0002", "sentiment", "negative", "neutral", "R11", "revise-01"]],
        columns=list(real_module.REVISION_COLUMNS),
    ).to_csv(real / real_module.PUBLISHER_REVISION, index=False)
    write_tweet_news_labels(real)


def test_corpus_build_rebuilds_the_real_set_from_fetched_corpora(project, sources):
    _labels_for_fixture(project)
    from stance import tweets_news

    real = project / "data" / "real"
    fetch.mide22_manifest(tweets_news.read_mide22(FIXTURES / "mide22")).to_csv(
        real / "mide22_manifest.csv", index=False
    )
    fetch.aa_manifest(tweets_news.read_aa(FIXTURES / "satiretr")).to_csv(
        real / "aa_manifest.csv", index=False
    )
    for corpus, source in (
        ("ungdc", sources),
        ("presidential", FIXTURES / "presidential"),
        ("mide22", FIXTURES / "mide22"),
        ("aa", FIXTURES / "satiretr"),
    ):
        assert stance_corpus(project, "fetch", corpus, "--source", str(source)).returncode == 0
    done = stance_corpus(project, "build")
    assert done.returncode == 0, done.stderr
    # 7 statements, 10 tweets, 6 news sentences and 2 translations
    assert "real text: 25 items" in done.stdout
    folder = project / "data" / "external" / "real_statements"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "test.csv", "train.csv"]


def test_corpus_build_names_a_sentence_whose_hash_no_longer_matches(project, sources):
    _labels_for_fixture(project, broken=True)
    assert stance_corpus(project, "fetch", "ungdc", "--source", str(sources)).returncode == 0
    stance_corpus(project, "fetch", "presidential", "--source", str(FIXTURES / "presidential"))
    done = stance_corpus(project, "build")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "sentence un-XBB-77-0002: its text no longer matches the committed SHA-256" in (
        done.stderr
    )
    assert not (project / "data" / "external" / "real_statements").exists()


def test_corpus_build_before_fetching_says_to_fetch(project):
    _labels_for_fixture(project)
    done = stance_corpus(project, "build")
    assert done.returncode == 2 and "not fetched (run: stance corpus fetch ungdc" in done.stderr


def test_committed_files_list_names_the_speaker_list():
    files = fetch.read_files("ungdc")  # data/real/ungdc_files.csv of this checkout
    assert files["file"].tolist() == [SPEAKERS]
    assert files["sha256"].str.fullmatch("[0-9a-f]{64}").all()


def test_bad_files_lists_are_one_line_errors(tmp_path):
    path = tmp_path / "ungdc_files.csv"
    with pytest.raises(InputError, match="no list of the files of corpus 'ungdc'"):
        fetch.read_files("ungdc", path)
    path.write_text("name,sha256\nx,y\n")
    with pytest.raises(InputError, match="missing column 'file'"):
        fetch.read_files("ungdc", path)
    path.write_text(f"file,sha256\nsub/{SPEAKERS},{'0' * 64}\n")
    with pytest.raises(InputError, match="is not a file name"):
        fetch.read_files("ungdc", path)


def test_documents_of_an_archive_include_the_named_files(sources, tmp_path):
    archive = make_archive(sources / "ungdc", tmp_path / "UNGDC.tgz")
    names = [name for name, _ in fetch.ungdc_documents(archive, files={SPEAKERS})]
    assert names[-1] == SPEAKERS and len(names) == 5
    assert SPEAKERS not in [name for name, _ in fetch.ungdc_documents(archive)]


# --- tweets (MiDe22) and news (Anadolu Agency) -------------------------------------------------


@pytest.fixture
def tweet_news_project(tmp_path: Path) -> Path:
    """A project root whose manifests list the MiDe22 and SatireTR fixtures."""
    from stance import tweets_news

    real = tmp_path / "project" / "data" / "real"
    real.mkdir(parents=True)
    fetch.mide22_manifest(tweets_news.read_mide22(FIXTURES / "mide22")).to_csv(
        real / "mide22_manifest.csv", index=False
    )
    fetch.aa_manifest(tweets_news.read_aa(FIXTURES / "satiretr")).to_csv(
        real / "aa_manifest.csv", index=False
    )
    return tmp_path / "project"


def _tweet_news_archive(folder: Path, archive: Path, top: str) -> Path:
    """A gzip tar of ``folder`` under ``top/``, as GitHub serves a repository at a commit."""
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=top)
    return archive


@pytest.mark.parametrize(
    ("corpus", "fixture", "variable", "files"),
    [
        (
            "mide22",
            "mide22",
            "STANCE_MIDE22",
            ["mide22_en_misinfo_tweets.tsv", "mide22_tr_misinfo_tweets.tsv"],
        ),
        ("aa", "satiretr", "STANCE_SATIRETR", ["train.csv"]),
    ],
)
def test_fetch_tweets_and_news_from_a_folder_an_archive_and_a_variable(
    tweet_news_project, tmp_path, corpus, fixture, variable, files
):
    done = stance_corpus(tweet_news_project, "fetch", corpus, "--source", str(FIXTURES / fixture))
    assert done.returncode == 0, done.stderr
    assert fetched_files(tweet_news_project, corpus) == files
    archive = _tweet_news_archive(
        FIXTURES / fixture, tmp_path / f"{fixture}.tar.gz", f"{fixture}-0123abc"
    )
    shutil.rmtree(tweet_news_project / "data" / "external")
    done = stance_corpus(tweet_news_project, "fetch", corpus, **{variable: str(archive)})
    assert done.returncode == 0, done.stderr
    assert fetched_files(tweet_news_project, corpus) == files


def _edited_tweet(tmp_path: Path) -> Path:
    copy = tmp_path / "mide22"
    shutil.copytree(FIXTURES / "mide22", copy)
    path = copy / "EN" / "mide22_en_misinfo_tweets.tsv"
    text = path.read_text(encoding="utf-8").replace("arm is sore", "arm is fine")
    path.write_text(text, encoding="utf-8")
    return copy


def _missing_tweet(tmp_path: Path) -> Path:
    copy = tmp_path / "mide22"
    shutil.copytree(FIXTURES / "mide22", copy)
    path = copy / "TR" / "mide22_tr_misinfo_tweets.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if "1500000000000000004" not in line))
    return copy


def _edited_article(tmp_path: Path) -> Path:
    copy = tmp_path / "satiretr"
    shutil.copytree(FIXTURES / "satiretr", copy)
    path = copy / "DebiasingPipeline" / "code" / "data" / "train.csv"
    text = path.read_text(encoding="utf-8").replace("metro hattı", "tramvay hattı")
    path.write_text(text, encoding="utf-8")
    return copy


def _not_gzip_news(tmp_path: Path) -> Path:
    path = tmp_path / "satiretr.tar.gz"
    path.write_text("not an archive")
    return path


@pytest.mark.parametrize(
    ("corpus", "make_source", "message"),
    [
        ("mide22", lambda tmp: tmp / "nowhere", "no such file or folder"),
        ("mide22", lambda tmp: tmp, "no TR/mide22_tr_misinfo_tweets.tsv (at any depth)"),
        ("mide22", _edited_tweet, "tweet 1400000000000000003 differs from the manifest"),
        ("mide22", _missing_tweet, "tweet 1500000000000000004 of the manifest is missing"),
        ("aa", _edited_article, "article aa-002 differs from the manifest"),
        ("aa", _not_gzip_news, "not a readable gzip tar archive"),
    ],
)
def test_bad_tweet_and_news_sources_are_one_line_errors_and_write_nothing(
    tweet_news_project, tmp_path, corpus, make_source, message
):
    done = stance_corpus(
        tweet_news_project, "fetch", corpus, "--source", str(make_source(tmp_path))
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("stance: error: ")
    assert message in done.stderr
    assert not (tweet_news_project / "data" / "external").exists()


def test_committed_tweet_and_news_manifests_hold_ids_and_hashes_only():
    root = Path(__file__).parents[1] / "data" / "real"
    mide22 = pd.read_csv(root / "mide22_manifest.csv", dtype=str)
    assert list(mide22.columns) == ["tweet_id", "lang", "topic", "event_id", "sha256"]
    assert mide22.groupby("lang").size().to_dict() == {"en": 5284, "tr": 5064}
    assert mide22["tweet_id"].is_unique
    aa = pd.read_csv(root / "aa_manifest.csv", dtype=str)
    assert list(aa.columns) == ["article_id", "sha256"] and len(aa) == 200


def test_fetch_tweets_downloads_a_repository_archive_with_pooch(tweet_news_project, tmp_path):
    """As from GitHub: the repository at a commit, one gzip tar with a top folder."""
    served = tmp_path / "served"
    served.mkdir()
    _tweet_news_archive(FIXTURES / "mide22", served / "0123abc.tar.gz", "MiDe22-0123abc/dataset")
    with serving(served) as base:
        url = f"{base}/0123abc.tar.gz"
        done = stance_corpus(tweet_news_project, "fetch", "mide22", STANCE_MIDE22=url)
    assert done.returncode == 0, done.stderr
    assert fetched_files(tweet_news_project, "mide22") == [
        "mide22_en_misinfo_tweets.tsv",
        "mide22_tr_misinfo_tweets.tsv",
    ]
    assert list((tweet_news_project / ".cache" / "downloads").glob("*0123abc.tar.gz"))
