"""Turn public benchmarks into a corpus folder plus a suite YAML over it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import UserError


def export(name: str, benchmarks_dir: Path, out: Path, limit: int | None = None) -> str:
    exporters = {"multihop-rag": _multihop, "nq-open": _nq_open}
    if name not in exporters:
        raise UserError(f"unknown benchmark {name!r}; known: {', '.join(exporters)}")
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    docs, cases = exporters[name](benchmarks_dir, limit)
    for filename, meta, body in docs:
        (corpus / filename).write_text(with_front_matter(meta, body), encoding="utf-8")
    suite = {"name": name, "description": f"exported from {benchmarks_dir / _folder(name)}"}
    suite["cases"] = cases
    (out / "suite.yaml").write_text(
        yaml.safe_dump(suite, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8"
    )
    return (
        f"wrote {len(docs)} documents to {corpus} and {len(cases)} cases to {out / 'suite.yaml'}\n"
        f"next: ASSISTANT_HOME={out / '.assistant'} assistant index {corpus}\n"
        f"      ASSISTANT_HOME={out / '.assistant'} assistant eval {out / 'suite.yaml'}"
    )


def _folder(name: str) -> str:
    return {"multihop-rag": "multihop-rag", "nq-open": "nq-open-oracle"}[name]


def _read_json(path: Path) -> Any:
    if not path.exists():
        raise UserError(f"{path}: benchmark data not found; set ASSISTANT_BENCHMARKS_DIR")
    return json.loads(path.read_text(encoding="utf-8"))


def _slug(text: str, n: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:n].strip("-") or "doc"


Exported = tuple[list[tuple[str, dict[str, Any], str]], list[dict[str, Any]]]


def with_front_matter(meta: dict[str, Any], body: str) -> str:
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n{body}\n"


def multihop_articles(root: Path) -> tuple[list[tuple[str, dict[str, Any], str]], dict[str, str]]:
    """MultiHop-RAG's articles as (file name, front matter, body), and file name by URL."""
    articles = _read_json(root / "multihop-rag" / "corpus.json")
    docs, file_of = [], {}
    for i, a in enumerate(articles):
        filename = f"{i:04d}-{_slug(a['title'])}.md"
        file_of[a["url"]] = filename
        meta = {
            "title": a["title"],
            "url": a["url"],
            "date": a["published_at"][:10],
            "source": a["source"],
            "category": a["category"],
        }
        docs.append((filename, meta, a["body"]))
    return docs, file_of


def _multihop(root: Path, limit: int | None) -> Exported:
    docs, file_of = multihop_articles(root)
    queries = _read_json(root / "multihop-rag" / "MultiHopRAG.json")[:limit]
    cases = []
    for i, q in enumerate(queries):
        case: dict[str, Any] = {
            "id": f"mh-{i:04d}",
            "question": q["query"],
            "tags": [q["question_type"]],
        }
        if q["question_type"] == "null_query":
            case["expect"] = {"refuse": True}
        else:
            evidence = q["evidence_list"]
            case["expect"] = {
                "facts": [[q["answer"]]],
                "sources": sorted({file_of[e["url"]] for e in evidence}),
                "evidence": [e["fact"] for e in evidence],
            }
            case["reference"] = q["answer"]
        cases.append(case)
    return docs, cases


def _nq_open(root: Path, limit: int | None) -> Exported:
    path = root / "nq-open-oracle" / "nq-open-oracle.jsonl"
    if not path.exists():
        raise UserError(f"{path}: benchmark data not found; set ASSISTANT_BENCHMARKS_DIR")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    docs, file_of = [], {}
    for row in rows:  # the whole corpus, so a sample of questions still has its distractors
        ctx = row["ctxs"][0]
        key = (ctx["title"], ctx["text"])
        if key not in file_of:
            file_of[key] = f"{len(file_of):04d}-{_slug(ctx['title'])}.md"
            docs.append((file_of[key], {"title": ctx["title"]}, ctx["text"]))
    cases = [
        {
            "id": f"nq-{i:04d}",
            "question": row["question"],
            "expect": {
                "facts": [row["answers"]],
                "sources": [file_of[(row["ctxs"][0]["title"], row["ctxs"][0]["text"])]],
            },
            "reference": row["answers"][0],
        }
        for i, row in enumerate(rows[:limit])
    ]
    return docs, cases
