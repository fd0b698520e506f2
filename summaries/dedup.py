"""Near-duplicate detection: the same story from two outlets, or an updated version, is one story.

Two stages, because stored articles are many and comparisons must stay cheap:

1. A 64-bit SimHash over word 3-shingles (stored in ``Article.fingerprint``) finds candidates:
   texts sharing most shingles have fingerprints a few bits apart, unrelated texts about 32.
2. A candidate is confirmed by shingle *containment* (shared shingles over the smaller set),
   which stays high when a version adds or drops paragraphs, blended with word-level cosine
   so that reworded sentences still count.

``python -m summaries.dedup --data ../shared/eval`` builds a labelled pair set from real
articles (realistic edits as positives, different articles on the same topic as negatives)
and prints precision and recall as JSON.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

__all__ = [
    "CANDIDATE_BITS",
    "Features",
    "StoryIndex",
    "features",
    "hamming",
    "is_near_duplicate",
    "simhash",
    "similarity",
]

SHINGLE = 3
# Fingerprints further apart than this are not even compared in full.
CANDIDATE_BITS = 28
# Confirmed when the blended similarity reaches this.
THRESHOLD = 0.55
_WORD = re.compile(r"[^\W_]+")
_MIN_WORDS = 12
# MinHash LSH over content words: heads sharing one band of two min-hashes are candidates.
_BANDS, _ROWS = 16, 2
_SEEDS = np.random.default_rng(20261127)
_MIN_A = _SEEDS.integers(1, 1 << 63, size=_BANDS * _ROWS, dtype=np.uint64) | np.uint64(1)
_MIN_B = _SEEDS.integers(0, 1 << 63, size=_BANDS * _ROWS, dtype=np.uint64)
_STOP_LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "pl", "pt", "ru", "tr")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


_WORD_IDS: dict[str, int] = {}
_WORD_IDS_MAX = 1 << 19


def _word_hash(word: str) -> int:
    found = _WORD_IDS.get(word)
    if found is None:
        if len(_WORD_IDS) >= _WORD_IDS_MAX:
            _WORD_IDS.clear()
        digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
        found = _WORD_IDS[word] = int.from_bytes(digest, "little")
    return found


def _word_ids(words: Sequence[str]) -> np.ndarray:
    return np.fromiter(map(_word_hash, words), dtype=np.uint64, count=len(words))


# Odd 64-bit multipliers that mix the three words of a shingle position-dependently.
_MIX = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)


def _shingle_hashes(words: Sequence[str]) -> np.ndarray:
    """Distinct 64-bit hashes of the word 3-shingles (stable across processes)."""
    ids = _word_ids(words)
    n = len(ids) - SHINGLE + 1
    mixed: np.ndarray = ids[:n] * _MIX[0] + ids[1 : n + 1] * _MIX[1] + ids[2 : n + 2] * _MIX[2]
    # splitmix64 finaliser: every output bit depends on every input bit.
    mixed ^= mixed >> np.uint64(30)
    mixed *= np.uint64(0xBF58476D1CE4E5B9)
    mixed ^= mixed >> np.uint64(27)
    mixed *= np.uint64(0x94D049BB133111EB)
    mixed ^= mixed >> np.uint64(31)
    return np.unique(mixed)


def simhash(text: str | Features) -> int | None:
    """A signed 64-bit SimHash of the text's content words, weighted by log frequency.

    None for very short texts. Words rather than shingles: a reworded or updated version
    keeps most of its words but few of its 3-word sequences, so versions of one story stay
    close in this space and the closest stored stories are the right candidates. Signed so
    it fits a SQL BIGINT on every backend. Accepts precomputed `features`.
    """
    found = features(text) if isinstance(text, str) else text
    if len(found.shingles) < _MIN_WORDS - SHINGLE + 1 or not len(found.words):
        return None
    bits = np.unpackbits(found.words.astype("<u8").view(np.uint8).reshape(-1, 8), axis=1)
    weights = np.log1p(found.counts)
    votes = (bits.astype(np.float64) * 2 - 1).T @ weights
    value = int.from_bytes(np.packbits(votes > 0).tobytes(), "big")
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    """Bits in which two fingerprints differ (works on the signed stored form)."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()


