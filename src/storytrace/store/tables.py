"""The store's tables (SQLAlchemy Core): one definition for SQLite and PostgreSQL.

Records are kept as their JSON text (``to_dict()``), so the store holds exactly what the dossier would; the few
columns beside the JSON exist only to list, sort and search without parsing every row.

Beside the JSON, the **flat tables** (``reuse`` to ``verdicts`` below) hold the same findings one row per finding, for
SQL tools (datasette, sqlite-utils, psql) and for ``storytrace export``. They are written from the records by
:mod:`storytrace.store.flat`, in the transaction that writes the story (or the article) they come from, so they never
disagree with the JSON. Conventions: ``*_id`` columns name a stored article, story or finding; ``n`` is a row's
position in its record's list (0-based), ``sentence`` the first index of a sentence reference and ``sentences`` all of
them as a JSON array; other list columns are JSON arrays too (``[]`` when empty); an empty text in a column that
may be NULL is NULL.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

# 1: articles, facts, vectors, stories as JSON. 2: story_articles.source_group and the flat tables (a version 1 store
# is upgraded on open: storytrace.store.flat.upgrade). 3: an editor's decisions and stories.declared (storytrace
# review; a version 2 store is upgraded on open: storytrace.store.decisions.upgrade). An older storytrace refuses a
# version 3 store rather than re-analyse it without the decisions.
SCHEMA_VERSION = "3"
UPGRADABLE = ("1", "2")

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("data", Text, nullable=False),  # Article.to_dict() as JSON
    Column("published", String(40), nullable=True),
    Column("outlet", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("added_at", String(40), nullable=False),  # ISO 8601 UTC
)

article_facts = Table(
    "article_facts",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("data", Text, nullable=False),  # ArticleFacts.to_dict() as JSON: parsed once, reused by every recompute
)

article_vectors = Table(
    "article_vectors",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # (n_sentences, dim) float32, C order, little endian
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("headline", Text, nullable=False),
    Column("n_articles", Integer, nullable=False),
    Column("n_groups", Integer, nullable=False),
    Column("n_contested", Integer, nullable=False),
    Column("latest_published", String(40), nullable=True),
    Column("updated_at", String(40), nullable=False),
    Column("members", Text, nullable=False),  # sorted article ids joined by spaces: "did membership change?"
    Column("dossier", Text, nullable=False),  # Story.to_dict() as JSON
    # digest of the editor's declarations this analysis applied to the story's articles (wires, owners, press
    # releases; storytrace.store.decisions.declared_digest), NULL when none: a new declaration re-analyses exactly
    # the stories whose digest it changes (schema 3)
    Column("declared", String(32), nullable=True),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("story_id", String(64), ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("source_group", Integer, nullable=True),  # index into the story's independent source groups (schema 2)
)
Index("story_articles_by_article", story_articles.c.article_id)


def _story_id() -> Column[str]:
    return Column("story_id", String(64), ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)


def _article_id(primary_key: bool = False, name: str = "article_id") -> Column[str]:
    return Column(
        name, String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=primary_key, nullable=False
    )


# -- flat tables (schema 2) ------------------------------------------------------------------------------------------

reuse = Table(
    "reuse",
    metadata,
    _story_id(),
    _article_id(True, "source_article_id"),  # JSON "from": the article material was taken from
    _article_id(True, "derived_article_id"),  # JSON "to": the article that took it
    Column("kind", String(16), nullable=False),  # copy | rewrite | partial
    Column("score", Float, nullable=False),  # share of the derived article explained by the source
    Column("direction", String(16), nullable=False),  # decided | undecided (then not an arrow)
    Column("reasons", Text, nullable=False),  # JSON array
    Column("common_source", Text, nullable=True),
    Column("credited", Boolean, nullable=True),
    Column("verbatim_sentences", Integer, nullable=False),  # evidence pairs matched word for word
    Column("paraphrased_sentences", Integer, nullable=False),
)
Index("reuse_by_source", reuse.c.source_article_id)
Index("reuse_by_derived", reuse.c.derived_article_id)

reuse_evidence = Table(
    "reuse_evidence",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("source_article_id", String(64), primary_key=True),
    Column("derived_article_id", String(64), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("source_sentence", Integer, nullable=True),
    Column("source_sentences", Text, nullable=False),
    Column("derived_sentence", Integer, nullable=True),
    Column("derived_sentences", Text, nullable=False),
    Column("similarity", Float, nullable=False),
    Column("match", String(16), nullable=False),  # verbatim | paraphrase
    ForeignKeyConstraint(
        ["story_id", "source_article_id", "derived_article_id"],
        [reuse.c.story_id, reuse.c.source_article_id, reuse.c.derived_article_id],
        ondelete="CASCADE",
    ),
)

claims = Table(
    "claims",
    metadata,
    _story_id(),
    Column("claim_id", String(32), primary_key=True),  # the story's claim id (c1, c2, ...)
    Column("n", Integer, nullable=False),  # position in the story's claims (export order)
    Column("text", Text, nullable=False),
    Column("status", String(32), nullable=False),  # corroborated | single_source | unsupported_addition
    Column("independent_sources", Integer, nullable=False),
    Column("n_mentions", Integer, nullable=False),
    Column("conflicts", Text, nullable=False),  # JSON array of conflict ids
    Column("source_groups", Text, nullable=False),  # JSON array of indices into the story's source groups
)
Index("claims_by_status", claims.c.status)

claim_mentions = Table(
    "claim_mentions",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("claim_id", String(32), primary_key=True),
    Column("n", Integer, primary_key=True),
    _article_id(),
    Column("sentence", Integer, nullable=True),
    Column("sentences", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("article_claim_id", String(96), nullable=True),  # the claims stage's per-article claim id
    Column("negated", Boolean, nullable=False),
    Column("modality", String(16), nullable=False),
    ForeignKeyConstraint(["story_id", "claim_id"], [claims.c.story_id, claims.c.claim_id], ondelete="CASCADE"),
)
Index("claim_mentions_by_article", claim_mentions.c.article_id)

quotes = Table(
    "quotes",
    metadata,
    _story_id(),
    Column("quote_id", String(32), primary_key=True),  # the story's quote id (q1, q2, ...)
    Column("n", Integer, nullable=False),  # position in the story's quotes (export order)
    _article_id(),
    Column("sentence", Integer, nullable=True),
    Column("sentences", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("speaker", Text, nullable=True),
    Column("cue", Text, nullable=True),
    Column("fidelity", String(16), nullable=False),  # verbatim | close | altered | unattested | single_source
    Column("reason", Text, nullable=True),
    Column("n_matches", Integer, nullable=False),
)
Index("quotes_by_article", quotes.c.article_id)

quote_matches = Table(
    "quote_matches",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("quote_id", String(32), primary_key=True),
    Column("n", Integer, primary_key=True),
    _article_id(),
    Column("sentence", Integer, nullable=True),
    Column("sentences", Text, nullable=True),
    Column("text", Text, nullable=False),  # the other article's version of the quote
    Column("similarity", Float, nullable=False),
    ForeignKeyConstraint(["story_id", "quote_id"], [quotes.c.story_id, quotes.c.quote_id], ondelete="CASCADE"),
)
Index("quote_matches_by_article", quote_matches.c.article_id)

conflicts = Table(
    "conflicts",
    metadata,
    _story_id(),
    Column("conflict_id", String(32), primary_key=True),  # the story's conflict id (x1, x2, ...)
    Column("n", Integer, nullable=False),  # position in the story's conflicts (export order)
    Column("kind", String(16), nullable=False),  # number | date | order | entity | negation | tense | quote | other
    Column("severity", String(8), nullable=False),  # high | low
    Column("explanation", Text, nullable=False),
    Column("claims", Text, nullable=False),  # JSON array of claim ids
    Column("articles", Text, nullable=False),  # JSON array of article ids
)

conflict_sides = Table(
    "conflict_sides",
    metadata,
    Column("story_id", String(64), primary_key=True),
    Column("conflict_id", String(32), primary_key=True),
    Column("n", Integer, primary_key=True),
    _article_id(),
    Column("sentence", Integer, nullable=True),
    Column("sentences", Text, nullable=False),
    Column("text", Text, nullable=False),
    ForeignKeyConstraint(
        ["story_id", "conflict_id"], [conflicts.c.story_id, conflicts.c.conflict_id], ondelete="CASCADE"
    ),
)
Index("conflict_sides_by_article", conflict_sides.c.article_id)

verdicts = Table(
    "verdicts",
    metadata,
    _story_id(),
    _article_id(True),
    Column("verdict", String(16), nullable=False),  # original | copy | rewrite | derivative | aggregation | commentary
    Column("source", Text, nullable=True),  # the source article's id, or the common source's name
    Column("timing", String(16), nullable=False),  # preview | report | follow-up
    Column("padding", Float, nullable=False),
    Column("summary", Text, nullable=True),
    Column("added", Integer, nullable=False),
    Column("altered_quotes", Integer, nullable=False),
    Column("unattested_quotes", Integer, nullable=False),
    Column("conflicts", Integer, nullable=False),
    Column("credited", Boolean, nullable=True),
)
Index("verdicts_by_article", verdicts.c.article_id)

# per article, not per story: written with the article (from the claims stage's ArticleFacts.sources_cited)
sources_cited = Table(
    "sources_cited",
    metadata,
    _article_id(True),
    Column("n", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # wire | outlet | media | agency | person | document
    Column("text", Text, nullable=False),
    Column("sentence", Integer, nullable=True),
    Column("sentences", Text, nullable=False),
)
Index("sources_cited_by_name", sources_cited.c.name)

# story tables whose rows are replaced whenever their story is written, children before parents
STORY_TABLES: tuple[Table, ...] = (
    reuse_evidence,
    reuse,
    claim_mentions,
    claims,
    quote_matches,
    quotes,
    conflict_sides,
    conflicts,
    verdicts,
)

# the story index (storytrace.store.index): what attaches a new article to stored stories without reading every stored
# article. Written with the article, in its transaction; no schema version of its own: a store whose index is
# missing or was made with other grouping settings (meta "index") is regrouped in full once, which rebuilds it.
article_index = Table(
    "article_index",
    metadata,
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Integer, nullable=False),  # days since 1970: published, else the day it was stored (the horizon)
    # not yet in a story: the articles the next story update attaches (cleared in the story transaction)
    Column("pending", Boolean, nullable=False),
    Column("lead", LargeBinary, nullable=True),  # unit lead vector (StoryFeatures.lead), float32; NULL: no vectors
)
Index("article_index_by_day", article_index.c.day)
Index("article_index_pending", article_index.c.pending)

# postings: kind "b" an LSH band key of the article's MinHash signature, "n" a name key (entity_key), both as signed
# 64-bit integers; the day is repeated here so that a posting list is read only inside the time horizon
article_keys = Table(
    "article_keys",
    metadata,
    Column("kind", String(1), primary_key=True),
    Column("key", BigInteger, primary_key=True),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Integer, nullable=False),
)
Index("article_keys_by_key_day", article_keys.c.kind, article_keys.c.key, article_keys.c.day)
Index("article_keys_by_article", article_keys.c.article_id)

# an editor's decisions (storytrace review, schema 3): one row per key, the latest decision on it. Keys are made from
# the texts a decision is about (storytrace.findings), so they hold through re-analysis; no foreign keys, because the
# stories and findings they name are rewritten whenever a story is analysed again.
decisions = Table(
    "decisions",
    metadata,
    Column("key", String(96), primary_key=True),
    # confirm | dismiss | merge | split | declare_wire | same_owner | press_release
    Column("kind", String(16), nullable=False),
    Column("seq", Integer, nullable=False),  # order of the decisions (merges and splits apply in it), from 1
    Column("decided_at", String(40), nullable=False),  # ISO 8601 UTC
    Column("note", Text, nullable=True),
    Column("who", Text, nullable=True),
    Column("finding", Text, nullable=True),  # what it was about when decided, in one line
    Column("story_id", String(64), nullable=True),  # the story it was decided on (story ids move: a pointer only)
    Column("articles", Text, nullable=False),  # JSON array of article ids
    Column("apart_from", Text, nullable=False),  # JSON array of article ids (split)
    Column("outlets", Text, nullable=False),  # JSON array of outlet names (declare_wire, same_owner)
)
Index("decisions_by_seq", decisions.c.seq)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
