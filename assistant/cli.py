"""The `assistant` command: index, retrieve, ask, chat, ui."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.app import App
    from assistant.settings import Settings


def main(argv: list[str] | None = None) -> int:
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)
    args = _parser().parse_args(argv)
    from index import store

    store.set_owner(f"`assistant {args.command}`")
    try:
        return int(args.run(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Answer questions about a folder of documents, with citations.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND", dest="command")

    p = sub.add_parser("index", help="sync the index with the files (default: data/)")
    p.add_argument("paths", nargs="*", type=Path)
    p.set_defaults(run=_index)

    p = sub.add_parser("retrieve", help="show the ranked passages for a question, no LLM")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=_retrieve)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print exactly one Answer JSON object")
    p.add_argument("--mode", choices=["generative", "extractive"], default=None)
    p.set_defaults(run=_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal (stored, like the browser's)")
    p.add_argument("--mode", choices=["generative", "extractive"], default=None)
    p.add_argument(
        "--resume",
        nargs="?",
        const="",
        metavar="ID",
        help="go on with a stored conversation: the latest, or the one with this id or title",
    )
    p.add_argument("--list", action="store_true", help="list the stored conversations")
    p.set_defaults(run=_chat)

    p = sub.add_parser("docs", help="list the indexed documents, or remove some")
    p.add_argument("action", choices=["list", "remove"])
    p.add_argument("sources", nargs="*", help="remove: the documents, as `docs list` names them")
    p.add_argument("--json", action="store_true", help="list: one JSON object per document")
    p.set_defaults(run=_docs)

    p = sub.add_parser("eval", help="run an evaluation suite; exit 1 when a threshold fails")
    p.add_argument("suite", type=Path)
    p.add_argument("--out", type=Path, help="write RUN.json")
    p.add_argument("--report", type=Path, help="write a self-contained HTML report")
    p.add_argument("--junit", type=Path, help="write JUnit XML")
    p.add_argument("--baseline", type=Path, help="an earlier RUN.json to compare with")
    p.add_argument("--tolerance", type=float, default=0.02, help="allowed drop per metric")
    p.add_argument("--limit", type=int, default=None, help="run only the first N cases")
    p.add_argument("--retrieval-only", action="store_true", help="score retrieval, skip the LLM")
    p.add_argument("--mode", choices=["generative", "extractive"], default=None)
    p.set_defaults(run=_eval)

    p = sub.add_parser(
        "bench", help="benchmarks: export a public one as a suite, score retrieval, load-test"
    )
    p.add_argument("action", choices=["export", "retrieval", "load", "answers", "perf"])
    p.add_argument("name", nargs="?", choices=["multihop-rag", "nq-open", "squad2", "seed"])
    p.add_argument("--corpus", choices=["multihop-rag", "nq-open"], help="same as NAME")
    p.add_argument("--out", type=Path, help="working folder (default runs/bench/NAME)")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument(
        "--no-textbook", action="store_true", help="answers, perf: the project only (no baseline)"
    )
    p.add_argument(
        "--split",
        choices=["report", "fit"],
        default="report",
        help="answers: the public questions reported on (default), or those a design choice "
        "may be weighed on",
    )
    p.add_argument(
        "--seed",
        action="store_true",
        help="perf: also time the seed suite's answers (first token, full answer) with the "
        "shipped defaults",
    )
    p.add_argument(
        "--starts",
        type=int,
        default=8,
        help="perf --seed: fresh processes timing the first question after start",
    )
    p.add_argument("--users", type=int, default=20, help="load: concurrent users")
    p.add_argument("--chunks", type=int, default=10_000, help="perf: corpus size in chunks")
    p.add_argument(
        "--embedder", choices=["fake", "minilm", "hashing"], default="fake", help="perf: embedder"
    )
    p.add_argument("--minutes", type=float, default=10.0, help="load: how long")
    p.add_argument(
        "--warmup", type=float, default=1.0, help="load: minutes of the same load run first"
    )
    p.add_argument("--suite", type=Path, default=None, help="load: questions (default seed)")
    p.add_argument("--url", default=None, help="load: a running server (default: start one)")
    p.set_defaults(run=_bench)

    for name, what, run, option, meaning in (
        ("fit-answerability", "answerability model", _fit, "--limit", "questions per dataset"),
        ("fit-reader", "reader's adapter (~30 min)", _fit_reader, "--epochs", "default 2"),
    ):
        p = sub.add_parser(
            name, help=f"refit the {what} on public data (writes the committed artefact)"
        )
        p.add_argument(
            "--workdir", type=Path, default=None, help="indexes of the data (runs/fit/EMBEDDINGS)"
        )
        p.add_argument("--out", type=Path, default=None, help="default: the shipped artefact")
        p.add_argument(option, type=int, default=None, help=meaning)
        p.set_defaults(run=run)

    p = sub.add_parser("ui", help="the Gradio chat in the browser")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument(
        "--insecure",
        action="store_true",
        help="allow a non-loopback host without ASSISTANT_API_KEY",
    )
    p.set_defaults(run=_ui)
    return parser


def _app(**overrides: object) -> App:
    """Imported lazily so that `--help` and an unchanged `index` stay fast."""
    from assistant.app import App
    from assistant.settings import load_settings

    return App(load_settings(**{k: v for k, v in overrides.items() if v is not None}))


def _index(args: argparse.Namespace) -> int:
    from rich.console import Console

    app = _app()
    paths = args.paths or [app.settings.data_dir]
    if not any(p.exists() for p in paths):
        shown = ", ".join(str(p) for p in paths)
        raise UserError(f"{shown}: no such file or folder; give the files or folders to index")
    console = Console(stderr=True)
    with _index_progress(console) as (on_file, on_progress):
        report = app.indexer.sync(paths, on_file=on_file, on_progress=on_progress, alone=True)
    for error in report.errors:
        print(f"skipped {error}", file=sys.stderr)
    print(f"{report.summary()}; {app.chunk_count()} chunks in the index")
    return 1 if report.errors else 0  # the rest is indexed; the skipped files are listed


@contextlib.contextmanager
def _index_progress(console: Any) -> Iterator[tuple[Any, Any]]:
    """A progress bar: files stored of files to store, chunks, chunks/s and the time left."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    started = time.perf_counter()
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files · {task.fields[chunks]} chunks"),
        TextColumn("· {task.fields[rate]} chunks/s"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("reading", total=None, chunks=0, rate="–")

    def on_progress(done: int, total: int, chunks: int) -> None:
        rate = chunks / max(time.perf_counter() - started, 1e-6)
        bar.update(task, description="indexing", completed=done, total=total, chunks=chunks,
                   rate=f"{rate:.0f}")  # fmt: skip

    def on_file(name: str) -> None:
        bar.update(task, description=f"reading {name[-40:]}")

    if not console.is_terminal:  # logs and pipes get the summary line only
        yield (lambda _: None), (lambda *_: None)
        return
    with bar:
        yield on_file, on_progress


def _retrieve(args: argparse.Namespace) -> int:
    app = _app()
    engine = app.engine
    question = engine.check_question(args.question)
    docs = app.retriever(args.k).invoke(question)
    rows = [
        {
            "rank": i,
            "chunk_id": d.id,
            "source": d.metadata["source"],
            "title": d.metadata.get("title"),
            "start": d.metadata["start"],
            "end": d.metadata["end"],
            "score": d.metadata["score"],
            "text": d.page_content,
        }
        for i, d in enumerate(docs, 1)
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("no passages: the index is empty; run `assistant index` first")
    for row in rows:
        print(f"[{row['rank']}] {row['score']:.3f}  {row['source']}:{row['start']}-{row['end']}")
        print("    " + " ".join(str(row["text"]).split())[:300])
    return 0


def _ask(args: argparse.Namespace) -> int:
    from assistant.answer import Answer

    engine = _app().engine
    if args.json:
        print(engine.ask(args.question, mode=args.mode).model_dump_json())
        return 0
    answer: Answer | None = None
    for event in engine.stream(args.question, mode=args.mode):
        if isinstance(event, Answer):
            answer = event
        elif isinstance(event, str):
            print(event, end="", flush=True)
    print()
    if answer is not None:
        _print_answer(answer)
    return 0


def _print_answer(answer: Answer) -> None:
    """After the streamed text: the final answer if it changed, its citations, what was cut."""
    for c in answer.citations:
        print(f"[{c.n}] {c.title} — {c.source}:{c.start}-{c.end}")
        print(f"    “{c.quote}”")
    for claim in answer.unsupported:
        print(f"  removed (unsupported or off the question): {claim}")
    if answer.refused:
        for r in answer.retrieved[:3]:
            print(f"  related: {r.source}: {' '.join(r.text.split())[:160]}")


def _chat(args: argparse.Namespace) -> int:
    from assistant.answer import Answer
    from assistant.engine import Turn
    from assistant.serving.conversations import Conversations

    app = _app()
    store = Conversations(app.settings.home / "conversations.sqlite")
    if args.list:
        for s in store.list():
            print(f"{s.id[:8]}  {s.answers:3d} answers  {s.title}")
        return 0
    cid = ""
    if args.resume is not None:
        if not args.resume and not store.list():
            raise UserError("there is no stored conversation to resume; start one with `chat`")
        cid = store.find(args.resume) if args.resume else store.list()[0].id
        print(f"Resuming: {store.title(cid)}")
        for earlier in store.answers(cid):
            print(f"> {earlier.question}\n{earlier.answer}\n")
    engine = app.engine
    print("Ask about your documents. Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        history = [Turn(a.question, a.answer) for a in store.answers(cid)] if cid else []
        try:
            for event in engine.stream(question, history, args.mode):
                if isinstance(event, Answer):
                    print()
                    _print_answer(event)
                    cid = cid or store.create()
                    store.add(cid, event)
                elif isinstance(event, str):
                    print(event, end="", flush=True)
        except UserError as exc:
            print(f"error: {exc}")
    if cid:
        print(f"saved as {cid[:8]}: `assistant chat --resume {cid[:8]}` goes on with it")
    return 0


def _docs(args: argparse.Namespace) -> int:
    from assistant.serving.workspace import Workspace

    workspace = Workspace(_app())
    if args.action == "remove":
        if not args.sources:
            raise UserError("name the documents to remove; `assistant docs list` shows them")
        for source in args.sources:
            print(workspace.remove_document(source))
        return 0
    for d in workspace.documents():
        when = d.indexed.strftime("%Y-%m-%d %H:%M:%S UTC")
        if args.json:
            row = {**d.__dict__, "indexed": when}
            print(json.dumps(row))
        else:
            mark = "  (uploaded)" if d.uploaded else ""
            print(f"{d.source}  {d.kind}  {d.size} bytes  {d.chunks} chunks  {when}{mark}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from assistant.evaluation.command import run_eval

    if args.limit is not None and args.limit < 1:
        raise UserError("--limit must be a positive number of cases")
    code, _ = run_eval(
        _app(mode=args.mode),
        args.suite,
        out=args.out,
        report=args.report,
        junit=args.junit,
        baseline=args.baseline,
        tolerance=args.tolerance,
        limit=args.limit,
        retrieval_only=args.retrieval_only,
    )
    return code


def _bench(args: argparse.Namespace) -> int:
    from rich.console import Console

    from assistant.settings import load_settings

    if args.action == "load":
        return _bench_load(args)
    if args.action == "answers":
        return _bench_answers(args)
    if args.action == "perf":
        return _bench_perf(args)
    name = args.name or args.corpus
    if not name:
        raise UserError("name a benchmark: multihop-rag or nq-open")
    settings = load_settings()
    out = args.out or Path("runs/bench") / name
    if args.action == "export":
        from assistant.evaluation.benchmarks import export

        print(export(name, settings.benchmarks_dir, out, args.limit))
        return 0
    from assistant.evaluation.bench import bench_retrieval

    bench_retrieval(settings, name, out, args.limit or 500, Console(stderr=True))
    return 0


def _bench_perf(args: argparse.Namespace) -> int:
    from assistant.evaluation.perf import bench_perf, print_perf
    from assistant.settings import load_settings

    out = args.out or Path("runs/bench") / f"perf-{args.embedder}-{args.chunks}"
    out.mkdir(parents=True, exist_ok=True)
    result = bench_perf(
        load_settings(),
        args.chunks,
        args.embedder,
        out,
        textbook=not args.no_textbook,
        seed_limit=None if args.seed else 0,
        starts=args.starts if args.seed else 0,
    )
    print_perf(result)
    (out / "perf.json").write_text(json.dumps(result, indent=1))
    print(f"written to {out / 'perf.json'}")
    return 0


def _bench_answers(args: argparse.Namespace) -> int:
    from rich.console import Console

    from assistant.evaluation.answers import bench_answers, write
    from assistant.settings import load_settings

    names = (
        [args.name or args.corpus]
        if (args.name or args.corpus)
        else ["seed", "squad2", "nq-open", "multihop-rag"]
    )
    out = args.out or Path("runs/bench/answers")
    results = bench_answers(
        load_settings(),
        names,
        out,
        args.limit,
        Console(stderr=True),
        not args.no_textbook,
        args.split,
    )
    write(results, out / "answers.json")
    print(json.dumps(results, indent=1))
    return 0


def _bench_load(args: argparse.Namespace) -> int:
    from assistant.evaluation.load import bench_load
    from assistant.settings import load_settings

    if args.users < 1 or args.minutes <= 0:
        raise UserError("--users must be at least 1 and --minutes above 0")
    settings = load_settings()
    suite = args.suite or settings.suites_dir / "seed.yaml"
    out = args.out or Path("runs/bench/load.json")
    result = bench_load(
        args.users, args.minutes, suite, out, args.url, settings.secret, args.warmup
    )
    print(json.dumps(result, indent=1))
    print(f"written to {out}", file=sys.stderr)
    failed = result["server_crashed"] or result["http_5xx"] or result["extractive_mismatches"]
    return 1 if failed else 0


def _fit_workdir(settings: Settings) -> Path:
    """Where the fit commands index the public data (reused between runs)."""
    return Path("runs/fit") / settings.embeddings.replace(":", "_").replace("/", "_")


def _fit(args: argparse.Namespace) -> int:
    from assistant.answering.answerability import artefact_for
    from assistant.answering.training import fit
    from assistant.settings import load_settings

    settings = load_settings()
    workdir = args.workdir or _fit_workdir(settings)
    summary = fit(settings, workdir, args.out or artefact_for(settings.embeddings), args.limit)
    print(json.dumps(summary))
    return 0


def _fit_reader(args: argparse.Namespace) -> int:
    from assistant.answering import reader_training
    from assistant.evaluation.datasets import check_benchmarks
    from assistant.settings import load_settings

    settings = load_settings()
    check_benchmarks(settings.benchmarks_dir)
    summary = reader_training.fit(
        settings,
        args.workdir or _fit_workdir(settings),
        args.out or reader_training.ADAPTER,
        args.epochs or reader_training.EPOCHS,
    )
    print(json.dumps(summary))
    return 0


def _ui(args: argparse.Namespace) -> int:
    from assistant.memory import limit_malloc_arenas

    limit_malloc_arenas()  # before any thread starts
    from assistant.serving.server import launch

    app = _app()
    launch(
        app,
        host=args.host or app.settings.host,
        port=args.port or app.settings.port,
        insecure=args.insecure,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
