"""Precision and recall of the near-duplicate detector on labelled data built from real articles.

Positives are realistic second versions of a real article: reworded sentences (words dropped,
swapped or replaced, clauses cut, a new headline), an updated version (the record's own
teaser as a new lead, changed figures, a closing update paragraph), a shortened wire copy
(paragraphs or sentences removed), and all of these at once. Negatives are different real
articles on the same topic: the most similar other article of the dataset and topic (hard)
and a random one. Records sharing a headline are never negatives: they are versions of one
article inside the corpus. Two measurements:

- pairs: the detector on (original, version) and (original, other article) pairs;
- index: what ingestion does, every article of every file in one `StoryIndex`, each version
  matched against all of them (the right story, another story, or none).

Everything is seeded, so the numbers are reproducible.

    python -m summaries.dedup --data ../shared/eval [--per-dataset 150] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from summaries.dedup import StoryIndex, features, is_near_duplicate, simhash

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[\"'„“«A-ZÀ-ÖØ-ÞА-Я0-9])")
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")
DATASETS = (
    "fundus-de-dev.jsonl",
    "fundus-en-dev.jsonl",
    "bbc-news-summary-dev.jsonl",
    "orangesum-abstract-dev.jsonl",
)


def _load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _paragraphs(text: str) -> list[str]:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) >= 3:
        return paragraphs
    # One-paragraph articles (OrangeSum): treat groups of two sentences as paragraphs.
    sentences = _SENTENCE.split(text.strip())
    return [" ".join(sentences[i : i + 2]) for i in range(0, len(sentences), 2)]


def _reword_sentence(sentence: str, rng: random.Random, vocabulary: Sequence[str]) -> str:
    words = sentence.split()
    if len(words) < 6:
        return sentence
    for _ in range(max(1, len(words) // 8)):
        action = rng.random()
        i = rng.randrange(1, len(words) - 1)
        if action < 0.3:
            del words[i]
        elif action < 0.55:
            words[i], words[i + 1] = words[i + 1], words[i]
        elif action < 0.85:
            words[i] = rng.choice(vocabulary)
        else:
            words.insert(i, rng.choice(vocabulary))
    if rng.random() < 0.3 and "," in sentence:  # cut a trailing clause
        head = " ".join(words).rsplit(",", 1)[0]
        return head.rstrip(".") + "."
    return " ".join(words)


def reword(text: str, rng: random.Random, share: float = 0.5) -> str:
    """Another outlet's wording: about half of the sentences edited."""
    vocabulary = [w for w in text.split() if len(w) > 3] or ["news"]
    out = []
    for paragraph in _paragraphs(text):
        sentences = _SENTENCE.split(paragraph)
        out.append(
            " ".join(
                _reword_sentence(s, rng, vocabulary) if rng.random() < share else s
                for s in sentences
            )
        )
    return "\n\n".join(out)


def update(text: str, rng: random.Random, news: str) -> str:
    """A later version: a new lead paragraph, changed figures, a closing update paragraph.

    `news` is new text about the same story (the record's own teaser or abstract), so the
    version never borrows from another article of the corpus.
    """
    paragraphs = [
        _NUMBER.sub(lambda m: str(int(m.group()) + rng.randint(1, 9)), p)
        if rng.random() < 0.5
        else p
        for p in _paragraphs(text)
    ]
    lead = news.strip() or paragraphs[0]
    closing = reword(lead, rng, share=1.0)
    return "\n\n".join([lead, *paragraphs, f"Update {rng.randint(8, 20)}:{rng.randint(10, 59)}: "
                         + closing])  # fmt: skip


