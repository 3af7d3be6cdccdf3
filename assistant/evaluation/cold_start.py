"""One fresh process started as a server starts, on an indexed home: the warm-up, the seed
suite's first question (cold), its second, then the first again (warm). Before each timed
question the caches of its text (the embedder's vectors, the words of each sentence, each
sentence's main verb, the holders of an office) are emptied, so that neither is answered from
what the warm-up or the other read. `python -m assistant.evaluation.cold_start HOME DATA_DIR
SUITES_DIR` prints both times, in ms, as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assistant.settings import Settings


def cold_and_warm(settings: Settings) -> dict[str, float]:
    from assistant.answering.holders import holders
    from assistant.answering.parser import main_verb, places
    from assistant.app import App
    from assistant.evaluation.suite import load_suite
    from assistant.memory import limit_malloc_arenas
    from assistant.serving.server import warm_up
    from assistant.serving.workspace import Workspace
    from assistant.text import terms

    limit_malloc_arenas()  # as `assistant ui` does
    app = App(settings)
    warm_up(Workspace(app))
    cases = load_suite(settings.suites_dir / "seed.yaml").cases
    first, other = (case.all_turns()[0].question for case in cases[:2])

    def forget() -> None:
        app.engine.embeddings.forget()
        terms.cache_clear()
        main_verb.cache_clear()
        holders.cache_clear()
        places.cache_clear()

    forget()
    t0 = time.perf_counter()
    app.engine.ask(first)
    cold = time.perf_counter() - t0
    app.engine.ask(other)  # so that llama.cpp's cache holds another prompt, as it did
    forget()
    t0 = time.perf_counter()
    app.engine.ask(first)
    warm = time.perf_counter() - t0
    return {"cold_ms": round(cold * 1000, 1), "warm_ms": round(warm * 1000, 1)}


if __name__ == "__main__":
    home, data, suites = map(Path, sys.argv[1:4])
    print(json.dumps(cold_and_warm(Settings(home=home, data_dir=data, suites_dir=suites))))
