"""Evaluation suites: load YAML, run the engine, score answers, citations, refusals, retrieval."""
