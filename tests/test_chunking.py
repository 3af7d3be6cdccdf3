from pathlib import Path

from index.chunking import chunk_document
from index.documents import load_document


def test_every_chunk_slices_the_file_exactly(fake_env: Path) -> None:
    for path in sorted(Path("data").glob("*.txt")):
        doc = load_document(path)
        file_text = path.read_bytes().decode("utf-8")
        chunks = chunk_document(doc, size=300)
        assert len(chunks) > 3
        for chunk in chunks:
            assert file_text[chunk.start : chunk.end] == chunk.text
            assert chunk.start >= doc.body_start
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunk_ids_are_stable_and_depend_on_content(fake_env: Path) -> None:
    doc = load_document(Path("data/000_8e8d18d6546258b1.txt"))
    first = [c.chunk_id for c in chunk_document(doc, 400)]
    again = [c.chunk_id for c in chunk_document(doc, 400)]
    assert first == again
    smaller = [c.chunk_id for c in chunk_document(doc, 200)]
    assert set(first) != set(smaller)


def test_repeated_text_gets_distinct_ids_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "rep.txt"
    para = "The same paragraph repeats here with enough words to fill a chunk of text."
    path.write_text(f"Title\n\n{para}\n\n{para}\n\n{para}\n")
    chunks = chunk_document(load_document(path), size=80)
    same = [c for c in chunks if c.text == para]
    assert len(same) == 3
    assert len({c.chunk_id for c in same}) == 3
    assert len({c.start for c in same}) == 3


def test_sentences_are_never_cut_and_headings_form_the_path(tmp_path: Path) -> None:
    sentences = [
        f"Sentence number {i} talks about topic {i} at some length here." for i in range(30)
    ]
    path = tmp_path / "doc.md"
    path.write_text(
        "---\ntitle: Guide\n---\n# Part A\n\n"
        + " ".join(sentences[:15])
        + "\n\n## Detail\n\n- first bullet\n- second bullet\n\n# Part B\n\n"
        + " ".join(sentences[15:])
        + "\n"
    )
    doc = load_document(path)
    chunks = chunk_document(doc, size=200)
    body = [c for c in chunks if "Sentence" in c.text]
    for c in body:
        assert c.text.startswith("Sentence") and c.text.endswith("here."), c.text
        assert len(c.text) <= 200
    assert {c.heading for c in body} == {"Guide > Part A", "Guide > Part B"}
    [bullets] = [c for c in chunks if "bullet" in c.text]
    assert bullets.text == "- first bullet\n- second bullet"
    assert bullets.heading == "Guide > Part A > Detail"
    assert bullets.indexed_text.startswith("Guide > Part A > Detail\n")


def test_a_giant_sentence_is_split_between_words(tmp_path: Path) -> None:
    path = tmp_path / "run-on.txt"
    path.write_text("Title\n\n" + " ".join(["word"] * 400) + ".\n")
    doc = load_document(path)
    chunks = chunk_document(doc, size=300)
    assert len(chunks) > 1
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert not c.text.startswith(" ") and "wor d" not in c.text
