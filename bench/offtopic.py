"""Off-topic sentences on real news (issue 11, part 4): how many real sentences the cross-check flags, and how many
sentences spliced in from other stories it catches.

Piles: the bench-trust piles of independent reporting (``bench/trust.py``: ECB+ and NeuS, dev or test split), read
by the real ingest; facts from the claims stage, vectors from the embedder, stories from the stories stage. Every
real sentence flagged is counted (on independent news each is a false finding unless it is padding; the flagged
sentences are printed to be read). Catch: for each story of 2+ articles, up to 3 articles (seeded) get one sentence
of another story of the same pile (12-40 words, no quote marks) inserted into a paragraph after its lead, as it is
("plain") and behind a name of the host story ("Separately, Hale said that …", "segue"); the claims stage and the
embedder run again on the spliced articles, and the sentence is caught when ``find_off_topic`` flags it. Only
``find_off_topic`` runs: off-topic comes first in the cross-check and reads nothing that reuse decides.

Usage: python bench/offtopic.py [--split dev|test]   (writes bench/results/offtopic.json with both splits when no
--split is given; the parsed piles are cached in bench/work/offtopic/, or read from bench/work/trust/ when the trust
dev harness left them there).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import pickle
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import trust  # noqa: E402
from storytrace.claims import extract_facts  # noqa: E402
from storytrace.crosscheck import _link_story_entities  # noqa: E402
from storytrace.crosscheck.context import StoryContext  # noqa: E402
from storytrace.crosscheck.offtopic import find_off_topic  # noqa: E402
from storytrace.crosscheck.text import FUNCTION_WORDS, words  # noqa: E402
from storytrace.embed import embed_articles  # noqa: E402
from storytrace.ingest import read_inputs, split_sentences  # noqa: E402
from storytrace.options import Options  # noqa: E402
from storytrace.records import Article, ArticleFacts, StoryGroup  # noqa: E402
from storytrace.stories import group_stories  # noqa: E402

WORK = ROOT / "bench" / "work" / "offtopic"
RESULTS = ROOT / "bench" / "results" / "offtopic.json"
PILES = ("ecb", "neus")
HOSTS_PER_STORY = 3
SEED = 7

Pile = tuple[list[Article], dict[str, ArticleFacts], dict[str, Any]]


def _fresh(a: Article) -> Article:
    """An article read by an older ingest (a cached pickle) with the fields the current record has."""
    return Article(**{f.name: getattr(a, f.name) for f in dataclasses.fields(Article) if hasattr(a, f.name)})


def load_pile(pile: str, split: str) -> Pile:
    shared = ROOT / "bench" / "work" / "trust" / f"cache-{split}-{pile}.pkl"
    own = WORK / f"{split}-{pile}.pkl"
    for path in (own, shared):
        if path.exists():
            articles, _skipped, facts, vectors = pickle.loads(path.read_bytes())
            return [_fresh(a) for a in articles], facts, vectors
    opts = Options()
    articles, skipped = read_inputs([str(trust.write_pile(pile, split, trust.LOADERS[pile](split)))], opts.ingest)
    facts = {f.article: f for f in extract_facts(articles, opts.claims)}
    vectors = embed_articles(articles)
    WORK.mkdir(parents=True, exist_ok=True)
    own.write_bytes(pickle.dumps((articles, skipped, facts, vectors)))
    return articles, facts, vectors


# the paragraph rule alone: the sentence rule asks for more words than any sentence has
PARAGRAPHS_ONLY = dataclasses.replace(Options().crosscheck, offtopic_sentence_min_words=10**6)


def off_topic(
    ids: list[str], articles: dict[str, Article], facts: dict[str, ArticleFacts], vectors: dict, options: Any = None
) -> list:
    _link_story_entities([facts[a] for a in ids])
    ctx = StoryContext.build(ids, articles, facts, vectors, [], [])
    return find_off_topic(ctx, options or Options().crosscheck)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for block in text.split("\n\n"):
        start = text.index(block, pos)
        out.append((start, start + len(block)))
        pos = start + len(block)
    return out


def _donors(articles: list[Article], story_of: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    for a in articles:
        for s, e in a.sentences[1:]:
            t = a.text[s:e].strip()
            if 12 <= len(words(t)) <= 40 and not re.search('["“”]', t) and t[-1] in ".!" and t[0].isupper():
                out.append((story_of[a.id], t))
    return out


def _segue(name: str, sentence: str) -> str:
    first = sentence.split()[0]
    body = sentence[0].lower() + sentence[1:] if first.lower() in FUNCTION_WORDS else sentence
    return f"Separately, {name} said that {body}"


def splice(pile: str, articles: list[Article], facts: dict, stories: list[StoryGroup]) -> list[dict[str, Any]]:
    rnd = random.Random(SEED)
    by_id = {a.id: a for a in articles}
    story_of = {a: sg.id for sg in stories for a in sg.articles}
    donors = _donors(articles, story_of)
    made: list[dict[str, Any]] = []
    for sg in stories:
        if len(sg.articles) < 2:
            continue
        hosts = [by_id[a] for a in sg.articles if len(by_id[a].sentences) >= 4]
        rnd.shuffle(hosts)
        for host in hosts[:HOSTS_PER_STORY]:
            donor = rnd.choice([t for s, t in donors if s != sg.id])
            people = [
                e.text
                for e in facts[host.id].entities
                if e.label == "PERSON" and e.sentence > 0 and e.text[:1].isupper() and len(e.text.split()) >= 2
            ]
            variants = [("plain", donor)]
            if people:
                name = sorted(set(people), key=lambda p: (-people.count(p), p))[0]  # the most named, seed-free
                variants.append(("segue", _segue(name.split()[-1], donor)))
            paras = _paragraphs(host.text)
            for kind, sentence in variants:
                k = rnd.randrange(1, len(paras)) if len(paras) > 1 else 0
                lo, hi = paras[k]
                inside = [e for s, e in host.sentences if lo < e < hi]
                at = inside[0] if inside else hi
                text = host.text[:at] + " " + sentence + host.text[at:]
                new = dataclasses.replace(
                    host,
                    id=f"{host.id}-{kind}",
                    text=text,
                    sentences=split_sentences(text),
                    paragraphs=_paragraphs(text),
                )
                made.append({"story": sg.id, "host": host.id, "kind": kind, "sentence": sentence, "article": new})
    return made


def score(split: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pile in PILES:
        articles, facts, vectors = load_pile(pile, split)
        by_id = {a.id: a for a in articles}
        stories = group_stories(articles, facts, vectors, Options().stories)
        flagged, paragraphs_only = [], 0
        for sg in stories:
            flagged += off_topic(list(sg.articles), by_id, facts, vectors)
            paragraphs_only += len(off_topic(list(sg.articles), by_id, facts, vectors, PARAGRAPHS_ONLY))
        for o in flagged:
            print(f"  {split}/{pile} flagged: {by_id[o.article].sentence_text(first(o.sentence))[:160]}")
        made = splice(pile, articles, facts, stories)
        spliced = [m["article"] for m in made]
        s_facts = {f.article: f for f in extract_facts(spliced, Options().claims)}
        s_vectors = embed_articles(spliced)
        caught = {"plain": [0, 0], "segue": [0, 0]}
        story = {sg.id: sg for sg in stories}
        for m in made:
            new = m["article"]
            ids = [new.id if a == m["host"] else a for a in story[m["story"]].articles]
            found = off_topic(
                ids, {**by_id, new.id: new}, {**facts, new.id: s_facts[new.id]}, {**vectors, new.id: s_vectors[new.id]}
            )
            hit = any(o.article == new.id and m["sentence"][:40] in o.text for o in found)
            caught[m["kind"]][0] += int(hit)
            caught[m["kind"]][1] += 1
        out[pile] = {
            "articles": len(articles),
            "sentences": sum(len(a.sentences) for a in articles),
            "flagged": len(flagged),
            "flagged_sentence_rule": len(flagged) - paragraphs_only,
            "plain_caught": caught["plain"][0],
            "plain_spliced": caught["plain"][1],
            "segue_caught": caught["segue"][0],
            "segue_spliced": caught["segue"][1],
        }
    total = {k: sum(p[k] for p in out.values()) for k in next(iter(out.values()))}
    total["flagged_per_100_articles"] = round(100 * total["flagged"] / max(total["articles"], 1), 2)
    total["sentence_rule_per_100_articles"] = round(100 * total["flagged_sentence_rule"] / max(total["articles"], 1), 2)
    total["plain_recall"] = round(total["plain_caught"] / max(total["plain_spliced"], 1), 3)
    total["segue_recall"] = round(total["segue_caught"] / max(total["segue_spliced"], 1), 3)
    out["all"] = total
    return out


def first(ref: int | list[int]) -> int:
    return ref if isinstance(ref, int) else ref[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "test"])
    args = ap.parse_args()
    if args.split:
        print(json.dumps(score(args.split), indent=1))
        return
    report = {"test": score("test"), "dev": score("dev")}
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({s: r["all"] for s, r in report.items()}, indent=1))


if __name__ == "__main__":
    main()
