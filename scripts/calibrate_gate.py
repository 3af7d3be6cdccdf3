"""Calibrate the evidence gate on the seed suite: refusal accuracy vs false refusals.

Run from the project root after `assistant index`:  .venv/bin/python scripts/calibrate_gate.py
Each turn is retrieved as the engine retrieves it (follow-ups with the previous turn; its answer
stood in for by the expected facts), then judged at every threshold pair of the grid.
"""

import sys
from dataclasses import replace
from pathlib import Path

from assistant.app import App
from assistant.engine import Turn, _passage
from assistant.evaluation.suite import load_suite
from assistant.evidence import EvidenceJudge, GateThresholds
from assistant.followup import standalone_query
from assistant.settings import load_settings

COVERAGE = [0.34, 0.5, 0.67, 0.75]
SIMILARITY = [0.4, 0.45, 0.5, 0.55, 0.6]


def main() -> None:
    app = App(load_settings())
    retriever = app.retriever()
    judge = EvidenceJudge(app.embeddings)
    suite = load_suite(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/suites/seed.yaml"))
    turns = []
    for case in suite.cases:
        history: list[Turn] = []
        for turn in case.all_turns():
            query = standalone_query(turn.question, history)
            passages = [_passage(d) for d in retriever.invoke(query)]
            turns.append((case.id, turn, query, passages))
            history.append(Turn(turn.question, " ".join(g[0] for g in turn.expect.facts)))
    print(f"{'min_coverage':>12} {'min_similarity':>14} {'refusal_acc':>11} {'false_refusals':>14}")
    for coverage in COVERAGE:
        for similarity in SIMILARITY:
            judge.thresholds = replace(
                GateThresholds(), min_coverage=coverage, min_similarity=similarity
            )
            refuse_ok = answer_wrongly_refused = n_refuse = n_answer = 0
            for _, turn, query, passages in turns:
                answerable = judge.judge(turn.question, query, passages).answerable
                if turn.expect.refuse:
                    n_refuse += 1
                    refuse_ok += not answerable
                else:
                    n_answer += 1
                    answer_wrongly_refused += not answerable
            print(
                f"{coverage:>12} {similarity:>14} {refuse_ok / n_refuse:>11.3f} "
                f"{answer_wrongly_refused / n_answer:>14.3f}"
            )
    judge.thresholds = GateThresholds()
    print("\nwith the shipped thresholds:")
    for case_id, turn, query, passages in turns:
        verdict = judge.judge(turn.question, query, passages)
        wrong = verdict.answerable == turn.expect.refuse
        if wrong or "-v" in sys.argv:
            mark = "WRONG" if wrong else "ok"
            best = verdict.evidence[0].text[:80] if verdict.evidence else ""
            print(
                f"{mark:5} {case_id:24} refuse={turn.expect.refuse!s:5} {verdict.reason[:40]:40} "
                f"{verdict.signals} | {best}"
            )


if __name__ == "__main__":
    main()