def shorten(text: str, rng: random.Random) -> str:
    """A shortened copy: up to a third of the paragraphs dropped (never the first)."""
    paragraphs = _paragraphs(text)
    if len(paragraphs) < 3:
        return text
    drop = rng.sample(range(1, len(paragraphs)), k=max(1, len(paragraphs) // 3))
    return "\n\n".join(p for i, p in enumerate(paragraphs) if i not in drop)


def retitle(title: str, rng: random.Random) -> str:
    words = title.split()
    if len(words) > 3:
        words.pop(rng.randrange(len(words)))
    return " ".join(words) + rng.choice([" - update", "", ": what we know", " (live)"])


def _title_key(title: str) -> str:
    return " ".join(_WORD.findall(title.casefold()))


def _vectors(texts: Sequence[str], dims: int = 1 << 12) -> np.ndarray:
    matrix = np.zeros((len(texts), dims), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in _WORD.findall(text.casefold()):
            if len(word) > 3:
                matrix[row, zlib.crc32(word.encode()) % dims] += 1.0
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def build_pairs(
    records: Sequence[dict[str, str]], rng: random.Random, per_dataset: int
) -> list[tuple[str, str, bool, str]]:
    """(text_a, text_b, is_duplicate, kind) pairs for one dataset."""
    records = [r for r in records if len(r["text"]) >= 400]
    chosen = rng.sample(range(len(records)), k=min(per_dataset, len(records)))
    texts = [f"{r['title']}\n{r['text']}" for r in records]
    vectors = _vectors(texts)
    pairs: list[tuple[str, str, bool, str]] = []
    for index in chosen:
        record = records[index]
        title, body = record["title"], record["text"]
        original = f"{title}\n{body}"
        topic = record.get("topic")
        key = _title_key(title)
        # Two records with one headline are versions of one article in the corpus itself
        # (fundus and BBC have a few): they are no negatives, so they are left out.
        same_topic = [
            i
            for i, r in enumerate(records)
            if i != index and r.get("topic") == topic and _title_key(r["title"]) != key
        ]
        if not same_topic:
            same_topic = [i for i, r in enumerate(records) if _title_key(r["title"]) != key]
        pairs.append((original, f"{retitle(title, rng)}\n{reword(body, rng)}", True, "reworded"))
        news = record.get("summary") or ""
        pairs.append((original, f"{title}\n{update(body, rng, news)}", True, "updated"))
        pairs.append((original, f"{title}\n{shorten(body, rng)}", True, "shortened"))
        combined = reword(update(shorten(body, rng), rng, news), rng, share=0.3)
        pairs.append((original, f"{retitle(title, rng)}\n{combined}", True, "combined"))
        scores = vectors[same_topic] @ vectors[index]
        hardest = same_topic[int(np.argmax(scores))]
        pairs.append((original, texts[hardest], False, "same-topic-nearest"))
        pairs.append((original, texts[rng.choice(same_topic)], False, "same-topic-random"))
    return pairs


def evaluate(pairs: Sequence[tuple[str, str, bool, str]]) -> dict[str, object]:
    tp = fp = fn = tn = 0
    misses: dict[str, int] = {}
    started = time.perf_counter()
    for a, b, label, kind in pairs:
        predicted = is_near_duplicate(a, b, fingerprints=(simhash(a), simhash(b)))
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
            misses[kind] = misses.get(kind, 0) + 1
        elif label:
            fn += 1
            misses[kind] = misses.get(kind, 0) + 1
        else:
            tn += 1
    elapsed = time.perf_counter() - started
    return {
        "pairs": len(pairs),
        "positives": tp + fn,
        "negatives": fp + tn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "errors_by_kind": misses,
        "pairs_per_second": round(len(pairs) / elapsed, 1) if elapsed else None,
    }


def evaluate_index(
    datasets: Sequence[Sequence[dict[str, str]]],
    rng: random.Random,
    per_dataset: int,
    candidates: int = 5,
) -> dict[str, object]:
    """Story-level numbers as ingestion sees them: one `StoryIndex` over every article.

    All articles of all datasets become story heads in turn (an original that matches an
    earlier, different article is a false positive); then edited versions of a sample are
    matched against the full index (the right head is a true positive, another head a false
    positive, none a false negative).
    """
    index = StoryIndex(candidates=candidates)
    heads: list[tuple[str, str]] = []  # (title key, text) by head id
    tp = fp = fn = fp_originals = 0
    started = time.perf_counter()
    for records in datasets:
        for record in records:
            text = f"{record['title']}\n{record['text']}"
            found = features(text)
            fingerprint = simhash(found)
            match = index.match(found, fingerprint)
            if match is not None and heads[match][0] != _title_key(record["title"]):
                fp_originals += 1
            heads.append((_title_key(record["title"]), record["text"]))
            if fingerprint is not None:
                index.add(len(heads) - 1, fingerprint, found)
    offset = 0
    for records in datasets:
        chosen = rng.sample(range(len(records)), k=min(per_dataset, len(records)))
        for i in chosen:
            record, head = records[i], offset + i
            body = record["text"]
            news = record.get("summary") or ""
            versions = (
                f"{retitle(record['title'], rng)}\n{reword(body, rng)}",
                f"{record['title']}\n{update(body, rng, news)}",
                f"{record['title']}\n{shorten(body, rng)}",
                f"{retitle(record['title'], rng)}\n"
                + reword(update(shorten(body, rng), rng, news), rng, share=0.3),
            )
            for version in versions:
                found = features(version)
                match = index.match(found, simhash(found))
                if match is None:
                    fn += 1
                elif match == head or heads[match][0] == heads[head][0]:
                    tp += 1
                else:
                    fp += 1
        offset += len(records)
    elapsed = time.perf_counter() - started
    return {
        "stories": len(heads),
        "versions": tp + fp + fn,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "originals_joined_to_another_story": fp_originals,
        "candidates": candidates,
        "seconds": round(elapsed, 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m summaries.dedup",
        description="Measure near-duplicate precision/recall on pairs built from eval JSONL files.",
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--per-dataset", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    all_pairs: list[tuple[str, str, bool, str]] = []
    datasets: dict[str, object] = {}
    loaded = []
    for name in DATASETS:
        path = args.data / name
        if not path.exists():
            print(f"skipping missing {path}", file=sys.stderr)
            continue
        records = [r for r in _load(path) if len(r["text"]) >= 400]
        loaded.append(records)
        pairs = build_pairs(records, rng, args.per_dataset)
        datasets[name.removesuffix(".jsonl")] = evaluate(pairs)
        all_pairs.extend(pairs)
    if not all_pairs:
        print(f"no eval files under {args.data}", file=sys.stderr)
        return 1
    print("matching edited versions against one index of every article ...", file=sys.stderr)
    story_level = evaluate_index(loaded, random.Random(args.seed), args.per_dataset)
    print(
        json.dumps(
            {"pairs": evaluate(all_pairs), "datasets": datasets, "index": story_level},
            ensure_ascii=False,
        )
    )
    return 0
