"""The RAG engine: retrieve → gate on the evidence → generate (streaming) or extract → verify."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.exceptions import ModelError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.retrievers import BaseRetriever

from assistant.answer import Answer, Passage, Retrieved
from assistant.answering.answerability import LogisticModel
from assistant.answering.compose import (
    compose,
    enough,
    listed_by_documents,
    near_miss,
    relevant,
)
from assistant.answering.folder import FOLDER_CHUNKS, of_the_folder
from assistant.answering.parser import names_before
from assistant.answering.question import Question, read_question
from assistant.answering.reader import Reader
from assistant.answering.spelling import as_written
from assistant.documents import from_sources, passage_of, ranked_document, titled
from assistant.errors import ModelUnavailable, UserError
from assistant.evidence import EvidenceJudge, Judgement, Sentence
from assistant.followup import chosen_items, filtered_list, of_named_items
from assistant.links import defang_urls
from assistant.llm import LLMPool
from assistant.prompts import Prompts
from assistant.text import MARKER, plain, quotable, satisfies, terms
from assistant.verify import Verified, at_most, renumbered, verify, with_its_citations
from index.embeddings import CachedEmbeddings
from index.injection import without_orders

Mode = Literal["generative", "extractive"]
HISTORY_TURNS = 2
PROMPT_PASSAGES = 3
SENTENCES_PER_PASSAGE = 2
# A single fact is read from the gate's best sentence alone: a generated fact is kept only when
# it rests on that sentence (EVIDENCE_SENTENCES), and each prompt token costs ~3 ms of the wait
# for the first token with the embedded model on two cores. Weighed on the fit splits (captured
# generative answers, SQuAD first 200, MultiHop-RAG first 100): 112 and 47 correct against 110
# and 47 with the best two sentences.
FACT_SENTENCES = 1
EVIDENCE_SENTENCES = 1  # a generated answer must rest on the gate's best sentence
SPELLING_PASSAGES = 12  # how many of the passages found say how the documents write a word
PART_PASSAGES = 2  # a question of several claims reads up to this many times k passages
UNJUDGED = Judgement(False, "decided without weighing evidence")
# A list question that finds a passage introducing a list ("… will prioritize:") also reads
# the chunks after it, where the items are, up to this many, of a document this long at most
LIST_CHUNKS = 6
SOURCE_CHUNKS = 400
DOCUMENT_CHUNKS = 32  # a named document this short is read through for a summary of it
INTRODUCES = re.compile(r"\w[:：]\**\s*$", re.MULTILINE)
MIN_GROUNDED = 0.75  # share of the answer's own words (beyond the question's) found there


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


@dataclass(frozen=True)
class Draft:
    """A token of the model's draft: shown as work in progress, never as the answer (the
    checked answer follows as text)."""

    token: str


@dataclass(frozen=True)
class Waiting:
    """Streamed while the question waits for the language model: `ahead` questions go first."""

    ahead: int


Event = str | Draft | Waiting | Answer


class ChatEngine(Protocol):
    """What the front ends need of an engine (tests give them fakes)."""

    def stream(
        self, question: str, history: list[Turn], mode: str | None = None, **options: Any
    ) -> Generator[Event, None, None]: ...


WAIT_POLL_S = 0.5


class Engine:
    def __init__(
        self,
        retriever: BaseRetriever,
        llm: BaseChatModel | LLMPool,
        prompts: Prompts,
        embeddings: Embeddings,
        model_name: str,
        mode: Mode = "generative",
        max_question_chars: int = 2000,
        judge: EvidenceJudge | None = None,
        pool_factory: Callable[[str], LLMPool] | None = None,
        answerability: LogisticModel | None = None,
        verdict: LogisticModel | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.retriever = retriever
        default = llm if isinstance(llm, LLMPool) else LLMPool(model_name, [llm])
        self._pools = {model_name: default}
        self._pool_factory = pool_factory
        self._pools_lock = threading.Lock()
        self.prompts = prompts
        self.embeddings = CachedEmbeddings(embeddings)  # the gate and verify share sentences
        self.model_name = model_name
        self.mode = mode
        self.max_question_chars = max_question_chars
        keywords = getattr(retriever, "bm25", None)
        self.judge = judge or EvidenceJudge(
            self.embeddings, answerability, keywords.knows if keywords else None, verdict, reader
        )

    @property
    def llm(self) -> BaseChatModel:
        return self._pools[self.model_name].models[0]

    def pool(self, spec: str | None = None) -> LLMPool:
        """The model pool for a config string (validated; built once, then shared)."""
        spec = (spec or "").strip() or self.model_name
        with self._pools_lock:
            if spec not in self._pools:
                if self._pool_factory is None:
                    raise UserError(f"this server only offers the model {self.model_name!r}")
                self._pools[spec] = self._pool_factory(spec)
            return self._pools[spec]

    def check_question(self, question: str) -> str:
        question = question.strip()
        if not question:
            raise UserError("the question is empty; type a question about your documents")
        if len(question) > self.max_question_chars:
            raise UserError(
                f"the question is {len(question)} characters long; "
                f"the limit is {self.max_question_chars}, so shorten it"
            )
        return question

    @staticmethod
    def retrieval_query(question: str, history: Sequence[Turn] = ()) -> str:
        return read_question(question, history).query

    def retrieve(self, question: str, history: Sequence[Turn] = ()) -> list[Passage]:
        return [
            passage_of(d) for d in self.retriever.invoke(self.retrieval_query(question, history))
        ]

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        mode: Mode | None = None,
        *,
        k: int | None = None,
        llm: str | None = None,
    ) -> Generator[Event, None, None]:
        """Yield Waiting while queued for the model, the answer's text as it is produced, then
        the final, verified Answer. k and llm apply to this request only."""
        asked = self.check_question(question)
        question = without_orders(asked)  # orders in a question are not part of it
        mode = mode or self.mode
        pool = self.pool(llm) if mode != "extractive" else None
        retriever = self.retriever
        if k is not None and k != getattr(retriever, "k", k):
            retriever = retriever.model_copy(update={"k": k})
        t0 = time.perf_counter()
        filtered = self._filtered_list(question, history)
        if filtered is not None:  # read from a list, not generated
            yield filtered.answer
            took = _ms(time.perf_counter() - t0)
            timings = filtered.timings_ms | {"first_token": took, "total": took}
            yield filtered.model_copy(update={"question": asked, "timings_ms": timings})
            return
        read = read_question(question, history)
        of_folder = of_the_folder(retriever, read, self.prompts)  # read, not searched
        if of_folder:
            passages = of_folder[1]
        else:
            read, passages = read_and_found(retriever, question, history, self.judge.indexed)
        t_retrieve = time.perf_counter()
        judgement = UNJUDGED if of_folder else self.judge.judge(read, passages)
        best = judgement.evidence[0] if judgement.answerable else None
        if best and read.shape == "fact" and plain(best.text).endswith(":"):
            # "What will the Roadmap prioritize?": the answer is the list the best sentence
            # introduces, in the chunks after it
            more = items_after(retriever, passages[best.n - 1], passages)
            if more:
                passages += more
                judgement = self.judge.judge(read, passages)
        first_token: float | None = None
        unsupported: list[str] = []
        produced = mode
        if of_folder:
            verified = of_folder[0]
            produced = "extractive"
            first_token = time.perf_counter()
        elif not judgement.answerable:
            verified = self._refusal(read, judgement, passages)
            produced = "refused"
            first_token = time.perf_counter()
        elif read_not_generated(read, judgement) or mode == "extractive":
            verified = compose(read, judgement, passages)
            produced = "extractive"
            first_token = time.perf_counter()
        elif listed := listed_by_documents(read, judgement, passages):
            # items the documents give one by one are read: a model would drop or reword them
            verified, produced, first_token = listed, "extractive", time.perf_counter()
        else:
            assert pool is not None
            parts: list[str] = []
            messages = self._messages(read, judgement, passages, history)
            with pool.queue.enter() as ticket:
                ahead, slot = -1, ticket.wait(0)
                while slot is None:  # show the place in line at once, then as it moves
                    if ticket.ahead() != ahead:
                        ahead = ticket.ahead()
                        yield Waiting(ahead)
                    slot = ticket.wait(WAIT_POLL_S)
                try:
                    for chunk in pool.models[slot].stream(messages):
                        token = str(chunk.content)
                        if token:
                            first_token = first_token or time.perf_counter()
                            parts.append(token)
                            yield Draft(token)
                except ModelError as exc:
                    raise ModelUnavailable(
                        f"the model {pool.name} failed ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:200]}); check ASSISTANT_LLM and that its "
                        "server is running, or ask with --mode extractive"
                    ) from None
            verified = self._checked("".join(parts), read, judgement, passages)
            unsupported = verified.unsupported
            if not verified.text:
                verified = compose(read, judgement, passages)
                produced = "fallback"
        verified = renumbered(at_most(verified, read.length))
        text = defang_urls(verified.text)
        yield text  # only checked text streams as the answer
        done = time.perf_counter()
        yield Answer(
            question=asked,
            answer=text,
            refused=produced == "refused",
            citations=verified.citations,
            retrieved=[
                Retrieved(
                    chunk_id=p.chunk_id,
                    source=p.source,
                    score=p.score,
                    text=p.text,
                    flagged=p.flagged,
                )
                for p in passages
            ],
            model="extractive" if produced == "extractive" else (pool or self.pool()).name,
            timings_ms={
                "retrieve": _ms(t_retrieve - t0),
                "first_token": _ms((first_token or done) - t0),
                "total": _ms(done - t0),
            },
            mode=produced,
            unsupported=unsupported,
        )

    def _filtered_list(self, question: str, history: Sequence[Turn]) -> Answer | None:
        """ "Which priorities of the Roadmap involve NATO?" with no list in the conversation:
        the items of "What are the priorities of the Roadmap?" (read, not generated) that
        say what is asked, each with its citation; None when no item, or too many, say it."""
        asked = filtered_list(question, history)
        if asked is None:
            return None
        listing, which = asked
        listed = self.ask(listing, history, mode="extractive")
        of_list = Turn(listing, listed.answer)
        named = not listed.refused and of_named_items(of_list)
        items = chosen_items(which, of_list, cited=True) if named else []
        if not items:
            return None
        text = "\n".join(f"- {item}" for item in items)
        kept = renumbered(with_its_citations(text, listed.citations))
        return listed.model_copy(update={"answer": kept.text, "citations": kept.citations})

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        mode: Mode | None = None,
        **options: object,
    ) -> Answer:
        for event in self.stream(question, history, mode, **options):  # type: ignore[arg-type]
            if isinstance(event, Answer):
                return event
        raise RuntimeError("the engine produced no answer")  # unreachable: stream ends with one

    def _checked(
        self, text: str, question: Question, judgement: Judgement, passages: list[Passage]
    ) -> Verified:
        """The supported sentences of the generated answer, kept when there are enough for
        its shape, it is of the asked kind, and what it says comes from evidence on the
        question: for a list, summary or comparison, sentences the extractive answer would
        choose from; for a single fact, the gate's best evidence."""
        on_topic = (
            frozenset(s.text for s in relevant(question, judgement)) if question.gathers else None
        )
        verified = verify(text, passages, self.embeddings, question.topic, on_topic)
        if not verified.text:
            return verified
        reject = not enough(question, verified.text) or not all(  # "[1]" is no number
            satisfies(kind, MARKER.sub("", verified.text)) for kind in question.kinds
        )
        if not question.broad:
            top = [s.text for s in judgement.evidence[:EVIDENCE_SENTENCES]]
            stated = " ".join(top)
            said, evidence = terms(MARKER.sub("", verified.text)), terms(stated)
            given = terms(question.text)
            added = said - given
            grounded = len(added & evidence) / len(added) if added else 0.0
            on_evidence = all(c.quote in top for c in verified.citations)
            # "Which intelligence community …?" answered without saying which one is, or
            # with another name than the evidence gives it ("the Five Eyes community")
            focus = question.focus
            drops_focus = (
                focus is not None
                and focus in evidence
                and (focus not in said or not _says_its_name(stated, focus, said, given))
            )
            # "The value of energy trade … was $725 billion" of evidence that gives the value
            # of all trade: a kind of the thing the question asks about that the evidence
            # never says of it (a generated answer may not assume it; the quote does not)
            assumes = any(
                m in said and h in evidence and m not in evidence for m, h in question.kinds_of
            )
            reject = reject or not on_evidence or grounded < MIN_GROUNDED or drops_focus or assumes
        if reject:
            return Verified("", [], [*verified.unsupported, verified.text])
        return verified

    def _refusal(self, read: Question, judgement: Judgement, passages: list[Passage]) -> Verified:
        refusal = self.prompts.text("refusal.txt")
        near = near_miss(read, judgement, passages)
        if near is None:
            return Verified(refusal, [])
        text = self.prompts.render(
            "refusal_near.j2",
            refusal=refusal,
            asked=near.asked,
            given=near.given,
            quote=quotable(near.sentence.text),  # inside the template's “…”
            n=near.sentence.n,
        )
        return Verified(text, [near.citation])

    def prompt(self, question: str) -> list[BaseMessage]:
        """What the language model reads for a question asked on its own, whatever the gate
        decides of it (the warm-up has each model read and answer one)."""
        read = read_question(self.check_question(question), [])
        passages = passages_for(self.retriever, read)
        return self._messages(read, self.judge.judge(read, passages), passages, [])

    def system_prompt(self) -> str:
        """The same for every question, so llama.cpp reads it once and keeps it cached."""
        return self.prompts.render("answer_system.j2", refusal=self.prompts.text("refusal.txt"))

    def _messages(
        self,
        question: Question,
        judgement: Judgement,
        passages: list[Passage],
        history: Sequence[Turn],
    ) -> list[BaseMessage]:
        messages: list[BaseMessage] = [SystemMessage(self.system_prompt())]
        for turn in history[-HISTORY_TURNS:]:
            messages += [HumanMessage(turn.question), AIMessage(turn.answer)]
        wide = question.broad
        shown = _short_passages(
            judgement.evidence,
            passages,
            PROMPT_PASSAGES + wide,
            SENTENCES_PER_PASSAGE + wide,
            FACT_SENTENCES if question.shape == "fact" and not wide else None,
        )
        user = self.prompts.render(
            "answer_user.j2",
            passages=shown,
            question=question.text,
            instruction=self._instruction(question),
        )
        messages.append(HumanMessage(user))
        return messages

    def _instruction(self, question: Question) -> str:
        """How to answer a question of its shape, and in how many sentences if it says."""
        shape = self.prompts.text(f"shape_{question.shape}.txt")
        if question.length is None:
            return shape
        return f"{shape} {self.prompts.render('length.j2', most=question.length)}"


