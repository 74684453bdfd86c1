"""Claims: what each article says — claims with their parts, numbers, dates, quotes and speakers, event order.

``extract_facts(articles, options)`` parses every article once (spaCy, batched, the article's own sentence
boundaries) and returns one ``ArticleFacts`` per article in input order. ``link_entities(facts_list)`` gives the
entities, quote speakers and claim attributions of one story's articles story-wide keys (the cross-check calls it
per story). ``compatible(a, b)`` tells whether two number mentions can describe the same quantity.
"""

from __future__ import annotations

from storytrace.claims.entities import link_entities
from storytrace.claims.extract import extract_facts
from storytrace.claims.numbers import compatible

__all__ = ["compatible", "extract_facts", "link_entities"]
