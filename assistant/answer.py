"""The Answer JSON contract (GUIDE §3): what `ask --json` prints and each eval turn records."""

from __future__ import annotations

from pydantic import BaseModel, Field

from index.injection import blank

Span = tuple[int, int]


class Passage(BaseModel):
    """A retrieved chunk, numbered for the prompt. Text addressed to an AI assistant
    (`flagged` spans, a flagged title) is blanked out of what evidence and the model read."""

    chunk_id: str
    source: str
    title: str
    url: str | None = None
    start: int
    end: int
    text: str
    score: float
    page: int | None = None
    flagged: list[Span] = Field(default_factory=list)
    title_flagged: bool = False

    @property
    def usable_text(self) -> str:
        return blank(self.text, self.flagged)

    heading: str = ""  # "Title (publisher, date) > Section", as indexed with the chunk

    @property
    def usable_title(self) -> str:
        return "" if self.title_flagged else self.title

    @property
    def identity(self) -> str:
        """The document's title, publisher and date, and the section: what a question may
        name the passage by ("the TechCrunch report of October 5")."""
        return "" if self.title_flagged else (self.heading or self.title)


class Citation(BaseModel):
    n: int
    source: str
    title: str
    url: str | None
    chunk_id: str
    start: int
    end: int
    text: str
    quote: str
    supported: bool
    page: int | None = None
    flagged: list[Span] = Field(
        default_factory=list, description="spans of text addressing an AI assistant, not used"
    )


class Retrieved(BaseModel):
    chunk_id: str
    source: str
    score: float
    text: str
    flagged: list[Span] = Field(default_factory=list)


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    retrieved: list[Retrieved] = Field(default_factory=list)
    model: str
    timings_ms: dict[str, int] = Field(default_factory=dict)
    mode: str = "generative"  # or "extractive": how the answer text was produced
    unsupported: list[str] = Field(default_factory=list)  # generated sentences removed
