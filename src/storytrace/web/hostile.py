"""Hostile inputs for the web app and the HTML report: XSS filter-evasion payloads and uploads that carry them in
every field, and the in-browser check that none of them did anything.

The payload list is our own, written after the categories of the OWASP XSS Filter Evasion Cheat Sheet (basic and
polyglot scripts, tag and attribute breaks, case and whitespace tricks, entity- and null-byte-encoded ``javascript:``
URLs, malformed tags, event handlers, SVG and MathML, CSS, meta refresh, frames, base, object and embed, and the
mutation-XSS shapes that modern sanitizers met). Nothing is downloaded. Each payload runs ``alert(N)`` (N its
number) when it executes, so a browser that runs one shows a dialog that names it; tests/test_web_attack.py and
bench/reliability_store.py plant them everywhere and count the dialogs and injected elements.
"""

from __future__ import annotations

import json

JS = "$JS"  # replaced by alert(N) in each payload

_TEMPLATES: tuple[str, ...] = (
    # basic and polyglot
    "<script>$JS</script>",
    "<SCRIPT SRC=data:text/javascript,$JS></SCRIPT>",
    "<ScRiPt>$JS</sCrIpT>",
    '"><script>$JS</script>',
    "'><script>$JS</script>",
    "</title><script>$JS</script>",
    "</textarea><script>$JS</script>",
    "</style><script>$JS</script>",
    "<script>$JS//",
    "<<SCRIPT>$JS//<</SCRIPT>",
    "<SCRIPT/XSS SRC=data:,$JS></SCRIPT>",
    "<scr<script>ipt>$JS</scr</script>ipt>",
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=$JS )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>"
    "\\x3csVg/<sVg/oNloAd=$JS//>\\x3e",
    "'-$JS-'",
    '";$JS;//',
    # img and broken image tags
    "<img src=x onerror=$JS>",
    "<IMG SRC=# onmouseover=$JS>",
    "<IMG SRC= onerror=$JS>",
    "<IMG SRC=/ onerror=$JS></img>",
    '<IMG """><SCRIPT>$JS</SCRIPT>">',
    "<img src=x:y onerror=&#97;&#108;&#101;&#114;&#116;&#40;1&#41;>",
    "<IMG SRC=`javascript:$JS`>",
    "<IMG LOWSRC=javascript:$JS>",
    "<IMG DYNSRC=javascript:$JS>",
    # javascript: URLs, encoded and split
    '<a href="javascript:$JS">click</a>',
    '<a href="JaVaScRiPt:$JS">click</a>',
    '<a href="jav&#x09;ascript:$JS">tab</a>',
    '<a href="jav&#x0A;ascript:$JS">newline</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;$JS">decimal</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;$JS">hex</a>',
    '<a href=" &#14;  javascript:$JS">leading</a>',
    '<a href="java\x00script:$JS">nul</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<form action=javascript:$JS><button>go</button></form>",
    "<isindex action=javascript:$JS type=submit>",
    # event handlers that fire by themselves
    "<body onload=$JS>",
    "<svg onload=$JS>",
    "<svg/onload=$JS>",
    "<svg><animate onbegin=$JS attributeName=x dur=1s>",
    "<svg><set onbegin=$JS attributename=x to=1>",
    "<details open ontoggle=$JS>",
    "<input autofocus onfocus=$JS>",
    "<select autofocus onfocus=$JS>",
    "<textarea autofocus onfocus=$JS>",
    "<video><source onerror=$JS>",
    "<audio src=x onerror=$JS>",
    "<marquee onstart=$JS>",
    "<body onpageshow=$JS>",
    "<div style=width:1000px;height:1000px onmouseover=$JS>",
    "<object data=javascript:$JS>",
    "<embed src=javascript:$JS>",
    # frames, base, meta, links
    "<iframe src=javascript:$JS></iframe>",
    "<iframe srcdoc='<script>parent.$JS</script>'></iframe>",
    "<frameset><frame src=javascript:$JS></frameset>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:$JS">',
    '<BASE HREF="javascript:$JS//">',
    '<LINK REL="stylesheet" HREF="javascript:$JS">',
    # CSS
    "<style>@import 'javascript:$JS';</style>",
    "<style>body{background:url(javascript:$JS)}</style>",
    '<DIV STYLE="background-image: url(javascript:$JS)">',
    '<DIV STYLE="width: expression($JS);">',
    "<style>*{display:none}</style>",
    # SVG, MathML and mutation XSS
    "<svg><script>$JS</script></svg>",
    "<svg><a xlink:href=javascript:$JS><text x=20 y=20>click</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=$JS>",
    '<noscript><p title="</noscript><img src=x onerror=$JS>">',
    '<!--<img src="--><img src=x onerror=$JS//">',
    "<template><script>$JS</script></template><img src=x onerror=$JS>",
    "<xmp><script>$JS</script></xmp>",
    "<![CDATA[<script>$JS</script>]]>",
    # attribute breaks into the report's own markup
    '" onmouseover="$JS" x="',
    "' onfocus='$JS' autofocus='",
    "` onmouseover=$JS `",
    # encodings that once fooled filters
    "+ADw-script+AD4-$JS+ADw-/script+AD4-",
    "\\u003cscript\\u003e$JS\\u003c/script\\u003e",
    "%3Cscript%3E$JS%3C/script%3E",
    "&lt;script&gt;$JS&lt;/script&gt;",
    "\uff1cscript\uff1e$JS\uff1c/script\uff1e",
)


