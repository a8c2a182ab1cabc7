"""The site's static files, served under a content-hashed URL so browsers may cache them forever."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from medcode_gateway.core.problems import Problem

STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
#: A hashed URL never changes content, so it may be cached for a year without revalidation.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The plain name may change with any deploy: browsers must check again.
REVALIDATE = "public, max-age=0, must-revalidate"


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file: its bytes, media type and content-hashed file name."""

    name: str
    body: bytes
    media_type: str
    hashed_name: str


def load_asset(path: Path) -> Asset:
    """Read a static file and name it `stem.<hash>.suffix` after its content."""
    body = path.read_bytes()
    digest = hashlib.sha256(body).hexdigest()[:12]
    return Asset(
        name=path.name,
        body=body,
        media_type=MEDIA_TYPES[path.suffix],
        hashed_name=f"{path.stem}.{digest}{path.suffix}",
    )


def load_assets(directory: Path = STATIC_DIR) -> dict[str, Asset]:
    """Every static file by plain name (read once: they ship with the package)."""
    return {
        path.name: load_asset(path)
        for path in sorted(directory.iterdir())
        if path.suffix in MEDIA_TYPES
    }


ASSETS = load_assets()
BY_HASHED_NAME = {asset.hashed_name: asset for asset in ASSETS.values()}


def static_url(name: str) -> str:
    """The cache-forever URL of a static file, e.g. /static/site.3f2a9c01be77.css."""
    return f"/static/{ASSETS[name].hashed_name}"


router = APIRouter()


@router.get("/static/{file_name}", include_in_schema=False)
async def static_file(file_name: str) -> Response:
    """A static file by hashed name (cached for a year) or plain name (revalidated)."""
    asset = BY_HASHED_NAME.get(file_name)
    cache_control = IMMUTABLE
    if asset is None:
        asset = ASSETS.get(file_name)
        cache_control = REVALIDATE
    if asset is None:
        raise Problem(404, f"no static file named {file_name!r}")
    return Response(
        asset.body,
        media_type=asset.media_type,
        headers={"Cache-Control": cache_control, "X-Content-Type-Options": "nosniff"},
    )
