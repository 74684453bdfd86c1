"""The store's tables (SQLAlchemy Core): one definition for SQLite and PostgreSQL.

Records are kept as their JSON text (``to_dict()``), so the store holds exactly what the dossier would; the few
columns beside the JSON exist only to list, sort and search without parsing every row.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text

SCHEMA_VERSION = "1"

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
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("story_id", String(64), ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", String(64), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)
Index("story_articles_by_article", story_articles.c.article_id)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
