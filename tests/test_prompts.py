from pathlib import Path

import pytest
from jinja2 import UndefinedError

from assistant.errors import UserError
from assistant.prompts import Prompts

ROOT = Path(__file__).resolve().parents[1]


def test_templates_render_strictly() -> None:
    prompts = Prompts(ROOT / "prompts")
    text = prompts.render(
        "answer_user.j2",
        passages=[{"n": 2, "title": "T", "text": "Fact."}],
        question="Q?",
        instruction="Reply briefly.",
    )
    assert "[2] Fact." in text and text.endswith("Question: Q?\nReply briefly.")
    with pytest.raises(UndefinedError):
        prompts.render("answer_user.j2", passages=[])


def test_missing_files_are_named(tmp_path: Path) -> None:
    prompts = Prompts(tmp_path)
    with pytest.raises(UserError, match=r"refusal\.txt is missing"):
        prompts.text("refusal.txt")
    with pytest.raises(UserError, match=r"answer_system\.j2 is missing"):
        prompts.render("answer_system.j2")
