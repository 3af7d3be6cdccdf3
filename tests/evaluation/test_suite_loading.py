from pathlib import Path

import pytest

from assistant.errors import UserError
from assistant.evaluation.suite import load_suite

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(text)
    return path


def test_seed_suite_has_the_required_shape() -> None:
    suite = load_suite(ROOT / "tests/suites/seed.yaml")
    turns = [t for c in suite.cases for t in c.all_turns()]
    assert len(suite.cases) >= 40
    assert sum(1 for t in turns if t.expect.refuse) >= 8
    assert sum(1 for c in suite.cases if c.turns and len(c.turns) >= 2) >= 5
    assert any("cross-document" in c.tags for c in suite.cases)
    assert any(len(t.expect.facts) > 1 for t in turns)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: s\ncases: [{id: a, question: q, expect: {facts: [[x]], colour: red}}]",
            "case 'a', field 'expect.colour': unknown field",
        ),
        ("name: s\ncases: [{id: b}]", "case 'b': a case needs either `question` or `turns`"),
        (
            "name: s\ncases: [{id: c, question: q, expect: {refuse: true, facts: [[x]]}}]",
            "case 'c', field 'expect': a case cannot both expect facts and expect a refusal",
        ),
        (
            "name: s\ncases: [{id: d, question: q, expect: {facts: [['']]}}]",
            "case 'd', field 'expect': every fact group",
        ),
        (
            "name: s\nthresholds: {accuracy: 1}\ncases: [{id: e, question: q}]",
            "unknown threshold 'accuracy'",
        ),
        ("name: s\ncases: [{question: q}]", "case #1, field 'id': Field required"),
        ("name: s\ncases: [{id: f, question: q}, {id: f, question: r}]", "'f' is used twice"),
        ("name: [unclosed\n", "not valid YAML (line"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_malformed_suites_name_the_case_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(UserError) as info:
        load_suite(path)
    assert str(path) in str(info.value) and message in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="suite file not found"):
        load_suite(tmp_path / "nope.yaml")


def test_a_bare_string_fact_is_a_group_of_one(tmp_path: Path) -> None:
    suite = load_suite(
        _write(tmp_path, "name: s\ncases: [{id: a, question: q, expect: {facts: [x, [y, z]]}}]")
    )
    assert suite.cases[0].all_turns()[0].expect.facts == [["x"], ["y", "z"]]