def read_not_generated(read: Question, judgement: Judgement) -> bool:
    """Who or what is named, and a yes/no verdict, are read from the evidence and weighed by
    the fitted verdict model in every mode: the bundled 135M model cannot do either. A
    summary of whole documents is their most central sentences, which a model would only
    paraphrase; which documents say a thing is read, as is who is named."""
    return (
        read.answer_type == "person"
        or read.kind_label is not None
        or read.entity is not None
        or judgement.verdict is not None
        or read.of_documents
        or read.names_documents
    )


def _says_its_name(evidence: str, focus: str, said: frozenset[str], given: frozenset[str]) -> bool:
    """The answer (said) names one of the names the evidence writes before the thing asked
    about, when it writes any the question (given) does not already name."""
    names = [terms(n) for n in names_before(evidence, focus) if not terms(n) <= given]
    return not names or any(n <= said for n in names)


def _short_passages(
    evidence: list[Sentence],
    passages: list[Passage],
    most: int,
    per_passage: int,
    total: int | None = None,
) -> list[dict[str, object]]:
    """The passages holding the best evidence, each cut to its best sentences (at most `total`
    in all), keeping their numbers so that the model's [n] points into `passages`."""
    best: dict[int, list[Sentence]] = {}
    for s in evidence:
        if total is not None and sum(map(len, best.values())) >= total:
            break
        if s.n in best or len(best) < most:
            chosen = best.setdefault(s.n, [])
            if len(chosen) < per_passage:
                chosen.append(s)
    return [
        {
            "n": n,
            "title": passages[n - 1].title,
            "text": " ".join(_plain(s.text) for s in sorted(chosen, key=lambda s: s.start)),
        }
        for n, chosen in sorted(best.items())
    ]


