"""``storytrace serve``'s socket: bound before anything is printed, so the address it prints is the one it listens
on (``--port 0`` picks a free port and says which) and a port already in use fails in one line, not a traceback
after a "serving" line that was never true."""

from __future__ import annotations

import errno
import socket
from typing import Any

from storytrace.errors import UsageError


def url_of(sock: socket.socket) -> str:
    """The address a bound socket listens on, as a URL: ``http://127.0.0.1:8000/``, ``http://[::1]:8000/``."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port``, or ``UsageError`` saying in one line why not."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a port number (0 to 65535; 0 picks a free one)")
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"cannot serve on {where}: no such address ({_reason(exc)})") from exc
    sock = socket.socket(family, kind, proto)
    try:
        # as uvicorn does: a restart may reuse a port whose old connections are still closing (TIME_WAIT), but a
        # port some other process listens on is still refused
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"cannot serve on {where}: the port is already in use (choose another with --port, or --port 0 for "
                "any free one)"
            ) from exc
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UsageError(f"cannot serve on {where}: permission denied (ports below 1024 need root)") from exc
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"cannot serve on {where}: this machine has no such address") from exc
        raise UsageError(f"cannot serve on {where}: {_reason(exc)}") from exc
    return sock


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__


def run(app: Any, sock: socket.socket) -> None:
    """Serve ``app`` on the bound ``sock`` until Ctrl-C."""
    import uvicorn

    # a local tool: Ctrl-C must not hang on a browser's idle keep-alive connections
    config = uvicorn.Config(app, log_level="warning", server_header=False, timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])


__all__ = ["listen", "run", "url_of"]
