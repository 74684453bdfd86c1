"""The dossier as Markdown, for pasting into a newsroom chat or ticket.

Every string that comes from an article is passed through :func:`md_escape`: whitespace collapsed (so it cannot
start a new block), Markdown and HTML metacharacters backslash-escaped, and autolink triggers (``://``, ``www.``,
``@``) broken, so pasted text cannot become a link, an image or HTML.
"""

from __future__ import annotations

import re

from storytrace.dossier.html import FIDELITY_LABELS, ArticleView, ReviewMark, StoryView, article_labels, story_view
from storytrace.records import DiffOp, Dossier

# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can start markup
_META = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")
_AUTOLINK = re.compile(r"(?i)(://|www\.|@|&(?=#?\w+;))")


def _break_autolink(m: re.Match[str]) -> str:
    found = m.group(1)
    if found in ("@", "&"):
        return "\\" + found
    return found.replace(":", "\\:").replace(".", "\\.")


def md_escape(text: str) -> str:
    """Content as inert Markdown text on one line."""
    text = " ".join(str(text).split())
    text = _META.sub(r"\\\1", text)
    text = _AUTOLINK.sub(_break_autolink, text)
    # a leading "1." or "-" would open a (nested) list where the content starts an item
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^-", r"\\-", text))


def _cites(labels: list[str]) -> str:
    return " ".join(f"[{md_escape(label)}]" for label in labels)


def md_diff(ops: list[DiffOp]) -> str:
    """git word-diff style: [-only in the other version-] {+only in this quote+}."""
    parts = []
    for op in ops:
        text = md_escape(op.text)
        parts.append(f"[-{text}-]" if op.op == "-" else f"{{+{text}+}}" if op.op == "+" else text)
    return " ".join(parts)


def _verdict_line(article: ArticleView) -> str | None:
    """One article's verdict line first (summary sentence, verdict, source, timing, padding, findings), then the
    sources it cites; None when the story has no verdict on it and it cites nothing."""
    v = article.verdict
    parts: list[str] = []
    if v is not None:
        kind = v.label
        if v.source is not None:
            kind += f" of {v.source.label}"
        elif v.source_name:
            kind += f" of {v.source_name}"
        if v.credit == "credited":
            kind += " (credited)"
        facts = " · ".join([kind, v.verdict.timing, f"{v.padding}% padding", *v.counts])
        parts.append(f"{md_escape(v.summary)} ({md_escape(facts)})" if v.summary else md_escape(facts))
    if article.sources_cited:
        cited = "; ".join(
            f"{s.name} ({s.kind_label}): " + ", ".join(f"“{m.text}”" for m in s.mentions) for s in article.sources_cited
        )
        parts.append(f"cites {md_escape(cited)}")
    if not parts:
        return None
    return f"- **{md_escape(article.label)}**: " + " — ".join(parts)


def _reviewed(mark: ReviewMark | None) -> str:
    """An editor's decision beside a finding: " **[dismissed: the note]**"."""
    if mark is None:
        return ""
    return f" **[{mark.state}{': ' + md_escape(mark.note) if mark.note else ''}]**"


