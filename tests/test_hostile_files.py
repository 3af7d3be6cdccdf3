"""Hostile files: over 200 generated bad files dropped into an indexed folder. `assistant
index` (a real process, peak RSS measured) reports each on one line and skips it, and the
index built before is intact: same counts in manifest, Chroma and BM25, same answer."""

import io
import json
import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from index.bm25_store import BM25Store
from tests.test_formats import make_pdf

MAX_RSS_BYTES = 1.5e9
QUESTION = "How long is the land border between the United States and Canada?"
# Report peak RSS of the CLI run in KiB. VmHWM, not getrusage: Linux carries the parent's
# high-water mark across fork and exec into ru_maxrss, so that would measure pytest too.
RUN = (
    "import sys\n"
    "from assistant.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1]\n"
    "print('maxrss', peak, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _bomb(path: Path, megabytes: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as member:
            block = b"\0" * 1_000_000
            for _ in range(megabytes):
                member.write(block)


def make_hostile_files(folder: Path, rng: random.Random) -> dict[str, str]:
    """Write the bad files; returns file name → kind."""
    kinds: dict[str, str] = {}

    def put(name: str, kind: str, data: bytes) -> Path:
        path = folder / name
        path.write_bytes(data)
        kinds[name] = kind
        return path

    pdf = make_pdf(["The border is closed.", "Second page text."])
    for i in range(30):
        put(f"truncated-{i}.pdf", "truncated pdf", pdf[: rng.randrange(9, len(pdf) - 40)])
    for i in range(6):
        writer = PdfWriter()
        writer.add_blank_page(612, 792)
        writer.encrypt(f"pw{i}")
        out = io.BytesIO()
        writer.write(out)
        put(f"encrypted-{i}.pdf", "encrypted pdf", out.getvalue())
    for i in range(30):
        put(
            f"corrupt-{i}.pdf",
            "corrupt pdf",
            b"%PDF-1.4\n" + rng.randbytes(rng.randrange(10, 5000)),
        )
    for size in (60, 300):
        _bomb(folder / f"bomb-{size}mb.docx", size)
        kinds[f"bomb-{size}mb.docx"] = "zip bomb docx"
    for i in range(10):
        put(f"not-a-docx-{i}.docx", "corrupt docx", rng.randbytes(rng.randrange(10, 3000)))
    for i in range(10):
        put(f"empty-zip-{i}.docx", "corrupt docx", _zip({f"junk{i}.txt": b"nothing"}))
    for i in range(30):
        body = b"Valid start. " + bytes([0xC3, 0x28, 0xFF, 0xFE]) * (i + 1)
        put(f"latin-{i}.txt", "invalid utf-8", body + rng.randbytes(20).replace(b"\0", b"\x80"))
    for i in range(30):
        suffix = (".txt", ".md", ".html")[i % 3]
        put(f"nul-{i}{suffix}", "nul bytes", b"text\0with\0nul " * (i + 1))
    put("one-line-50mb.txt", "50 MB single line", b"x" * 50_000_000)
    for i, depth in enumerate((500, 1000, 5000, 20000, 100000) * 2):
        tag = ("div", "span", "li", "p", "b")[i % 5]
        body = f"<{tag}>" * depth + "deep text" + f"</{tag}>" * depth
        put(f"nested-{i}.html", "deeply nested html", f"<html><body>{body}</body></html>".encode())
    for i in range(5):
        a, b = folder / f"loop-a{i}.txt", folder / f"loop-b{i}.txt"
        a.symlink_to(b.name)
        b.symlink_to(a.name)
        kinds[a.name] = kinds[b.name] = "symlink loop"
    for i in range(20):
        path = put(f"locked-{i}.txt", "no read permission", f"secret {i}".encode())
        path.chmod(0)
    for i in range(10):
        put(f"empty-{i}.md", "empty", b"" if i % 2 else b" \n\t \n")
    for i in range(10):
        put(f"script-only-{i}.html", "html without text", b"<html><script>x()</script></html>")
    for i in range(2):
        os.mkfifo(folder / f"pipe-{i}.txt")
        kinds[f"pipe-{i}.txt"] = "named pipe"
    return kinds


def _index(env: dict[str, str], cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess, int]:
    command = [sys.executable, "-c", RUN, "index", *args]
    if os.geteuid() == 0 and shutil.which("setpriv"):
        # root reads any file; without these capabilities it obeys permission bits like a user
        bounding = "-dac_override,-dac_read_search"
        command = ["setpriv", "--bounding-set", bounding, "--", *command]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    rss = int(done.stderr.rsplit("maxrss", 1)[1].split()[0]) * 1024
    return done, rss


def _ask(env: dict[str, str], cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", QUESTION, "--json", "--mode", "extractive"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout)


def _counts(home: Path) -> tuple[int, int, int]:
    import chromadb
    from chromadb.config import Settings

    manifest = json.loads((home / "manifest.json").read_text())
    chunks = sum(f["chunks"] for f in manifest["files"].values())
    client = chromadb.PersistentClient(
        str(home / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    stored = client.get_collection("assistant").count()
    return chunks, stored, len(BM25Store(home / "bm25").ids())


def test_peak_rss_is_the_indexer_s_own_not_the_test_process_s(fake_env: Path) -> None:
    held = bytearray(600_000_000)
    held[::4096] = b"\1" * len(range(0, len(held), 4096))  # touch every page
    env = {**os.environ, "ASSISTANT_EMBEDDINGS": "hashing", "ASSISTANT_LLM": "fake"}
    done, rss = _index(env, fake_env, "data")
    assert done.returncode == 0, done.stderr
    assert 20e6 < rss < 500e6, f"peak RSS {rss / 1e6:.0f} MB"
    del held


def test_two_hundred_hostile_files_are_skipped_and_the_index_survives(fake_env: Path) -> None:
    env = {**os.environ, "ASSISTANT_EMBEDDINGS": "hashing", "ASSISTANT_LLM": "fake"}
    home = Path(env["ASSISTANT_HOME"])
    first, _ = _index(env, fake_env, "data")
    assert first.returncode == 0, first.stderr
    before = _counts(home)
    answer = _ask(env, fake_env)
    assert "5,525" in answer["answer"]

    kinds = make_hostile_files(fake_env / "data", random.Random(11))
    assert len(kinds) >= 200
    done, rss = _index(env, fake_env, "data")

    assert done.returncode == 1, done.stderr  # files were skipped
    lines = [line for line in done.stderr.splitlines() if not line.startswith("maxrss")]
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert lines == skipped, [line for line in lines if line not in skipped][:5]
    reported = {line.split(":", 1)[0].removeprefix("skipped data/") for line in skipped}
    assert reported == set(kinds), sorted(set(kinds) ^ reported)
    assert len(skipped) == len(kinds)  # one line each
    assert f"{len(kinds)} skipped with errors" in done.stdout
    assert rss <= MAX_RSS_BYTES, f"peak RSS {rss / 1e6:.0f} MB"
    assert _counts(home) == before
    assert _ask(env, fake_env)["answer"] == answer["answer"]


@pytest.mark.parametrize("happening", ["vanishes", "changes"])
def test_a_file_that_vanishes_or_changes_while_read_is_skipped(
    fake_env: Path, monkeypatch: pytest.MonkeyPatch, happening: str
) -> None:
    from assistant.app import App
    from assistant.settings import load_settings
    from index import documents

    app = App(load_settings())
    app.indexer.sync([Path("data")])
    count = app.chunk_count()
    victim = Path("data/victim.md")
    victim.write_text("# Victim\n\nA paragraph about maple syrup.\n")
    real = documents.read_bytes

    def read_then_meddle(path: Path, max_bytes: int) -> bytes:
        raw = real(path, max_bytes)
        if path.name == "victim.md":
            if happening == "vanishes":
                path.unlink()
            else:
                path.write_text("# Victim\n\nRewritten while it was read, and longer now.\n")
        return raw

    monkeypatch.setattr(documents, "read_bytes", read_then_meddle)
    report = app.indexer.sync([Path("data")])
    assert report.errors and report.errors[0].startswith("data/victim.md: file ")
    assert report.added == []
    assert app.chunk_count() == count
    monkeypatch.setattr(documents, "read_bytes", real)
    if happening == "changes":  # the next run indexes what is there now
        assert app.indexer.sync([Path("data")]).added == ["data/victim.md"]