def _plain(sentence: str) -> str:
    """Without Markdown's bold and the source's line breaks (layout, and a token each)."""
    return " ".join(sentence.replace("**", "").split())


def read_and_found(
    retriever: BaseRetriever,
    question: str,
    history: Sequence[Turn] = (),
    known: Callable[[str], bool] | None = None,
) -> tuple[Question, list[Passage]]:
    """The question read and what a search for it finds; read again with its words as the
    passages found write them when they differ ("who's trudeau" → "who's Trudeau", "the
    boarder" → "the border"), and searched again."""
    read = read_question(question, history)
    passages = passages_for(retriever, read)
    written = as_written(question, (p.text for p in passages[:SPELLING_PASSAGES]), known)
    if written:
        read = read_question(written, history)
        passages = passages_for(retriever, read)
    return read, passages


def passages_for(retriever: BaseRetriever, read: Question) -> list[Passage]:
    """What a search for the question finds; for a question about the whole folder, every
    chunk when the folder is small enough to read through."""
    everything = getattr(retriever, "everything", None)
    if read.reads_folder and everything is not None:
        docs = everything(FOLDER_CHUNKS)
        if docs and read.document_rank:
            return [passage_of(d) for d in ranked_document(docs, read.document_rank)]
        if docs and read.sources:
            docs = from_sources(docs, read.sources) or docs  # else a source no document names
        elif docs:
            docs = titled(docs, read.text) or docs  # "the fact sheet": the one titled so
        if docs:
            return [passage_of(d) for d in docs]
    if len(read.parts) > 1:  # each claim finds its own documents
        k = int(getattr(retriever, "k", 4))
        found = [retriever.invoke(q) for q in (read.query, *read.parts)]
        return [passage_of(d) for d in interleaved(found, PART_PASSAGES * k)]
    docs = retriever.invoke(read.query)
    if read.sources and read.gathers:  # "What does the State Department say about NORAD?"
        docs = from_sources(read_through(retriever, docs), read.sources) or docs
    elif read.of_one_kind:  # "What does the fact sheet say about Mexico?"
        docs = titled(read_through(retriever, docs), read.text) or docs
    elif read.held:  # "Who is the President of Canada?": whose president the documents say
        docs = docs + [d for d in read_through(retriever, docs) if d not in docs]
    passages = [passage_of(d) for d in docs]
    if read.shape == "list":
        intro = next((p for p in passages if INTRODUCES.search(p.text)), None)
        passages += items_after(retriever, intro, passages)
    return passages


