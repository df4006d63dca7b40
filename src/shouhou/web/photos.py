"""Photos uploaded with a form (an application, an inspection, a message): checked and saved
under var/uploads, their links put in the payload; forgotten again when the request is refused."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request

from shouhou import uploads
from shouhou.errors import Invalid

PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}
MAX_PHOTO_BYTES = 8 * 1024 * 1024


async def save_photos(request: Request, var_dir: Path, field: str = "photos") -> list[str]:
    form = await request.form()
    saved: list[str] = []
    try:
        for upload in form.getlist(field):
            if not hasattr(upload, "read") or not getattr(upload, "filename", ""):
                continue
            ext = PHOTO_TYPES.get(getattr(upload, "content_type", "") or "")
            data = await upload.read()
            if ext is None or len(data) > MAX_PHOTO_BYTES:
                raise Invalid("invalid_photo", en="Photos must be JPEG, PNG, WebP or GIF up to 8 MB",
                              zh="照片须为 JPEG、PNG、WebP 或 GIF，不超过 8 MB")
            saved.append(uploads.save(var_dir, data, ext))
    except Invalid:
        forget_photos(var_dir, saved)
        raise
    return saved


def forget_photos(var_dir: Path, urls: list[str]) -> None:
    for url in urls:
        if isinstance(url, str) and url.startswith(uploads.URL_PREFIX):
            uploads.path_of(var_dir, url).unlink(missing_ok=True)
