"""The rough edges a user of the ``stance`` command hits, each through the real command.

Bad files get one line that says what to do (another encoding, an Excel workbook, another
delimiter, a misspelt or duplicated column); output problems name ``--out`` and leave nothing
behind; Ctrl-C ends with one line and exit code 130; ``stance evaluate`` averages macro-F1 over
the classes present and can score one language of a mixed file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from stance import model_selection
from tests.helpers import (
    GROUP,
    LABEL,
    TEXT,
    assert_one_line_error,
    predict_args,
    run,
    stance_rows,
    train_word_model,
    write_csv,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli_errors")


@pytest.fixture(scope="module")
def model(workdir: Path) -> Path:
    """An English model (metadata lang 'en', label column 'label'), trained once."""
    data = write_csv(workdir / "train.csv", stance_rows())
    path = train_word_model(data, workdir / "model.skops", grouped=False)
    return path


def train_argv(data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "train",
        "--data",
        str(data),
        "--text-column",
        TEXT,
        "--label-column",
        LABEL,
        "--features",
        "word",
        "--out",
        str(out),
        *extra,
    ]


def evaluate_argv(model: Path, data: Path, *extra: str) -> list[str]:
    return [
        "evaluate",
        "--model",
        str(model),
        "--data",
        str(data),
        "--text-column",
        TEXT,
        "--label-column",
        LABEL,
        *extra,
    ]


# --- input files: say what is wrong and what to do -----------------------------------------


def test_non_utf8_file_gets_its_line_and_a_conversion_hint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "legacy.csv"
    data.write_bytes("text,label\nfine,support\ncafé crème,neutral\n".encode("cp1252"))
    code, _, err = run(capsys, *train_argv(data, tmp_path / "m.skops"))
    assert_one_line_error(code, err, "legacy.csv: line 3: not valid UTF-8 text")
    assert f"iconv -f WINDOWS-1252 -t UTF-8 {data} > {tmp_path / 'legacy.utf8.csv'}" in err
    assert not (tmp_path / "m.skops").exists()


def test_excel_workbook_is_named_as_such(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    xlsx = tmp_path / "labels.xlsx"
    with zipfile.ZipFile(xlsx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    xls = tmp_path / "labels.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    for path in (xlsx, xls):
        code, _, err = run(capsys, *evaluate_argv(model, path))
        assert_one_line_error(code, err, f"{path.name}: is an Excel workbook")
        assert "not a CSV file: save it as CSV UTF-8" in err


def test_an_empty_model_path_is_refused_as_empty(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = write_csv(tmp_path / "texts.csv", stance_rows())
    code, _, err = run(capsys, *predict_args("", data, tmp_path / "out.csv"))
    assert_one_line_error(code, err, "argument --model: expected a path, got an empty string")
    assert not (tmp_path / "out.csv").exists()


def test_a_workbook_given_as_model_is_not_called_tampered(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workbook = tmp_path / "labels.xlsx"
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = write_csv(tmp_path / "texts.csv", stance_rows())
    code, _, err = run(capsys, *predict_args(workbook, data, tmp_path / "out.csv"))
    assert_one_line_error(code, err, "labels.xlsx: not a skops model file")
    assert "tampered" not in err


def test_a_column_of_numbers_gets_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = tmp_path / "numbers.csv"
    data.write_text(
        f"{TEXT},score\n1.5,2\n-3,4\nRussia is right,5\n2,000,6\n".replace("2,000", '"2,000"')
    )
    code, _, err = run(capsys, *predict_args(model, data, tmp_path / "out.csv"))
    assert code == 0
    assert f"3 of the 4 texts in column {TEXT!r} are only numbers" in err
    words = write_csv(tmp_path / "words.csv", stance_rows())
    code, _, err = run(capsys, *predict_args(model, words, tmp_path / "out2.csv"))
    assert code == 0 and "only numbers" not in err


def test_semicolon_file_suggests_the_delimiter(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "excel_de.csv"
    data.write_text("text;label\nWir begrüßen den Vertrag;support\n", encoding="utf-8")
    code, _, err = run(capsys, *train_argv(data, tmp_path / "m.skops"))
    assert_one_line_error(code, err, "excel_de.csv: looks ';'-separated")
    assert "save it comma-separated" in err
    data.write_text("text\tlabel\nWe welcome the treaty\tsupport\n", encoding="utf-8")
    code, _, err = run(capsys, *train_argv(data, tmp_path / "m.skops"))
    assert_one_line_error(code, err, "looks tab-separated")


def test_missing_column_lists_the_columns_there_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = write_csv(tmp_path / "test.csv", stance_rows(2))
    code, _, err = run(
        capsys,
        "evaluate",
        "--model",
        model,
        "--data",
        data,
        "--text-column",
        "txt",
        "--label-column",
        LABEL,
    )
    assert_one_line_error(
        code,
        err,
        f"{data}: missing column 'txt' (the file has: 'id', '{TEXT}', '{LABEL}', '{GROUP}')",
    )


def test_duplicate_column_names_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "dup.csv"
    data.write_text("text,label,text\nWe welcome it,support,again\n", encoding="utf-8")
    code, _, err = run(capsys, *train_argv(data, tmp_path / "m.skops"))
    assert_one_line_error(code, err, "dup.csv: line 1: duplicate column name 'text'")


def test_csv_positions_are_physical_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A quoted cell with line breaks moves the rows after it: the error names the line an
    editor shows, not the row number."""
    data = tmp_path / "multiline.csv"
    data.write_text(
        'text,label\n"first line\nsecond line\nthird line",support\nWe condemn it,\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, *train_argv(data, tmp_path / "m.skops"))
    assert_one_line_error(code, err, "multiline.csv: line 5: empty label in column 'label'")


# --- output: name --out, leave nothing behind, respect the umask ---------------------------


def test_out_equal_to_data_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = write_csv(tmp_path / "train.csv", stance_rows(3))
    before = data.read_bytes()
    code, _, err = run(capsys, *train_argv(data, tmp_path / "." / "train.csv"))
    assert_one_line_error(code, err, "--out is the input file (--data)")
    assert data.read_bytes() == before


def test_out_under_a_file_names_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = write_csv(tmp_path / "train.csv", stance_rows(3))
    blocker = tmp_path / "results"
    blocker.write_text("a file, not a folder\n")
    for out in (blocker / "model.skops", blocker / "sub" / "model.skops"):
        code, _, err = run(capsys, *train_argv(data, out))
        assert_one_line_error(code, err, f"{out}: cannot write: {blocker} is not a folder")
        assert ".tmp" not in err
    assert blocker.read_text() == "a file, not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results", "train.csv"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_out_in_a_read_only_folder_names_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = write_csv(tmp_path / "train.csv", stance_rows(3))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        out = locked / "model.skops"
        code, _, err = run(capsys, *train_argv(data, out))
        assert_one_line_error(code, err, f"{out}: cannot write")
        assert ".tmp" not in err
    finally:
        locked.chmod(0o755)


def test_folders_created_for_out_are_removed_after_a_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    """predict opens --out (creating its folders) before it has read the whole input."""
    data = tmp_path / "late_bad.csv"
    data.write_bytes(b"text\n" + b"We welcome the treaty\n" * 30 + b"caf\xe9\n")
    out = tmp_path / "new" / "deeper" / "predicted.csv"
    code, _, err = run(
        capsys,
        *predict_args(model, data, out),
        "--chunksize",
        "7",
    )
    assert_one_line_error(code, err, "late_bad.csv: line 32: not valid UTF-8")
    assert not (tmp_path / "new").exists()


def test_new_files_respect_the_umask(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "train.csv", stance_rows(3))
    out = tmp_path / "model.skops"
    script = (
        "import os, sys; os.umask(0o027); from stance.cli import main; "
        f"sys.exit(main({train_argv(data, out)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o777 == 0o640


# --- Ctrl-C --------------------------------------------------------------------------------


def test_ctrl_c_is_one_line_and_exit_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(model_selection, "select_model", interrupted)
    data = write_csv(tmp_path / "train.csv", stance_rows(3))
    code, out, err = run(capsys, *train_argv(data, tmp_path / "new" / "m.skops"))
    assert (code, out, err) == (130, "", "stance: interrupted\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train.csv"]


# --- evaluate ------------------------------------------------------------------------------


def test_macro_f1_averages_over_the_classes_present(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = write_csv(
        tmp_path / "one.csv", [{TEXT: "We warmly welcome the treaty", LABEL: "support"}]
    )
    code, out, err = run(capsys, *evaluate_argv(model, data, "--json"))
    scores = json.loads(out)
    assert code == 0 and err == ""
    assert scores["macro_f1"] == 1.0 and scores["macro_f1_classes"] == ["support"]
    assert set(scores["per_class"]) == {"neutral", "opposition", "support"}
    code, out, _ = run(capsys, *evaluate_argv(model, data))
    assert code == 0
    assert "macro-F1  1.0000  (over the 1 class present in gold or predictions)" in out


def _bilingual(path: Path) -> Path:
    english = [{**row, "lang": "en"} for row in stance_rows(2)]
    turkish = [
        {"id": f"tr{i}", TEXT: text, LABEL: label, GROUP: "gt", "lang": "tr"}
        for i, (text, label) in enumerate(
            [
                ("Anlaşmayı memnuniyetle karşılıyoruz", "support"),
                ("Zirveyi kınıyoruz", "opposition"),
            ]
        )
    ]
    return write_csv(path, english + turkish)


def test_evaluate_lang_keeps_one_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = _bilingual(tmp_path / "both.csv")
    code, out, err = run(capsys, *evaluate_argv(model, data, "--lang", "en", "--json"))
    assert code == 0 and err == ""
    assert json.loads(out)["n"] == 12
    code, out, err = run(capsys, *evaluate_argv(model, data, "--lang", "en"))
    assert code == 0 and "(lang en): 12 texts" in out

    code, _, err = run(capsys, *evaluate_argv(model, data, "--lang", "de"))
    assert_one_line_error(code, err, "no rows with lang 'de' (column 'lang' has 'en', 'tr')")
    no_lang = write_csv(tmp_path / "plain.csv", stance_rows(2))
    code, _, err = run(capsys, *evaluate_argv(model, no_lang, "--lang", "en"))
    assert_one_line_error(code, err, "plain.csv: --lang en: the file has no 'lang' column")


def test_evaluate_warns_about_other_languages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = _bilingual(tmp_path / "both.csv")
    code, out, err = run(capsys, *evaluate_argv(model, data, "--json"))
    assert code == 0 and json.loads(out)["n"] == 14
    assert err.splitlines() == [
        f"stance: warning: {data} has texts in 'tr' but the model was "
        "trained on 'en' texts; add --lang en to score only those"
    ]


def test_evaluate_warns_about_another_label_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    rows = [{"id": row["id"], TEXT: row[TEXT], "stance": row[LABEL]} for row in stance_rows(2)]
    data = write_csv(tmp_path / "renamed.csv", rows)
    code, out, err = run(
        capsys,
        "evaluate",
        "--model",
        model,
        "--data",
        data,
        "--text-column",
        TEXT,
        "--label-column",
        "stance",
        "--json",
    )
    assert code == 0 and json.loads(out)["n"] == 12
    assert err.splitlines() == [
        "stance: warning: --label-column 'stance' is not the column the "
        "model was trained on ('label'); check that it holds the same "
        "labels"
    ]


def test_evaluate_unknown_label_names_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Path
) -> None:
    data = write_csv(
        tmp_path / "odd.csv",
        [*stance_rows(1), {"id": "x", TEXT: "We shrug", LABEL: "undecided", GROUP: "g"}],
    )
    code, _, err = run(capsys, *evaluate_argv(model, data))
    assert_one_line_error(code, err, "odd.csv: line 8: column 'label': label 'undecided'")
