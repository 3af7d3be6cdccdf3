import json
from pathlib import Path

from assistant.evaluation.benchmarks import export
from assistant.evaluation.suite import load_suite


def _fake_benchmarks(root: Path) -> Path:
    mh = root / "multihop-rag"
    mh.mkdir(parents=True)
    article = {
        "title": "FTX trial begins",
        "author": "A",
        "source": "The Verge",
        "published_at": "2023-10-01 08:00:00Z",
        "category": "tech",
        "url": "https://example.org/ftx",
        "body": "Sam Bankman-Fried went on trial.",
    }
    (mh / "corpus.json").write_text(json.dumps([article]))
    (mh / "MultiHopRAG.json").write_text(
        json.dumps(
            [
                {
                    "query": "Who went on trial?",
                    "answer": "Sam Bankman-Fried",
                    "question_type": "inference_query",
                    "evidence_list": [
                        {
                            "fact": "Sam Bankman-Fried went on trial.",
                            "url": "https://example.org/ftx",
                        }
                    ],
                },
                {
                    "query": "Who won?",
                    "answer": "Insufficient information.",
                    "question_type": "null_query",
                    "evidence_list": [],
                },
            ]
        )
    )
    nq = root / "nq-open-oracle"
    nq.mkdir()
    rows = [
        {
            "question": "who wrote it",
            "answers": ["Ann", "Ann B"],
            "ctxs": [{"title": "Book", "text": "It was written by Ann."}],
        }
    ] * 2
    (nq / "nq-open-oracle.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    return root


def test_multihop_export_is_a_valid_suite_over_its_own_corpus(tmp_path: Path) -> None:
    root = _fake_benchmarks(tmp_path / "bench")
    export("multihop-rag", root, tmp_path / "mh")
    suite = load_suite(tmp_path / "mh" / "suite.yaml")
    answerable, null = suite.cases
    assert answerable.expect.facts == [["Sam Bankman-Fried"]]
    assert answerable.expect.evidence == ["Sam Bankman-Fried went on trial."]
    [doc] = list((tmp_path / "mh" / "corpus").iterdir())
    assert answerable.expect.sources == [doc.name]
    assert "source: The Verge" in doc.read_text()
    assert null.expect.refuse and null.tags == ["null_query"]


def test_nq_export_dedupes_passages(tmp_path: Path) -> None:
    root = _fake_benchmarks(tmp_path / "bench")
    summary = export("nq-open", root, tmp_path / "nq", limit=1)
    assert "wrote 1 documents" in summary and "1 cases" in summary
    [case] = load_suite(tmp_path / "nq" / "suite.yaml").cases
    assert case.expect.facts == [["Ann", "Ann B"]]
