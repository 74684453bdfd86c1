"""The local web app: a story list, story pages (the report's views), article pages, uploads, JSON dossiers.

Every page shows text written by strangers. Jinja2 autoescapes every template, the report fragment escapes what it
renders, the Content-Security-Policy allows no script at all, and uploads are capped and type-checked.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import Scope

from storytrace import __version__
from storytrace.dossier import dossier_json
from storytrace.errors import StoreError
from storytrace.ingest.formats import ACCEPTED_EXTENSIONS, format_of_name
from storytrace.options import Options
from storytrace.records import Article, Dossier, Skipped, to_jsonable
from storytrace.store import IngestReport, Store, UnknownId, open_store
from storytrace.store.outlets import get_outlet, list_outlets, outlet_of, outlets_of
from storytrace.web.security import (
    MAX_UPLOAD_BYTES,
    UPLOAD_EXTENSIONS,
    Rejected,
    SecurityMiddleware,
    check_upload,
    clean_filename,
    limit_text,
)
from storytrace.web.triage import claim_page, stories_json, stories_page
from storytrace.web.views import article_view, outlet_page, outlets_page, story_fragment, verdict_fragments

# Host headers answered by default: the loopback names only, so a page on another site cannot reach this app
# through DNS rebinding (its requests carry the attacker's host name). ``storytrace serve`` adds the bound address.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

TEMPLATES = resources.files("storytrace.web").joinpath("templates")
STATIC = resources.files("storytrace.web").joinpath("static")


def _environment() -> jinja2.Environment:
    # autoescape=True, not select_autoescape(): every template escapes, whatever its file name
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def wants_json(scope_or_request: Scope | Request) -> bool:
    """API callers get JSON errors: the .json URLs, and any request that asks for JSON rather than HTML."""
    scope = scope_or_request.scope if isinstance(scope_or_request, Request) else scope_or_request
    path = str(scope.get("path", ""))
    if path.endswith(".json"):
        return True
    accept = ""
    for k, v in scope.get("headers", []):
        if k == b"accept":
            accept = v.decode("latin-1")
    return "application/json" in accept and "text/html" not in accept


def error_response(scope: Scope, status: int, message: str, env: jinja2.Environment) -> Response:
    """The one error shape: ``{"error": {"status": int, "message": str}}`` for API callers, a page for people."""
    if wants_json(scope):
        return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    html = env.get_template("error.html").render(
        status=status, message=message, title=f"Error {status}", request_path=str(scope.get("path", ""))
    )
    return HTMLResponse(html, status_code=status)


def create_app(
    store_url: str | os.PathLike[str] | Store | None = None,
    *,
    allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    options: Options | None = None,
) -> FastAPI:
    """The web app over one store (a path, URL or open :class:`Store`). ``allowed_hosts``: Host headers to answer
    (default: the loopback names; None: any, for a server bound to every address), a guard against DNS
    rebinding."""
    store = store_url if isinstance(store_url, Store) else open_store(store_url)
    options = options or Options()
    env = _environment()
    app = FastAPI(title="storytrace", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(request_path=request.url.path, **context)
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error_response(request.scope, exc.status_code, str(exc.detail), env)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(request.scope, 422, f"invalid request: {where} {first.get('msg', '')}".strip(), env)

    @app.exception_handler(UnknownId)
    async def unknown(request: Request, exc: UnknownId) -> Response:
        return error_response(request.scope, 404, str(exc), env)

    @app.exception_handler(Rejected)
    async def rejected(request: Request, exc: Rejected) -> Response:
        return error_response(request.scope, exc.status, exc.message, env)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return error_response(request.scope, 500, "the database could not be read", env)

    # -- pages --------------------------------------------------------------------------------------------------------

    # the story list's filters are its query string (storytrace.web.triage): ?q= &sort= &finding= &severity=
    # &outlet= &since= &until= &min_articles= &only_accused=1; single-article stories hidden unless min_articles=1
    @app.get("/", response_class=HTMLResponse)
    def story_list(request: Request) -> HTMLResponse:
        return page(request, "stories.html", view=stories_page(store, request.query_params), title="Stories")

    @app.get("/stories.json")
    def story_list_json(request: Request) -> JSONResponse:
        return JSONResponse(stories_json(store, request.query_params))

    # a claim's own page: every mention with its sentence (the story page links each claim row here)
    @app.get("/claims/{story_id}/{claim_id}.json")
    def claim_json(story_id: str, claim_id: str) -> JSONResponse:
        view = claim_page(store.dossier(story_id), story_id, claim_id)
        return JSONResponse(to_jsonable(view))

    @app.get("/claims/{story_id}/{claim_id}", response_class=HTMLResponse)
    def claim(request: Request, story_id: str, claim_id: str) -> HTMLResponse:
        view = claim_page(store.dossier(story_id), story_id, claim_id)
        return page(request, "claim.html", view=view, title=view.claim.text[:80] or claim_id)

    @app.get("/dossier.json")
    def whole_dossier() -> Response:
        return _json(store.dossier())

    # .json before the page route: {story_id} would otherwise swallow "x.json"
    @app.get("/stories/{story_id}.json")
    def story_json(story_id: str) -> Response:
        return _json(store.dossier(story_id))

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        dossier = store.dossier(story_id)
        story = dossier.stories[0]
        return page(
            request,
            "story.html",
            story=story,
            fragment=Markup(story_fragment(dossier, story_id)),  # noqa: S704 - escaped by the renderer
            articles=_article_rows(dossier),
            title=story.headline or story.id,
            review=_review_view(store, dossier),
        )

    @app.post("/stories/{story_id}/review")
    async def review_story(request: Request, story_id: str) -> Response:
        """A review form's post (web/templates/review.html): confirm, dismiss, undo, merge, split, declare. The
        same-origin check of SecurityMiddleware refuses it from any other site, as it does uploads."""
        from storytrace.store.decisions import ReviewError
        from storytrace.web.review import apply_form

        form = await request.form(max_files=0, max_fields=500, max_part_size=64 * 1024)
        fields = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
        try:  # a merge, split or declaration analyses stories again: seconds, off the event loop
            done = await run_in_threadpool(apply_form, store, story_id, fields, options)
        except ReviewError as exc:
            raise Rejected(422, str(exc)) from exc
        target = done.story or story_id
        if wants_json(request):
            return JSONResponse(
                {"decision": done.decision.to_dict(), "story": target, "changed": done.changed, "removed": done.removed}
            )
        return RedirectResponse(f"/stories/{quote(target, safe='')}#review", status_code=303)

    @app.get("/articles/{article_id}.json")
    def article_json(article_id: str) -> JSONResponse:
        return JSONResponse(store.get_article(article_id).to_dict())

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        article = store.get_article(article_id)
        dossiers = [store.dossier(s) for s in store.stories_of_article(article_id)]
        stories = [d.stories[0] for d in dossiers]
        view = article_view(article, store.get_facts(article_id), stories)
        # escaped by the report's renderer
        verdicts = [(s, Markup(html)) for s, html in verdict_fragments(dossiers, article_id)]  # noqa: S704
        return page(
            request,
            "article.html",
            article=article,
            view=view,
            stories=stories,
            verdicts=verdicts,
            title=article.title or "",
        )

    @app.get("/outlets", response_class=HTMLResponse)
    def outlets(request: Request) -> HTMLResponse:
        return page(request, "outlets.html", view=outlets_page(list_outlets(store)), title="Outlets")

    @app.get("/outlets.json")
    def outlets_json(name: str | None = None) -> JSONResponse:
        found = get_outlet(store, name) if name is not None else list_outlets(store)
        return JSONResponse(to_jsonable(found))

    # {name:path}: an outlet's name may hold a "/" (its link percent-encodes it, the server decodes it back)
    @app.get("/outlets/{name:path}", response_class=HTMLResponse)
    def outlet(request: Request, name: str) -> HTMLResponse:
        dossier = store.dossier()  # read once for both
        view = outlet_page(outlet_of(dossier, name), [o.name for o in outlets_of(dossier).outlets])
        return page(request, "outlet.html", view=view, title=view.outlet.name)

    @app.get("/upload", response_class=HTMLResponse)
    def upload_form(request: Request) -> HTMLResponse:
        return page(
            request,
            "upload.html",
            extensions=ACCEPTED_EXTENSIONS,
            limit=limit_text(max_upload_bytes),
            title="Add articles",
        )

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        # The body streams in through SecurityMiddleware's cap (413 past the limit, before it is all read); the
        # parts spool to temporary files, so a large upload never sits in memory whole.
        form = await request.form(max_files=100, max_fields=10, max_part_size=max_upload_bytes)
        files = [f for f in form.getlist("files") if not isinstance(f, str)]
        if not files:
            raise Rejected(400, "no file in the upload (form field 'files')")
        named: list[tuple[str, bytes]] = []
        refused: list[Rejected] = []  # each file refused at the door is reported on its own; the others are read
        total = 0
        for f in files:
            data = await f.read()
            total += len(data)
            if total > max_upload_bytes:
                raise Rejected(413, f"upload too large: the limit is {limit_text(max_upload_bytes)}")
            try:
                named.append((_accepted_upload(f.filename or "", data, max_upload_bytes), data))
            except Rejected as exc:
                refused.append(exc)
        # Reading, parsing and storing take seconds: all of it in a worker thread, so the event loop keeps serving
        # pages to everyone else meanwhile.
        report, skipped, rows = (
            await run_in_threadpool(_ingest_uploads, store, named, options) if named else (IngestReport(), [], [])
        )
        skipped = [_refused_line(exc) for exc in refused] + list(skipped)
        report.skipped = skipped
        added = [a for a, _ in rows]
        statuses = {exc.status for exc in refused}
        if added:
            status = 200
        elif not named and len(statuses) == 1:
            status = statuses.pop()  # every file refused the same way: 415 wrong type, 413 too large, 422 empty
        else:
            status = 422
        if wants_json(request):
            return JSONResponse(
                {
                    "added": report.added,
                    "merged": report.merged,
                    "unchanged": report.unchanged,
                    "skipped": [s.to_dict() for s in skipped],
                    "stories": {a.id: s for a, s in rows},
                },
                status_code=status,
            )
        return page(
            request,
            "uploaded.html",
            status=status,
            report=report,
            rows=rows,
            skipped=skipped,
            title="Upload",
        )

    @app.get("/static/report.css")
    def report_css() -> Response:
        return Response(_report_css(), media_type="text/css; charset=utf-8", headers=_CACHE)

    @app.get("/static/app.css")
    def app_css() -> Response:
        return Response(STATIC.joinpath("app.css").read_text("utf-8"), media_type="text/css; charset=utf-8")

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return Response(status_code=204)

    # Outermost last: security headers wrap every response, the host check's refusals included.
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(
        SecurityMiddleware,
        max_body=max_upload_bytes + 64 * 1024,  # room for the multipart framing around the files
        on_reject=lambda scope, status, message: error_response(scope, status, message, env),
    )
    return app


_CACHE = {"cache-control": "no-cache"}


def _json(dossier: Dossier) -> Response:
    return Response(dossier_json(dossier), media_type="application/json")


def _report_css() -> str:
    from storytrace.dossier.html import report_css

    return report_css()


def _review_view(store: Store, dossier: Dossier) -> Any:
    """The story page's review forms (storytrace.web.review)."""
    from storytrace.store.decisions import outlet_names
    from storytrace.web.review import Choice, review_view

    others = [Choice(s.id, f"{s.headline} ({s.n_articles} articles)") for s in store.list_stories()]
    return review_view(dossier, dossier.stories[0], others, outlet_names(store))