@dataclass(frozen=True)
class Features:
    """A text's distinct shingle hashes and its content-word hash counts (sorted arrays)."""

    shingles: np.ndarray
    words: np.ndarray
    counts: np.ndarray
    bands: tuple[int, ...] = ()  # `band_keys`, computed once with the rest

    @property
    def norm(self) -> float:
        return float(np.sqrt(np.dot(self.counts, self.counts)))


def features(text: str) -> Features:
    """Computed once per text so one article can be compared with many candidates."""
    words = _words(text)
    shingles = _shingle_hashes(words) if len(words) >= SHINGLE else np.empty(0, np.uint64)
    content = [w for w in words if len(w) > 3]
    ids = _word_ids(content)
    unique, counts = np.unique(ids, return_counts=True)
    found = Features(shingles, unique, counts.astype(np.float64))
    return replace(found, bands=tuple(_band_keys(found)))


def similarity(a: str | Features, b: str | Features) -> float:
    """How much two texts are the same story, 0..1.

    The mean of 3-shingle containment (robust to added or removed paragraphs) and the
    cosine of content-word counts (robust to reworded sentences and reordered paragraphs).
    """
    fa = a if isinstance(a, Features) else features(a)
    fb = b if isinstance(b, Features) else features(b)
    if not len(fa.shingles) or not len(fb.shingles):
        return 0.0
    shared = len(np.intersect1d(fa.shingles, fb.shingles, assume_unique=True))
    containment = shared / min(len(fa.shingles), len(fb.shingles))
    _, ia, ib = np.intersect1d(fa.words, fb.words, assume_unique=True, return_indices=True)
    norm = fa.norm * fb.norm
    cosine = float(np.dot(fa.counts[ia], fb.counts[ib])) / norm if norm else 0.0
    return (containment + cosine) / 2


def is_near_duplicate(
    a: str | Features,
    b: str | Features,
    *,
    fingerprints: tuple[int | None, int | None] | None = None,
    threshold: float = THRESHOLD,
) -> bool:
    """True when `a` and `b` tell the same story (SimHash prefilter, then `similarity`)."""
    if fingerprints is None:
        if not isinstance(a, str) or not isinstance(b, str):
            raise TypeError("pass fingerprints with precomputed features")
        fingerprints = (simhash(a), simhash(b))
    fp_a, fp_b = fingerprints
    if fp_a is not None and fp_b is not None and hamming(fp_a, fp_b) > CANDIDATE_BITS:
        return False
    return similarity(a, b) >= threshold


def nearest(
    fingerprint: int, candidates: Iterable[tuple[int, int]], *, bits: int = CANDIDATE_BITS
) -> list[int]:
    """Ids of (id, fingerprint) candidates within `bits`, closest first (vectorised)."""
    pairs = list(candidates)
    if not pairs:
        return []
    ids = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
    prints = np.fromiter((fp for _, fp in pairs), dtype=np.int64, count=len(pairs))
    distances = np.bitwise_count(prints ^ np.int64(fingerprint))
    close = np.flatnonzero(distances <= bits)
    order = close[np.argsort(distances[close], kind="stable")]
    return [int(i) for i in ids[order]]


@cache
def _stop_hashes() -> np.ndarray:
    """Hashes of function words of every supported language (no use as story anchors)."""
    from summaries.lexicon import stop_words_for

    words: set[str] = set()
    for language in _STOP_LANGUAGES:
        with contextlib.suppress(LookupError, OSError, ValueError):
            words.update(w.casefold() for w in stop_words_for(language))
    return np.unique(_word_ids(sorted(words)))


def band_keys(found: Features) -> list[int]:
    """LSH keys of a text: versions of one story share at least one with high probability."""
    return list(found.bands) if found.bands else _band_keys(found)


