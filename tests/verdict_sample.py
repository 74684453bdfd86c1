"""report_sample's hand-built dossier with what issue 11 adds: a verdict on every article of the crane story, the
credit of each reuse link, the sources articles cite, and a third story for the outlet counts (an outlet reusing its
own copy under another spelling of its name, a copy of a wire outside the pile, an article that names no outlet).
Hostile strings stand in the sources cited and a verdict's summary, beside report_sample's hostile outlet."""

from __future__ import annotations

from report_sample import make_article, sample_dossier
from storytrace.records import Dossier, Reuse, SourceCited, Story, Verdict, VerdictCounts

HOSTILE_SOURCE = '<img src=x onerror=alert("sc")> Wire'
HOSTILE_SUMMARY = '<script>alert("verdict")</script> Original report.'

CREDIT_LINE = "Coastal Wire first reported the collapse."


def verdict_dossier() -> Dossier:
    d = sample_dossier()
    arts = {a.id: a for a in d.articles}
    crane = d.stories[0]
    copy_link, rewrite_link, undecided_link = crane.reuse
    copy_link.credited = False
    rewrite_link.credited = True
    undecided_link.credited = False  # an undecided link shows no credit, whatever it says

    # the rewrite credits its source in a last paragraph (sentence 4); the earlier sentence indices stay
    old = arts["rewr03"]
    body = [old.text[s:e] for s, e in old.sentences]
    rewr = make_article(
        "rewr03",
        [body[:2], body[2:], [CREDIT_LINE]],
        outlet="Bay Herald",
        title=old.title or "",
        published=old.published or "",
    )
    rewr.sources_cited = [SourceCited("Coastal Wire", "outlet", "Coastal Wire first reported", 4)]
    arts["rewr03"] = rewr
    arts["wire01"].sources_cited = [SourceCited("Coastal Wire", "wire", "(CW)", 0)]
    arts["xss005"].sources_cited = [
        SourceCited(HOSTILE_SOURCE, "wire", 'see <img src=x onerror="alert(6)">', 1),
        SourceCited("local media", "media", "Readers can", 1),
    ]
    crane.verdicts = [
        Verdict("wire01", "original", summary="Coastal Wire's own report, the source of two others."),
        Verdict(
            "copy02",
            "copy",
            source="wire01",
            padding=0.12,
            summary="Runs Coastal Wire's report almost word for word without naming it.",
            counts=VerdictCounts(altered_quotes=0),
            credited=False,
        ),
        Verdict(
            "rewr03",
            "rewrite",
            source="wire01",
            padding=0.05,
            summary="Rewrites Coastal Wire's report, credits it, and adds a claim no source states.",
            counts=VerdictCounts(added=1, altered_quotes=1),
            credited=True,
        ),
        Verdict("indp04", "original", summary="Its own reporting."),
        Verdict("part06", "original", padding=0.5, summary="A brief; half of it is about another story."),
        Verdict("xss005", "original", summary=HOSTILE_SUMMARY),
    ]

    update = make_article(
        "wire08",
        [["A container crane collapsed at Pier 4 of Port Alder on Tuesday morning.", "Inspections begin Monday."]],
        outlet="coastal  WIRE",  # the same outlet, spelled another way: its own update, not a copy of another
        title="Crane collapse: update",
        published="2025-05-07",
    )
    kingsport = make_article(
        "king09",
        [["Port workers in Kingsport began a one-day strike on Wednesday.", "Ferries were cancelled."]],
        outlet="Kingsport Courier",
        title="Strike in Kingsport",
        published="2025-05-07",
    )
    anonymous = make_article(
        "anon10",
        [["Port workers in Kingsport began a one-day strike on Wednesday."]],
        outlet="",
        title="Strike",
        published="2025-05-07",
    )
    anonymous.outlet = None
    more = Story(
        id="story-more",
        headline="Updates and wire copy",
        articles=["wire08", "king09", "anon10", "wire01"],
        reuse=[Reuse("wire01", "wire08", "copy", 0.7, reasons=["published earlier"])],
        groups=[["wire01", "wire08"], ["king09"], ["anon10"]],
        verdicts=[
            Verdict("wire08", "copy", source="wire01", summary="Coastal Wire's update of its own report."),
            Verdict(
                "king09",
                "copy",
                source="Associated Press",
                summary="Runs Associated Press copy, credited.",
                credited=True,
            ),
            Verdict("anon10", "original", summary="A brief."),
            Verdict("wire01", "original", summary="The first report."),
        ],
    )
    d.articles = sorted([*arts.values(), update, kingsport, anonymous], key=lambda a: a.id)
    d.stories = [crane, d.stories[1], more]
    return d