def _story(view: StoryView) -> list[str]:
    lines = [
        f"## {md_escape(view.headline or 'Untitled story')}",
        "",
        f"{view.n_articles} article{'s' * (view.n_articles != 1)} · {view.n_groups} independent source "
        f"group{'s' * (view.n_groups != 1)} · {'published ' if view.dated else ''}{md_escape(view.date_span)} · "
        f"{len(view.conflicts)} conflict{'s' * (len(view.conflicts) != 1)}",
        "",
    ]

    if view.decisions:  # storytrace review
        lines += ["### Editor's review", ""]
        for d in view.decisions:
            note = f" — note: {md_escape(d.note)}" if d.note else ""
            by = f", {md_escape(d.who)}" if d.who else ""
            lines.append(f"- {d.label.capitalize()}: {md_escape(d.what)}{note} ({md_escape(d.when)}{by})")
        lines.append("")

    if view.ties:  # the stories stage's reasons for grouping: one line per tie, the passages only counted
        lines += ["### Why these articles are one story", ""]
        for tie in view.ties:
            facts = [f"score {tie.score:.2f}"] + ([tie.days_apart] if tie.days_apart else [])
            for what, values in (("names", tie.names), ("figures", tie.figures), ("dates", tie.dates)):
                if values:
                    facts.append(f"shared {what}: {', '.join(values)}")
            if tie.passages:
                facts.append(f"{len(tie.passages)} passage{'s' * (len(tie.passages) != 1)} alike")
            lines.append(
                f"- {md_escape(tie.first.label)} — {md_escape(tie.second.label)}: {md_escape('; '.join(facts))}"
            )
        lines.append("")

    lines += ["### Summary", ""]
    if view.summary_corroborated or view.summary_contested:
        for title, items in (("Agreed", view.summary_corroborated), ("Contested", view.summary_contested)):
            for s in items:
                lines.append(f"- {title}: {md_escape(s.text)} {_cites([c.label for c in s.cites])}".rstrip())
    else:
        lines.append("No summary.")
    lines.append("")

    lines += ["### Provenance", ""]
    if view.provenance:
        for p in view.provenance:
            arrow = "→" if p.decided else "—"
            common = f"; likely both ran {md_escape(p.common_source)} copy" if p.common_source else ""
            extra = "" if p.decided else f" (direction undecided{common or ': most often a common source'})"
            credit = f"; {md_escape(p.plain)}" if p.plain else ""
            lines.append(
                f"- {md_escape(p.source.label)} {arrow} {md_escape(p.derived.label)}: {md_escape(p.text)}{extra}"
                f"{credit}{_reviewed(p.review)}"
            )
    else:
        lines.append("No reuse found: every article is its own reporting.")
    if view.originals:
        lines.append(f"- Original reporting: {', '.join(md_escape(c.label) for c in view.originals)}")
    for g in view.groups:
        lines.append(f"- Source group {g.index + 1}: {', '.join(md_escape(c.label) for c in g.members)}")
    lines.append("")

    verdict_lines = [line for a in view.articles if (line := _verdict_line(a))]
    if verdict_lines:
        lines += ["### Articles", "", *verdict_lines, ""]

    lines += ["### Claims", ""]
    claims = view.matrix + view.one_source
    if claims:
        printed: set[str] = set()  # a sentence that makes two statements is two claims: its text is written once
        for status, title in (
            ("corroborated", "Corroborated"),
            ("single_source", "Single source"),
            ("unsupported_addition", "Added by a rewrite (not in its source)"),
        ):
            rows = [r for r in claims if r.claim.status == status]
            if not rows:
                continue
            lines.append(f"**{title}**")
            lines.append("")
            for r in rows:
                contested = " (contested)" if r.conflicts else ""
                key = " ".join(r.claim.text.split()).casefold()
                text = (
                    md_escape(r.claim.text) if key not in printed else f"Another statement of “{_clip(r.claim.text)}”"
                )
                printed.add(key)
                rule = f" — rule: {md_escape(r.claim.reason)}" if r.claim.reason else ""
                lines.append(
                    f"- {text} — {r.claim.independent_sources} independent{contested} "
                    f"{_cites([c.label for c in r.mentions])}".rstrip()
                    + _reviewed(r.review)
                    + rule
                )
            lines.append("")
    else:
        lines += ["No claims found.", ""]

    lines += ["### Conflicts", ""]
    if view.conflicts:
        for x in view.conflicts:
            c = x.conflict
            lines.append(
                f"- Conflict {x.number} ({md_escape(c.severity)}, {md_escape(c.kind)}): {md_escape(c.explanation)}"
                + _reviewed(x.review)
            )
            for side in x.sides:
                lines.append(f"  - {md_escape(side.cite.label)}: “{md_escape(side.text)}”")
    else:
        lines.append("No conflicts found.")
    lines.append("")

    lines += ["### Quotes", ""]
    flagged = [q for sp in view.speakers for q in sp.quotes if q.quote.fidelity in ("altered", "unattested")]
    if flagged:
        lines.append("Diffs: [-only in the other version-] {+only in this quote+}")
        lines.append("")
        for q in flagged:
            speaker = md_escape(q.quote.speaker or "speaker not identified")
            label = FIDELITY_LABELS.get(q.quote.fidelity, q.quote.fidelity)
            lines.append(
                f"- {label.capitalize()}: {speaker}: “{md_escape(q.quote.text)}” [{md_escape(q.cite.label)}]"
                + _reviewed(q.review)
            )
            if q.quote.reason:
                lines.append(f"  - why: {md_escape(q.quote.reason)}")
            if q.diff and q.closest_cite is not None:
                lines.append(f"  - against [{md_escape(q.closest_cite.label)}]: {md_diff(q.diff)}")
    total = sum(len(sp.quotes) for sp in view.speakers)
    if total:
        counts = ", ".join(f"{n} {FIDELITY_LABELS[k]}" for k, n in view.quote_counts.items() if n)
        lines.append(f"{'- ' if flagged else ''}{total} quote{'s' * (total != 1)}: {counts}")
    else:
        lines.append("No direct quotes found.")
    lines.append("")

    lines += ["### Off-topic", ""]
    if view.off_topic:
        for o in view.off_topic:
            lines.append(f"- [{md_escape(o.cite.label)}] “{md_escape(o.text)}”")
    else:
        lines.append("No off-topic passages found.")
    lines.append("")

    lines += ["### Timeline", ""]
    if view.timeline:
        for t in view.timeline:
            lines.append(f"- {md_escape(t.label)}: {md_escape(t.text)} {_cites([c.label for c in t.cites])}".rstrip())
    else:
        lines.append("No dated events found.")
    lines.append("")
    return lines


def _clip(text: str, words: int = 8) -> str:
    """The first words of a sentence already written above, escaped."""
    parts = text.split()
    return md_escape(" ".join(parts[:words]) + (" …" if len(parts) > words else ""))


def render_markdown(dossier: Dossier, filtered: str | None = None, total: int | None = None) -> str:
    """The dossier as Markdown; ``filtered`` and ``total`` as for :func:`storytrace.dossier.html.render_html`."""
    n_s, n_a = len(dossier.stories), len(dossier.articles)
    lines = [f"# storytrace dossier: {n_s} stor{'ies' if n_s != 1 else 'y'}, {n_a} article{'s' * (n_a != 1)}", ""]
    if filtered:
        of = total if total is not None else n_s
        lines += [
            f"Filtered: {n_s} of {of} stor{'ies' if of != 1 else 'y'}, {md_escape(filtered)}. The JSON dossier "
            "holds them all.",
            "",
        ]
    shown: set[str] = set()
    for story in dossier.stories:
        lines += _story(story_view(dossier, story, shown))
    labels = article_labels(dossier.articles)
    in_stories = {a for s in dossier.stories for a in s.articles}
    loose = [a for a in dossier.articles if a.id not in in_stories]
    if loose:
        lines += ["## Articles in no story", ""]
        lines += [f"- {md_escape(labels[a.id])}" for a in loose]
        lines.append("")
    if dossier.skipped:
        lines += ["## Skipped inputs", ""]
        lines += [f"- {md_escape(s.origin)}: {md_escape(s.reason)}" for s in dossier.skipped]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["md_diff", "md_escape", "render_markdown"]
