"""The stories stage's language guard: an article in another known language never shares a story with an English one,
and is grouped with its own language only as a near-copy."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storytrace.ingest import split_sentences
from storytrace.records import Article
from storytrace.stories import group_stories

FLOOD = (
    "Floodwater forced two hundred families from their homes in the river town of Marlow Bridge on Sunday, the county "
    "council said. The river rose a metre overnight after three days of rain, and the old stone bridge was closed."
)
FLOOD_COPY = FLOOD.replace("on Sunday", "late on Sunday")
FLOOD_DE = (
    "Das Hochwasser hat am Sonntag zweihundert Familien in der Flussstadt Marlow Bridge aus ihren Häusern vertrieben, "
    "teilte der Kreisrat mit. Der Fluss stieg über Nacht um einen Meter, und die alte Steinbrücke wurde gesperrt."
)
FLOOD_DE_COPY = FLOOD_DE.replace("am Sonntag", "am späten Sonntag")
RECIPE_DE = (
    "Für den Apfelkuchen braucht man sechs Äpfel, zweihundert Gramm Mehl, Butter und Zucker. Den Teig eine Stunde "
    "kühlen, dann bei hundertachtzig Grad vierzig Minuten backen und warm mit Sahne servieren."
)
FLOOD_FR = (
    "Les eaux de crue ont chassé dimanche deux cents familles de leurs maisons dans la ville de Marlow Bridge, a "
    "indiqué le conseil du comté. La rivière est montée d'un mètre pendant la nuit et le vieux pont a été fermé."
)
TEXTS = [FLOOD, FLOOD_COPY, FLOOD_DE, FLOOD_DE_COPY, RECIPE_DE, FLOOD_FR]


def art(aid: str, text: str, language: str | None) -> Article:
    return Article(
        id=aid, origin=aid, origins=[aid], text=text, sentences=split_sentences(text), language=language, title=None
    )


def test_languages_never_share_a_story_and_foreign_copies_stay_together() -> None:
    pile = [
        art("en1", FLOOD, "en"),
        art("en2", FLOOD_COPY, None),  # unknown: read as English
        art("de1", FLOOD_DE, "de"),
        art("de2", FLOOD_DE_COPY, "de"),
        art("de3", RECIPE_DE, "de"),
        art("fr1", FLOOD_FR, "fr"),
    ]
    stories = {frozenset(g.articles) for g in group_stories(pile, {}, {})}
    assert stories == {
        frozenset({"en1", "en2"}),
        frozenset({"de1", "de2"}),  # a near-copy in its own language
        frozenset({"de3"}),  # a recipe page is no part of a flood report, whatever the English model would say
        frozenset({"fr1"}),  # a translation is another language: not compared
    }


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([None, "en", "de", "fr", "ru"]), min_size=len(TEXTS), max_size=len(TEXTS)))
def test_no_story_mixes_known_languages_and_english_grouping_is_untouched(languages: list[str | None]) -> None:
    pile = [art(f"a{n}", text, lang) for n, (text, lang) in enumerate(zip(TEXTS, languages, strict=True))]
    stories = group_stories(pile, {}, {})
    by_id = {a.id: a for a in pile}
    assert sorted(a for g in stories for a in g.articles) == sorted(by_id)  # a partition: every article once
    for g in stories:
        known = {by_id[a].language or "en" for a in g.articles}
        assert len(known) == 1, g
    english = [a for a in pile if a.language in (None, "en")]
    alone = {frozenset(g.articles) for g in group_stories(english, {}, {})}
    assert {frozenset(g.articles) for g in stories if g.articles[0] in {a.id for a in english}} == alone