def payloads() -> list[str]:
    """Every payload, numbered from 1: payload N runs ``alert(N)`` if it ever executes."""
    return [p.replace(JS, f"alert({n})") for n, p in enumerate(_TEMPLATES, start=1)]


def _file_name(n: int, payload: str) -> str:
    # A file name cannot hold "/" or NUL: slashes are written %2F (the markup around them stays hostile), control
    # characters dropped.
    name = "".join(ch for ch in payload.replace("/", "%2F") if ch.isprintable())
    return f"{n:03d}{name[:110]}.jsonl"


def hostile_uploads(per_article: int = 1) -> list[tuple[str, bytes]]:
    """JSON Lines uploads carrying every payload in the file name and in every field the readers take: title,
    outlet, byline, url, published, and the text (in a plain sentence, in a quote with a speaker, and on its own).
    ``per_article`` payloads share one article (the fast test packs three; the bench gives each its own). Six
    made-up events keep the stories small enough to analyse in seconds."""
    events = (
        ("warehouse fire at Valmora harbour", "Firefighters fought the blaze at warehouse {n} for six hours"),
        ("bus fares in Brentwick", "Brentwick council voted to raise fare zone {n} by 12 percent"),
        ("ferry route at Kessingby", "The ferry to Halvik was cancelled on route {n} as gales rose"),
        ("hospital strike in Ostmark", "Nurses at Ostmark hospital walked out over pay for shift {n}"),
        ("bridge closure at Lindau", "Engineers closed span {n} of the Lindau bridge after cracks were found"),
        ("museum theft in Corvara", "Thieves took painting {n} from the Corvara city museum overnight"),
    )
    every = payloads()
    out = []
    for n, start in enumerate(range(0, len(every), per_article), start=1):
        p = " ".join(every[start : start + per_article])
        topic, lede = events[n % len(events)]
        text = (
            f"{lede.format(n=n)}, the authorities said on Monday {p}.\n\n"
            f'Spokeswoman Ana Ruiz said: "We are working on the {topic} {p} and will report on it."\n\n'
            f"{p}\n\nMore details on the {topic} are expected on Tuesday, officials said."
        )
        record = {
            "title": f"{topic.capitalize()} {n} {p}",
            "outlet": f"Outlet {p}",
            "byline": f"By {p}",
            "url": f"https://news.example/{n}?q={p}",
            "published": f"2025-03-0{1 + n % 9}",
            "text": text,
        }
        out.append((_file_name(n, p), (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")))
    return out


# What "inert" means, checked in the page's live DOM: no script element, no event-handler attribute, no
# javascript:/vbscript:/data: URL in any link, source or form, and none of the elements that only a payload brings
# (frames, object, embed, base, meta refresh, a style element in the body, MathML, media, SVG script or animation).
# Our pages and the report use none of these, so any one found was injected.
INERT_CHECK = """() => {
  const all = [...document.querySelectorAll('*')];
  const url = e => ['href', 'src', 'action', 'xlink:href', 'data', 'formaction', 'lowsrc', 'dynsrc']
    .map(a => e.getAttribute(a) || '').join(' ');
  return {
    scripts: document.scripts.length,
    handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
      .map(a => e.tagName + ' ' + a.name)),
    jsUrls: all.filter(e => /(^|\\s)(javascript|vbscript|data):/i.test(url(e).replace(/[\\s\\x00-\\x1f]/g, '')))
      .map(e => e.tagName),
    injected: [...document.querySelectorAll(
      'iframe,frame,frameset,object,embed,base,body style,meta[http-equiv],math,video,audio,textarea,marquee,' +
      'template,isindex,img[src="x"],svg script,svg animate,svg set'
    )].map(e => e.tagName),
    title: document.title,
  };
}"""


def inert_problems(found: dict[str, object], title: str | None = None) -> list[str]:
    """The non-empty entries of :data:`INERT_CHECK`'s answer, as readable problems (empty: the page is inert)."""
    problems = [f"{k}: {v}" for k, v in found.items() if k != "title" and v not in (0, [], None)]
    if title is not None and found.get("title") != title:
        problems.append(f"title changed to {found.get('title')!r}")
    return problems
