"""The suite YAML format (GUIDE §3), validated on load with errors naming file, case and field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import UserError

Fact = list[str]  # alternatives; any one of them satisfies the group


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: list[Fact] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    refuse: bool = False
    # Texts a relevant passage contains (retrieval scored as MultiHop-RAG scores it).
    evidence: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _facts_as_groups(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("facts"), list):
            data = {**data, "facts": [f if isinstance(f, list) else [f] for f in data["facts"]]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        if self.refuse and self.facts:
            raise ValueError("a case cannot both expect facts and expect a refusal")
        if any(not group or any(not str(a).strip() for a in group) for group in self.facts):
            raise ValueError("every fact group needs at least one non-empty alternative")
        return self


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1)
    expect: Expect = Field(default_factory=Expect)
    reference: str | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str | None = None
    expect: Expect | None = None
    reference: str | None = None
    tags: list[str] = Field(default_factory=list)
    turns: list[Turn] | None = None

    @model_validator(mode="after")
    def _question_or_turns(self) -> Case:
        if (self.question is None) == (self.turns is None):
            raise ValueError("a case needs either `question` or `turns` (exactly one)")
        if self.turns is not None and (self.expect is not None or self.reference is not None):
            raise ValueError("with `turns`, put `expect` and `reference` inside each turn")
        if self.turns is not None and not self.turns:
            raise ValueError("`turns` is empty")
        return self

    def all_turns(self) -> list[Turn]:
        if self.turns is not None:
            return self.turns
        return [
            Turn(
                question=self.question or "",
                expect=self.expect or Expect(),
                reference=self.reference,
            )
        ]


THRESHOLD_NAMES = frozenset(
    {
        "fact_accuracy",
        "refusal_accuracy",
        "false_refusal_rate",
        "citation_support",
        "recall_at_1",
        "recall_at_5",
        "recall_at_10",
        "mrr_at_10",
        "ndcg_at_10",
        "fact_hit_at_5",
        "hits_at_4",
        "hits_at_10",
        "token_f1",
        "case_pass_rate",
        "latency_total_p95_ms",
        "latency_first_token_p95_ms",
        "latency_retrieve_p95_ms",
    }
)
# Thresholds on these are maxima; on every other metric they are minima.
LOWER_IS_BETTER = frozenset({"false_refusal_rate"} | {n for n in THRESHOLD_NAMES if "latency" in n})


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    thresholds: dict[str, float] = Field(default_factory=dict)
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Suite:
        unknown = sorted(set(self.thresholds) - THRESHOLD_NAMES)
        if unknown:
            raise ValueError(
                f"unknown threshold {unknown[0]!r}; known: {', '.join(sorted(THRESHOLD_NAMES))}"
            )
        ids = [c.id for c in self.cases]
        duplicate = next((i for i in ids if ids.count(i) > 1), None)
        if duplicate:
            raise ValueError(f"case id {duplicate!r} is used twice")
        return self


def load_suite(path: Path) -> Suite:
    if not path.is_file():
        raise UserError(f"{path}: suite file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where else ""
        raise UserError(f"{path}: not valid YAML{line}; fix the syntax") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a mapping with name, thresholds and cases")
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{path}: {_describe(exc, data)}") from None


def _describe(exc: ValidationError, data: dict) -> str:
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "cases" and isinstance(loc[1], int):
        cases = data.get("cases") or []
        case = cases[loc[1]] if loc[1] < len(cases) else {}
        case_id = case.get("id") if isinstance(case, dict) else None
        where = f"case {case_id!r}" if case_id else f"case #{loc[1] + 1}"
        loc = loc[2:]
    field = ".".join(str(p) for p in loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown field"
    parts = [p for p in (where, f"field {field!r}" if field else "") if p]
    return f"{', '.join(parts)}: {msg}" if parts else msg