def _article_rows(dossier: Dossier) -> list[Article]:
    return sorted(dossier.articles, key=lambda a: (a.published or "", a.outlet or "", a.id))


def _ingest_uploads(
    store: Store, named: list[tuple[str, bytes]], options: Options
) -> tuple[IngestReport, list[Any], list[tuple[Article, list[str]]]]:
    """Read, store and look up the uploaded articles (runs in a worker thread)."""
    articles, skipped = _read_uploads(named, options)
    report = store.ingest(articles, options)
    report.skipped = skipped
    added = [store.get_article(a) for a in [*report.added, *report.merged, *report.unchanged]]
    return report, skipped, [(a, store.stories_of_article(a.id)) for a in added]


def _accepted_upload(filename: str, data: bytes, limit: int) -> str:
    """The cleaned name of an uploaded file the ingest readers take, or ``Rejected`` saying why not. The web's own
    types get the content checks of :func:`check_upload`; the other formats the command line reads (WARC, gzip,
    .rss, .ndjson, ...) are judged by the readers themselves, which skip a bad file with its reason."""
    name = clean_filename(filename)
    if any(name.lower().endswith(ext) for ext in UPLOAD_EXTENSIONS):
        return check_upload(filename, data, limit)
    if not format_of_name(name):  # None: an unknown extension; "": none at all
        raise Rejected(415, f"{name}: not a file type storytrace reads ({', '.join(ACCEPTED_EXTENSIONS)})")
    if len(data) > limit:
        raise Rejected(413, f"{name}: too large (the limit is {limit_text(limit)})")
    if not data.strip():
        raise Rejected(422, f"{name}: the file is empty")
    return name


