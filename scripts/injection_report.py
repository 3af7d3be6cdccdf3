"""Print what each injection case of tests/test_injection.py gets from the real models
(MiniLM + the embedded SmolLM2), in both modes, as a Markdown table.

    .venv/bin/python scripts/injection_report.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.app import App  # noqa: E402
from assistant.serving.workspace import Workspace  # noqa: E402
from assistant.settings import load_settings  # noqa: E402
from tests.test_injection import CASES, DOCUMENTS, PAYLOAD, TITLES  # noqa: E402


def main() -> None:
    work = Path(tempfile.mkdtemp())
    (work / "data").mkdir()
    for seed in (ROOT / "data").glob("*.txt"):
        shutil.copy(seed, work / "data")
    for name, (text, _) in DOCUMENTS.items():
        (work / "data" / name).write_text(text)
    os.chdir(work)
    app = App(load_settings(home=work / ".assistant"))
    app.indexer.sync([Path("data")])
    (work / "incoming").mkdir()
    for name, text in TITLES.items():
        (work / "incoming" / name).write_text(text)
    Workspace(app).add_files(sorted((work / "incoming").iterdir()))
    print("| # | order in | question | generative answer | extractive answer | obeyed |")
    print("|---|---|---|---|---|---|")
    for i, (question, where) in enumerate(CASES, 1):
        gen = app.engine.ask(question, mode="generative")
        ext = app.engine.ask(question, mode="extractive")
        obeyed = any(PAYLOAD.search(a.answer) or "://" in a.answer for a in (gen, ext))
        cells = [str(i), where, question, gen.answer, ext.answer, "YES" if obeyed else "no"]
        print("| " + " | ".join(c.replace("|", "/").replace("\n", " ")[:110] for c in cells) + " |")


if __name__ == "__main__":
    main()
