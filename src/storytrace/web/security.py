"""What keeps a page of strangers' text inert: security headers on every response, a same-origin check on writes,
a body-size cap, and the type check of uploads (by extension and by content)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No script at all: the app serves none, so every script (inline, injected, javascript: URL) is refused.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".xml")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

log = logging.getLogger("storytrace.web")


def limit_text(n: int) -> str:
    """A size limit as a person reads it, in the binary units the limits are set in: "5 MB", "1.5 MB", "100 KB",
    "512 bytes" (a limit under 1 MB once read "0 MB")."""
    if n < 1024:
        return f"{n:,} byte{'s' * (n != 1)}"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


# Magic numbers of common binary formats that someone might rename to .txt
_BINARY_MAGIC = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x7fELF",
    b"MZ",
    b"SQLite format 3",
    b"\xd0\xcf\x11\xe0",  # old Office files
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
)


class Rejected(Exception):
    """A request or an upload refused, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SecurityMiddleware:
    """Pure ASGI (it must also wrap error responses and streamed bodies): adds :data:`SECURITY_HEADERS` to every
    response, refuses cross-origin writes (403), and stops request bodies beyond ``max_body`` (413) while they are
    still arriving, whatever Content-Length says."""

    def __init__(self, app: ASGIApp, max_body: int, on_reject: Callable[[Scope, int, str], Any]) -> None:
        self.app = app
        self.max_body = max_body
        self.on_reject = on_reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if scope.get("method", "GET") in UNSAFE_METHODS and not same_origin(headers):
            response = self.on_reject(scope, 403, "cross-origin request refused")
            await response(scope, receive, send_with_headers)
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            response = self.on_reject(scope, 413, f"upload too large: the limit is {limit_text(self.max_body)}")
            await response(scope, receive, send_with_headers)
            return

        received = 0

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise Rejected(413, f"upload too large: the limit is {limit_text(self.max_body)}")
            return message

        try:
            await self.app(scope, capped_receive, send_with_headers)
        except Rejected as exc:
            if started:  # pragma: no cover - a response already began; nothing better to do than drop it
                raise
            response = self.on_reject(scope, exc.status, exc.message)
            await response(scope, receive, send_with_headers)
        except Exception:
            # A bug must not show its traceback, file paths or database URL to the visitor: they get a plain 500
            # page (with the security headers), the server's log gets the traceback.
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:  # pragma: no cover - headers already sent; the connection is dropped
                raise
            response = self.on_reject(scope, 500, "internal error: the request could not be completed")
            await response(scope, receive, send_with_headers)


def same_origin(headers: dict[str, str]) -> bool:
    """Is this write from a page of this very site? Browsers say so in Sec-Fetch-Site (Fetch Metadata); older ones
    name the page in Origin or Referer. Under ``Referrer-Policy: no-referrer`` a browser sends ``Origin: null`` on
    form posts, so Sec-Fetch-Site is checked first. A request with none of these comes from a non-browser client
    (curl, a script), which a cross-site attack cannot make a victim's browser send."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")  # "none": typed by the user, not started by any page
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc == host
    referer = headers.get("referer")
    if referer:
        return urlsplit(referer).netloc == host
    return True


def check_upload(filename: str, data: bytes, limit: int = MAX_UPLOAD_BYTES) -> str:
    """Refuse what is not an article file we read: wrong extension, too large, binary content, or content that does
    not match its extension. Returns the cleaned file name."""
    name = clean_filename(filename)
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in UPLOAD_EXTENSIONS:
        raise Rejected(415, f"{name}: only {', '.join(UPLOAD_EXTENSIONS)} files are accepted")
    if len(data) > limit:
        raise Rejected(413, f"{name}: too large (the limit is {limit_text(limit)})")
    if not data.strip():
        raise Rejected(422, f"{name}: the file is empty")
    if is_binary(data):
        raise Rejected(415, f"{name}: this is not a text file")
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext in (".json", ".jsonl") and not head.startswith((b"{", b"[")):
        raise Rejected(415, f"{name}: a {ext} file must hold JSON")
    if ext == ".xml" and not head.startswith(b"<"):
        raise Rejected(415, f"{name}: an .xml file must hold XML (an RSS or Atom feed)")
    return name


def is_binary(data: bytes) -> bool:
    """Binary by magic number, by a NUL byte, or by control characters that no text file holds."""
    head = data[:65536]
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a multi-byte character cut by the 64 KiB window
            return False
    # Not UTF-8: a legacy single-byte text encoding has no C0 controls besides tab, newline, form feed, return
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls > 0


def clean_filename(filename: str) -> str:
    """The base name only (no folders), printable, at most 120 characters: it is shown on pages and kept as the
    article's origin."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "upload.txt"
    return base[-120:]
