"""Tests for stance.io: strict CSV reading and atomic writes."""

import pytest

from stance.io import InputError, atomic_write, atomic_write_text, iter_csv_chunks, read_csv


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
        (b"text\nhello\n", "missing column(s) 'label'"),
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
