"""Compare follow-up query strategies on the seed suite's conversations (retrieval only).

Run from the project root after `assistant index`:  .venv/bin/python scripts/measure_followups.py
The previous turn's answer is stood in for by its expected facts.
"""

from pathlib import Path

from assistant.app import App
from assistant.engine import Turn
from assistant.evaluation import metrics as m
from assistant.evaluation.suite import load_suite
from assistant.followup import is_follow_up, standalone_query
from assistant.settings import load_settings

STRATEGIES = {
    "question only": lambda q, h: q,
    "always prepend previous question": lambda q, h: " ".join([t.question for t in h[-1:]] + [q]),
    "detector (shipped)": standalone_query,
}


def main() -> None:
    retriever = App(load_settings()).retriever(10)
    suite = load_suite(Path("tests/suites/seed.yaml"))
    for name, rewrite in STRATEGIES.items():
        rows = []
        for case in suite.cases:
            history: list[Turn] = []
            for turn in case.all_turns():
                docs = retriever.invoke(rewrite(turn.question, history))
                ranked = [(d.metadata["source"], d.page_content) for d in docs]
                if history and turn.expect.sources:
                    row = m.retrieval_metrics(ranked, turn.expect.sources, [])
                    row["fact_hit_at_5"] = m.fact_hit(ranked, turn.expect.facts)
                    rows.append(row)
                history.append(Turn(turn.question, " ".join(g[0] for g in turn.expect.facts)))
        means = {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]}
        print(
            f"{name:34s} follow-ups={len(rows)} recall@5={means['recall_at_5']:.3f} "
            f"MRR@10={means['mrr_at_10']:.3f} fact_hit@5={means['fact_hit_at_5']:.3f}"
        )
    standalone = [c.question for c in suite.cases if c.question]
    print("standalone questions taken for follow-ups:", [q for q in standalone if is_follow_up(q)])


if __name__ == "__main__":
    main()
