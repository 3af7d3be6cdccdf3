from pathlib import Path

import pytest

from index.documents import LoadError, discover, load_document


def test_front_matter_gives_title_url_and_date(fake_env: Path) -> None:
    doc = load_document(Path("data/002_ec2a0a35004d6a3e.txt"))
    assert doc.title == "FACT SHEET: The United States-Canada Partnership"
    assert doc.url and doc.url.startswith("https://www.whitehouse.gov/")
    assert doc.date == "2021-02-23"
    assert doc.text[doc.body_start :].lstrip().startswith("*The United States and Canada")
    assert doc.source == "data/002_ec2a0a35004d6a3e.txt"


def test_first_line_is_the_title_without_front_matter(fake_env: Path) -> None:
    doc = load_document(Path("data/000_8e8d18d6546258b1.txt"))
    assert doc.title == "The United States and Canada: Neighbors, Friends, and Allies"
    assert doc.url is None and doc.body_start == 0
    assert doc.date == "2021-02-26"  # its dateline, "02/26/2021 03:12 PM EST"


@pytest.mark.parametrize(
    ("opening", "date"),
    [
        ("Title\n\nMarch 3, 2021\n\nText.", "2021-03-03"),
        ("Title\n2021-02-05 10:00 UTC\nText.", "2021-02-05"),
        ("Title\n03/02/2021\nText.", None),  # March 2 or 3 February: not guessed
        ("Title\nWe met on February 2, 2021.\n", None),  # a date in a sentence
        ("A\nB\nC\nD\nMarch 3, 2021\n", None),  # too far in to be a dateline
        ("---\ndate: '2020-01-01'\n---\nMarch 3, 2021\n", "2020-01-01"),  # front matter wins
    ],
)
def test_a_dateline_near_the_start_dates_a_text(tmp_path: Path, opening: str, date: str) -> None:
    path = tmp_path / "doc.md"
    path.write_text(opening)
    assert load_document(path).date == date


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"caf\xe9 au lait", "not UTF-8"),
    ],
)
def test_bad_files_get_a_one_line_reason(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(LoadError, match=message) as info:
        load_document(path)
    assert "\n" not in str(info.value)


def test_discover_reports_missing_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\ntext")
    (tmp_path / "b.exe").write_bytes(b"MZ")
    (tmp_path / ".hidden.txt").write_text("secret")
    found = dict(discover([tmp_path, tmp_path / "missing.txt", tmp_path / "b.exe"]))
    assert found[tmp_path / "a.md"] is None
    assert "no such file" in str(found[tmp_path / "missing.txt"])
    assert "unsupported file type .exe" in str(found[tmp_path / "b.exe"])
    assert tmp_path / ".hidden.txt" not in found