def items_after(
    retriever: BaseRetriever, intro: Passage | None, passages: list[Passage]
) -> list[Passage]:
    """The chunks that follow a passage introducing a list ("… will prioritize:"), where its
    items are, but those already found."""
    of_source = getattr(retriever, "of_source", None)
    if of_source is None or intro is None:
        return []
    chunks = of_source(intro.source, SOURCE_CHUNKS) or []
    found = {p.chunk_id for p in passages}
    after = [d for d in chunks if int(d.metadata["start"]) > intro.start]
    return [passage_of(d) for d in after[:LIST_CHUNKS] if d.id not in found]


def read_through(retriever: BaseRetriever, found: list[Document]) -> list[Document]:
    """Every chunk of each document found, when it is short enough to read through (a search
    finds few chunks of one document), else the chunks of it found."""
    of_source = getattr(retriever, "of_source", None)
    whole: list[Document] = []
    for source in dict.fromkeys(d.metadata["source"] for d in found):
        chunks = of_source(source, DOCUMENT_CHUNKS) if of_source else None
        whole += chunks or [d for d in found if d.metadata["source"] == source]
    return whole


def interleaved(ranked: list[list[Document]], most: int) -> list[Document]:
    """The first of each list, then the second of each …, each chunk once."""
    out: dict[str, Document] = {}
    for rank in range(max(map(len, ranked), default=0)):
        for docs in ranked:
            if rank < len(docs) and len(out) < most:
                out.setdefault(str(docs[rank].id), docs[rank])
    return list(out.values())


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