def _refused_line(exc: Rejected) -> Skipped:
    """A refused file as the page and the JSON list it: ``upload:<name>`` and the reason alone."""
    name, _, reason = exc.message.partition(": ")
    return Skipped("upload:" + name, reason or exc.message)


def _read_uploads(named: list[tuple[str, bytes]], options: Options) -> tuple[list[Article], list[Any]]:
    """Read uploaded files with the ordinary ingest readers; their origin becomes ``upload:<file name>``."""
    from storytrace.ingest import read_inputs

    with tempfile.TemporaryDirectory(prefix="storytrace-upload-") as tmp:
        paths: dict[str, str] = {}
        for n, (name, data) in enumerate(named):
            folder = Path(tmp) / str(n)  # one folder per file: two uploads may share a name
            folder.mkdir()
            path = folder / name
            path.write_bytes(data)
            paths[str(path)] = name
        articles, skipped = read_inputs(sorted(paths), options.ingest)

    def rename(origin: str) -> str:
        for path, name in paths.items():
            if origin.startswith(path):
                return "upload:" + name + origin[len(path) :]
        return origin

    for a in articles:
        a.origin = rename(a.origin)
        a.origins = [rename(o) for o in a.origins]
    for s in skipped:
        s.origin = rename(s.origin)
    return articles, skipped


__all__ = ["create_app"]
