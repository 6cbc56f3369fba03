"""Tests for stance.io: strict CSV reading and atomic writes."""

import pytest

from stance.io import (
    InputError,
    atomic_write,
    atomic_write_text,
    check_distinct_paths,
    iter_csv_chunks,
    read_csv,
    read_text,
)


def test_read_csv_keeps_every_cell_a_string(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("text,label\nhello,None\n,NA\n", encoding="utf-8")
    frame = read_csv(path, ["text", "label"])
    assert frame.to_dict("list") == {"text": ["hello", ""], "label": ["None", "NA"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"text,label\n", "has a header but no rows"),
        (b"text\nhello\n", "missing column 'label' (the file has: 'text')"),
        (b"text,label\nhello,\xff\xfe\n", "line 2: not valid UTF-8"),
    ],
)
def test_read_csv_errors_are_one_line_and_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_csv(path, ["text", "label"])
    assert message in str(error.value) and str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_read_csv_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_csv(tmp_path / "nope.csv")


def test_iter_csv_chunks_streams_and_checks(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("text\n" + "".join(f"row {i}\n" for i in range(25)), encoding="utf-8")
    chunks = list(iter_csv_chunks(path, ["text"], chunksize=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    with pytest.raises(InputError, match="missing column"):
        list(iter_csv_chunks(path, ["label"]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"text\nok\n\xff\n")
    with pytest.raises(InputError, match="not valid UTF-8"):
        list(iter_csv_chunks(bad, ["text"]))


def test_atomic_write_leaves_old_file_on_failure(tmp_path):
    path = tmp_path / "result.txt"
    atomic_write_text(path, "old\n")
    with pytest.raises(RuntimeError), atomic_write(path) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.txt"]


def test_write_errors_name_the_output_not_the_temporary_file(tmp_path, monkeypatch):
    import errno

    path = tmp_path / "new" / "out.csv"
    with pytest.raises(OSError) as error, atomic_write(path) as handle:
        handle.write("half")
        raise OSError(errno.ENOSPC, "No space left on device")  # as a full disk would
    assert (error.value.filename, error.value.strerror) == (
        str(path),
        "cannot write: No space left on device",
    )
    assert list(tmp_path.iterdir()) == []  # the folder made for it is gone too

    def read_only(*args, **kwargs):  # what mkstemp raises in a read-only folder
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".out.csv.x.tmp"))

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    with pytest.raises(OSError) as error:
        atomic_write_text(path, "x")
    assert (error.value.filename, error.value.strerror) == (
        str(path),
        "cannot write: Permission denied",
    )
    assert list(tmp_path.iterdir()) == []


def test_input_errors_inside_a_write_pass_through_unchanged(tmp_path):
    missing = tmp_path / "input.csv"
    with pytest.raises(FileNotFoundError) as error, atomic_write(tmp_path / "a" / "out.csv"):
        missing.read_bytes()
    assert error.value.filename == str(missing)
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_keeps_existing_folders_and_the_mode_of_a_replaced_file(tmp_path):
    existing = tmp_path / "kept"
    existing.mkdir()
    with pytest.raises(RuntimeError), atomic_write(existing / "a" / "b" / "out.txt"):
        raise RuntimeError("interrupted")
    assert existing.is_dir() and list(existing.iterdir()) == []
    path = existing / "shared.txt"
    atomic_write_text(path, "old\n")
    path.chmod(0o664)
    atomic_write_text(path, "new\n")
    assert path.stat().st_mode & 0o777 == 0o664 and path.read_text() == "new\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "is an Excel workbook"),
        ("text\nhi\n".encode("utf-16"), "is UTF-16 text, not UTF-8: convert it: iconv -f UTF-16"),
        (b"text;label\nhi;a\n", "looks ';'-separated"),
        (b"text,label,label\nhi,a,b\n", "line 1: duplicate column name 'label'"),
        (b"id,txt\n1,hi\n", "missing columns 'text', 'label' (the file has: 'id', 'txt')"),
        (
            b"text,label\nok,a\n" * 3 + "caf\xe9,b\n".encode("latin-1"),
            "line 7: not valid UTF-8 text (if it is Latin-1 or Windows-1252, convert it: "
            "iconv -f WINDOWS-1252 -t UTF-8",
        ),
    ],
)
def test_read_csv_and_iter_csv_chunks_say_what_to_do(tmp_path, content, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    for read in (
        lambda: read_csv(path, ["text", "label"]),
        lambda: list(iter_csv_chunks(path, ["text", "label"], chunksize=2)),
    ):
        with pytest.raises(InputError) as error:
            read()
        assert message in str(error.value) and str(error.value).startswith(f"{path}: ")


def test_read_text_names_a_workbook(tmp_path):
    import zipfile

    path = tmp_path / "notes.txt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(InputError, match="is an Excel workbook, not a text file"):
        read_text(path)


def test_check_distinct_paths(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("text\nhi\n")
    check_distinct_paths(data, tmp_path / "out.csv")
    for out in (data, tmp_path / "." / "data.csv"):
        with pytest.raises(InputError, match=r"--out is the input file \(--data\)"):
            check_distinct_paths(data, out)
    (tmp_path / "link.csv").symlink_to(data)
    with pytest.raises(InputError, match="input file"):
        check_distinct_paths(data, tmp_path / "link.csv")
