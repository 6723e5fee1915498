"""How much the pipeline adds to its NLP core, on the same text.

The NLP core is what ``pipeline.tokenise`` calls in underthesea, done bare
on the same lines: for each non-blank line of the normalised view, the
regex pre-tokenizer (with the lexicon's fixed words), the word-segmentation
CRF (``ws_crf_vlsp2013_20230727``) and the POS CRF
(``pos_crf_vlsp2013_20230303``) on the words found. The tagger is fed the
words we already have rather than ``pos_tag()``, which re-segments the line
(about 0.2x of ``word_tokenize`` here) and whose ``v2.0`` model fails on a
second call; the CRF tagger is underthesea's own and tags the same words.

Figures, one process, models loaded before timing, words counted from the
segmentation:
- end-to-end ``extract()`` + ``to_dict()`` words/s divided by the core's
  words/s (target >= 0.8: the pipeline adds at most a quarter);
- the core's words/s divided by bare ``underthesea.word_tokenize`` on the
  same lines (what tagging and the lexicon cost over plain segmentation).
Each round times the three in turn; the median of the rounds is reported.

Usage: ``.venv/bin/python benchmarks/bench_nlp_core.py [--rounds N] [FILE.txt ...]``
(default: the shared corpus ``../shared/real-directives/*.txt``, else ``corpus/``).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "real-directives"
_LINE = re.compile(r"[^\n]+")


def _default_files() -> list[Path]:
    files = sorted(SHARED.glob("*.txt")) or sorted((ROOT / "corpus").glob("*.txt"))
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = args.files or _default_files()

    from underthesea import word_tokenize
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    from pipeline.export import to_dict
    from pipeline.extraction import extract
    from pipeline.normalise import normalise
    from pipeline.parallel import load_models
    from pipeline.read import read_document
    from pipeline.tokenise import _fixed_words, _pos_model, _segment_line, _segmentation_model

    load_models()
    raws = [read_document(path) for path in files]
    lines = [
        match.group(0)
        for raw in raws
        for match in _LINE.finditer(normalise(raw.text).text)
        if match.group(0).strip()
    ]
    words = sum(len(_segment_line(line)) for line in lines)
    fixed = list(_fixed_words())
    segmenter, tagger = _segmentation_model(), _pos_model()
    word_tokenize(lines[0])  # loads word_tokenize's own model copy before timing

    def pipeline_run() -> None:
        for raw in raws:
            to_dict(extract(raw))

    def core_run() -> None:
        for line in lines:
            tokens = tokenize(
                line, use_character_normalize=False, use_token_normalize=False, fixed_words=fixed
            )
            if not tokens:
                continue
            tags = segmenter.predict([[token] for token in tokens])
            found: list[str] = []
            for tag, token in zip(tags, tokens, strict=True):
                if tag == "I-W" and found:
                    found[-1] += " " + token
                else:
                    found.append(token)
            tagger.predict([[word] for word in found])

    from underthesea.pipeline.word_tokenize import regex_tokenize

    def regex_rebuilt_run() -> None:
        # What tokenize(fixed_words=...) does per line: rebuild and look up
        # the alternation of every lexicon entry.
        for line in lines:
            tokenize(line, use_character_normalize=False, use_token_normalize=False,
                     fixed_words=fixed)

    def regex_compiled_run() -> None:
        compiled = regex_tokenize.patterns  # the pattern the last call built
        for line in lines:
            [regex_tokenize.extract_match(m)[0] for m in compiled.finditer(line)]

    def word_tokenize_run() -> None:
        for line in lines:
            word_tokenize(line)

    def timed(run) -> float:
        started = time.perf_counter()
        run()
        return time.perf_counter() - started

    pipeline_run()  # first-use caches (gazetteer, triggers, grammar) out of the timing
    rounds = []
    for number in range(args.rounds):
        seconds = {name: timed(run) for name, run in
                   (("pipeline", pipeline_run), ("core", core_run),
                    ("word_tokenize", word_tokenize_run),
                    ("regex_rebuilt", regex_rebuilt_run), ("regex_compiled", regex_compiled_run))}
        rounds.append(seconds)
        print(f"round {number + 1}: " + ", ".join(
            f"{name} {words / s:,.0f} words/s" for name, s in seconds.items()), flush=True)

    def median(name: str) -> float:
        return statistics.median(words / r[name] for r in rounds)

    end_to_end = statistics.median(r["core"] / r["pipeline"] for r in rounds)
    core = statistics.median(r["word_tokenize"] / r["core"] for r in rounds)
    print(f"\ncommand: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"text: {len(files)} documents, {len(lines):,} lines, {words:,} words; "
          f"median of {args.rounds} rounds")
    print(f"end-to-end extract(): {median('pipeline'):,.0f} words/s")
    print(f"NLP core (regex + ws CRF + pos CRF): {median('core'):,.0f} words/s")
    print(f"bare word_tokenize: {median('word_tokenize'):,.0f} words/s")
    verdict = "met" if end_to_end >= 0.8 else "missed"
    print(f"end-to-end / NLP core: {end_to_end:.2f} (target >= 0.8: {verdict})")
    print(f"NLP core / word_tokenize: {core:.2f}")
    rebuild = statistics.median(
        (r["regex_rebuilt"] - r["regex_compiled"]) / r["core"] for r in rounds
    )
    print(f"share of the NLP core spent rebuilding the fixed-words regex per line: {rebuild:.0%}")


if __name__ == "__main__":
    main()
