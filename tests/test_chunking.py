from pathlib import Path

from index.chunking import chunk_document
from index.documents import load_document


def test_every_chunk_slices_the_file_exactly(fake_env: Path) -> None:
    for path in sorted(Path("data").glob("*.txt")):
        doc = load_document(path)
        file_text = path.read_bytes().decode("utf-8")
        chunks = chunk_document(doc, size=300, overlap=50)
        assert len(chunks) > 3
        for chunk in chunks:
            assert file_text[chunk.start : chunk.end] == chunk.text
            assert chunk.start >= doc.body_start
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunk_ids_are_stable_and_depend_on_content(fake_env: Path) -> None:
    doc = load_document(Path("data/000_8e8d18d6546258b1.txt"))
    first = [c.chunk_id for c in chunk_document(doc, 400, 50)]
    again = [c.chunk_id for c in chunk_document(doc, 400, 50)]
    assert first == again
    smaller = [c.chunk_id for c in chunk_document(doc, 200, 20)]
    assert set(first) != set(smaller)


def test_repeated_text_gets_distinct_ids_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "rep.txt"
    para = "The same paragraph repeats here with enough words to fill a chunk of text."
    path.write_text(f"Title\n\n{para}\n\n{para}\n\n{para}\n")
    chunks = chunk_document(load_document(path), size=80, overlap=0)
    same = [c for c in chunks if c.text == para]
    assert len(same) == 3
    assert len({c.chunk_id for c in same}) == 3
    assert len({c.start for c in same}) == 3
