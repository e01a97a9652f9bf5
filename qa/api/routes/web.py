"""GET /: the chat page, and GET /static/{name}: its assets (plain HTML, CSS and JavaScript, no build step).

The page talks only to this service (POST /v1/chat/completions streamed, GET /articles/{id}); the
Content-Security-Policy keeps it that way: scripts, styles and requests from this origin only, no inline code.
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Assets change with the code; revalidate (ETag) rather than serve a stale page against a newer API.
    "Cache-Control": "no-cache",
}


def _assets() -> dict[str, Path]:
    """The files the page may load, by name: only these are served (no paths, no directory listing)."""
    return {p.name: p for p in STATIC_DIR.iterdir() if p.is_file() and p.suffix in MEDIA_TYPES}


ASSETS = _assets()


def _file(path: Path) -> FileResponse:
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=SECURITY_HEADERS)


@router.get("/")
def page() -> FileResponse:
    """The chat page."""
    return _file(STATIC_DIR / "index.html")


@router.get("/static/{name}")
def asset(name: str) -> FileResponse:
    """One of the page's own files."""
    path = ASSETS.get(name)
    if path is None:
        raise HTTPException(status_code=404, detail=f"no static file {name!r}")
    return _file(path)
