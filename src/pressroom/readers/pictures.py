"""Pictures in releases: a press photo named in Markdown, or one embedded in a Word file.

Every edition publishes the picture's bytes as they are (once, under ``output/media/``), so
only types every browser, feed reader and Word shows are taken, and only pictures of a sane
size. The type and the pixel size come from the file's own header (python-docx's image
parser), never from its name.
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from docx.image.exceptions import InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError
from docx.image.image import Image as ImageHeader

from pressroom.document.model import Image
from pressroom.limits import MAX_PICTURE_BYTES, MAX_PICTURE_SIDE

MEDIA_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif")
"""How picture files are usually named: the up-to-date check watches them beside releases."""


class PictureError(ValueError):
    """A picture that cannot be published; the message names it and says why."""


def picture_from_bytes(data: bytes, name: str) -> Image:
    """An :class:`Image` from ``data`` if it is a JPEG, PNG or GIF of a sane size."""
    if len(data) > MAX_PICTURE_BYTES:
        raise PictureError(
            f"the picture '{name}' is too large ({len(data) / 1e6:.1f} MB); the limit is "
            f"{MAX_PICTURE_BYTES / 1e6:.0f} MB: save a smaller copy for the web"
        )
    try:
        header = ImageHeader.from_blob(data)
        media_type, width, height = header.content_type, header.px_width, header.px_height
    except (InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError, ValueError, IndexError):
        media_type, width, height = "", 0, 0
    if media_type not in MEDIA_TYPES:
        raise PictureError(f"the picture '{name}' is not a JPEG, PNG or GIF file")
    if not (0 < width <= MAX_PICTURE_SIDE and 0 < height <= MAX_PICTURE_SIDE):
        raise PictureError(f"the picture '{name}' is damaged (its size reads {width} × {height} pixels)")
    return Image(data, media_type, name, width, height)


def read_picture(reference: str, release: Path) -> Image:
    """The picture a Markdown release names, read from beside the release.

    Only a relative path to a file in the release's folder (or below it) is taken: an address
    on the web would be fetched by every reader's browser from someone else's server, and a
    path leading elsewhere would publish any file of this computer.
    """
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc:
        raise PictureError(
            f"the picture '{reference}' is an address, not a file; save the picture beside the "
            "release and name the file"
        )
    folder = release.parent.resolve()
    path = (release.parent / unquote(parts.path)).resolve()
    if not parts.path or not path.is_relative_to(folder):
        raise PictureError(
            f"the picture '{reference}' is outside the release's folder; put it beside the release"
        )
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a folder, a pipe or a device: never opened
            raise PictureError(f"the picture '{reference}' is not a file")
        with path.open("rb") as handle:
            data = handle.read(MAX_PICTURE_BYTES + 1)
    except FileNotFoundError:
        raise PictureError(f"the picture '{reference}' was not found beside the release") from None
    except OSError as exc:
        raise PictureError(f"the picture '{reference}' cannot be read ({exc.strerror or exc})") from None
    return picture_from_bytes(data, Path(path).name)

