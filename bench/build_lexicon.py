"""Build the word lexicon the consistency judge uses (synonyms, near senses, antonyms) from WordNet 3.0.

WordNet's licence allows copying and redistribution with its notice, which travels in the lexicon file itself. The
database is read from Debian's ``wordnet-base`` package (``apt-get install wordnet-base``, /usr/share/wordnet) once,
offline; the result is a small gzipped JSON in src/storytrace/crosscheck/model/ so that nothing is needed at run time.

Contents: every single-word lemma with its first MAX_SENSES synsets (sense order from the index files), a map of each
synset to its "near" synsets (adjective similar-to, verb group, see-also) and to its hypernyms, antonym synset pairs (WordNet's lexical antonyms lifted to their synsets), and the irregular
inflections (*.exc files).

    .venv/bin/python bench/build_lexicon.py [/usr/share/wordnet]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "storytrace" / "crosscheck" / "model" / "lexicon.json.gz"
MAX_SENSES = 6
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
NEAR = {"&", "$", "^"}
HYPER = {"@", "@i"}
NOTICE = (
    "Derived from WordNet 3.0. WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved. "
    "THIS SOFTWARE AND DATABASE IS PROVIDED 'AS IS' AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR "
    "WARRANTIES, EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not be used in advertising or "
    "publicity pertaining to distribution of the software and/or database."
)


def build(wn: Path) -> dict[str, object]:
    ids: dict[str, int] = {}

    def sid(pos: str, offset: str) -> int:
        key = ("a" if pos == "s" else pos) + offset
        return ids.setdefault(key, len(ids))

    lemmas: dict[str, list[int]] = {}
    for name, p in POS.items():
        for line in (wn / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            lemma = parts[0]
            if "_" in lemma or not lemma.isalpha():
                continue
            n_syn, n_ptr = int(parts[2]), int(parts[3])
            offsets = parts[6 + n_ptr : 6 + n_ptr + n_syn]
            lemmas.setdefault(lemma, []).extend(sid(p, o) for o in offsets[:MAX_SENSES])
    near: dict[int, set[int]] = {}
    hyper: dict[int, set[int]] = {}
    antonyms: set[tuple[int, int]] = set()
    for name, p in POS.items():
        for line in (wn / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split(" | ")[0].split()
            offset, ss_type = parts[0], parts[2]
            key = ("a" if ss_type == "s" else ss_type) + offset
            if key not in ids:
                continue  # a synset no single-word lemma reaches within its first senses
            me = ids[key]
            w_cnt = int(parts[3], 16)
            k = 4 + 2 * w_cnt
            p_cnt = int(parts[k])
            for j in range(p_cnt):
                sym, off, pos = parts[k + 1 + 4 * j : k + 4 + 4 * j]
                other_key = ("a" if pos == "s" else pos) + off
                if sym in HYPER:  # a shared parent need not be any lemma's early sense
                    hyper.setdefault(me, set()).add(sid(pos, off))
                    continue
                if other_key not in ids:
                    continue
                other = ids[other_key]
                if sym == "!":
                    antonyms.add((min(me, other), max(me, other)))
                elif sym in NEAR and pos == p:
                    near.setdefault(me, set()).add(other)

    exc: dict[str, str] = {}
    for name in POS:
        for line in (wn / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0].isalpha() and parts[1].isalpha():
                exc.setdefault(parts[0], parts[1])
    return {
        "notice": NOTICE,
        "max_senses": MAX_SENSES,
        "lemmas": {k: sorted(set(v)) for k, v in sorted(lemmas.items())},
        "near": {str(k): sorted(v) for k, v in sorted(near.items())},
        "hypernyms": {str(k): sorted(v) for k, v in sorted(hyper.items())},
        "antonyms": sorted(antonyms),
        "exceptions": dict(sorted(exc.items())),
    }


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/usr/share/wordnet")
    lex = build(src)
    data = json.dumps(lex, separators=(",", ":"), sort_keys=True).encode()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # a fixed mtime keeps the gzip bytes reproducible
    with OUT.open("wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(data)
    print(f"{len(lex['lemmas'])} lemmas, {len(lex['antonyms'])} antonym pairs, {OUT.stat().st_size / 1e6:.2f} MB")