def _band_keys(found: Features) -> list[int]:
    words = found.words[~np.isin(found.words, _stop_hashes(), assume_unique=True)]
    if not len(words):
        return []
    hashed = words[None, :] * _MIN_A[:, None] + _MIN_B[:, None]
    hashed ^= hashed >> np.uint64(29)
    rows = hashed.min(axis=1).reshape(_BANDS, _ROWS)
    return [hash((band, *(int(v) for v in rows[band]))) for band in range(_BANDS)]


class StoryIndex:
    """Story heads in memory: fingerprints for the search, text features for the check.

    `match` verifies the `candidates` closest heads within `CANDIDATE_BITS` and the
    `candidates` heads sharing the most LSH bands; the most similar head above the threshold
    wins. Features of heads not in the bounded cache come from `load` (the store).
    """

    def __init__(self, *, candidates: int = 5, cache: int = 4096) -> None:
        self.candidates = candidates
        self.cache = cache
        self._prints: dict[int, int] = {}
        self._arrays: tuple[np.ndarray, np.ndarray] | None = None
        self._features: OrderedDict[int, Features] = OrderedDict()
        self._bands: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, head_id: object) -> bool:
        return head_id in self._prints

    def clear(self) -> None:
        self._prints.clear()
        self._features.clear()
        self._bands.clear()
        self._arrays = None

    def add(self, head_id: int, fingerprint: int, found: Features | None = None) -> None:
        self._prints[head_id] = fingerprint
        self._arrays = None
        if found is not None:
            self._remember(head_id, found)
            for key in band_keys(found):
                self._bands.setdefault(key, []).append(head_id)

    def banded(self, found: Features) -> list[int]:
        """Heads sharing LSH bands with `found`, most shared first."""
        votes: Counter[int] = Counter()
        for key in band_keys(found):
            votes.update(self._bands.get(key, ()))
        return [head_id for head_id, _ in votes.most_common(self.candidates)]

    def closest(self, fingerprint: int) -> list[int]:
        if not self._prints:
            return []
        if self._arrays is None:
            self._arrays = (
                np.fromiter(self._prints.keys(), dtype=np.int64, count=len(self._prints)),
                np.fromiter(self._prints.values(), dtype=np.int64, count=len(self._prints)),
            )
        ids, prints = self._arrays
        distances = np.bitwise_count(prints ^ np.int64(fingerprint))
        close = np.flatnonzero(distances <= CANDIDATE_BITS)
        order = close[np.argsort(distances[close], kind="stable")][: self.candidates]
        return [int(i) for i in ids[order]]

    def match(
        self,
        found: Features,
        fingerprint: int | None,
        load: Callable[[list[int]], dict[int, Features]] | None = None,
    ) -> int | None:
        """The head of the story `found` belongs to, or None for a new story."""
        if fingerprint is None:
            return None
        ids = list(dict.fromkeys([*self.closest(fingerprint), *self.banded(found)]))
        missing = [i for i in ids if i not in self._features]
        if missing and load is not None:
            for head_id, head_features in load(missing).items():
                self._remember(head_id, head_features)
        best, best_score = None, THRESHOLD
        for head_id in ids:  # the most similar head wins, not merely the first that passes
            known = self._features.get(head_id)
            if known is None:
                continue
            score = similarity(found, known)
            if score >= best_score:
                best, best_score = head_id, score
        return best

    def score(self, head_id: int, found: Features) -> float:
        """Similarity of `found` to a head whose features are cached (0.0 otherwise)."""
        head_features = self._features.get(head_id)
        return similarity(found, head_features) if head_features is not None else 0.0

    def _remember(self, head_id: int, found: Features) -> None:
        self._features[head_id] = found
        self._features.move_to_end(head_id)
        while len(self._features) > self.cache:
            self._features.popitem(last=False)


if __name__ == "__main__":  # pragma: no cover - measurement entry point
    import sys

    from summaries.dedup_eval import main

    raise SystemExit(main(sys.argv[1:]))
