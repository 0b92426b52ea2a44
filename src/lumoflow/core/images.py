"""Images with Pillow: checked, turned upright, stripped of their metadata, made into thumbnails
and square photos. Pure: bytes in, bytes out (the actions store them).

An image is refused with a sentence for people when Pillow cannot read it, when it is larger
than `limits.IMAGE_PIXELS` (checked from its header, before a pixel is decoded: a "decompression
bomb" of a few kilobytes that would unpack to gigabytes is refused unread), or when decoding
fails half-way (a truncated file).

Every image kept is written anew from its pixels, so no metadata survives: EXIF (with its GPS
position, camera serial number, time), XMP and IPTC blocks and comments are all dropped, after
the EXIF orientation has been applied to the pixels (a phone's portrait photo stays upright).
The one exception is an animated GIF, kept as sent so that it still moves: the GIF format has
no EXIF, so it carries no position the way a phone's JPEG does.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from lumoflow.core import limits

#: The thumbnail shown in a post fits in this box (CSS pixels × 2 for sharp screens).
THUMB_BOX = 640
#: A person's photo is kept at these widths (square): list avatars, the person page.
PHOTO_SIZES = (64, 256)

_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


class BadImage(ValueError):
    """The file cannot be taken as an image; the message says why, for people."""


@dataclass(frozen=True)
class Prepared:
    """An image ready to keep: the full image (upright, no metadata) and its thumbnail."""

    data: bytes
    width: int
    height: int
    thumb: bytes  # WebP
    thumb_width: int
    thumb_height: int


def _open(data: bytes) -> Image.Image:
    """The image, decoded; BadImage when it is not one, too large, or broken."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > limits.IMAGE_PIXELS:
                raise BadImage(
                    f"the image is {width} × {height} pixels; the limit is "
                    f"{limits.IMAGE_PIXELS // 1_000_000} million pixels."
                )
            image.load()
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage(
            f"the image is too large; the limit is {limits.IMAGE_PIXELS // 1_000_000} "
            "million pixels."
        ) from None
    except (OSError, SyntaxError, ValueError):  # UnidentifiedImageError is an OSError
        raise BadImage(
            "this file could not be read as an image (damaged or not an image)."
        ) from None
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    elif fmt == "GIF":
        image.save(out, "GIF")
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _thumb(image: Image.Image, box: int) -> tuple[bytes, int, int]:
    small = image.copy()
    if small.mode not in ("RGB", "RGBA"):
        small = small.convert(
            "RGBA" if "transparency" in small.info or "A" in small.mode else "RGB"
        )
    small.thumbnail((box, box), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "WEBP", quality=80)
    return out.getvalue(), small.width, small.height


def prepare(data: bytes, mime: str) -> Prepared:
    """Check an attached image and make what is kept of it: the full image upright and without
    metadata (an animated GIF as sent), and a thumbnail within `THUMB_BOX`. BadImage otherwise.

    >>> from PIL import Image; import io
    >>> raw = io.BytesIO(); Image.new("RGB", (2000, 1000), "red").save(raw, "PNG")
    >>> p = prepare(raw.getvalue(), "image/png"); (p.width, p.height, p.thumb_width, p.thumb_height)
    (2000, 1000, 640, 320)
    """
    image = _open(data)
    animated = getattr(image, "is_animated", False)
    if animated:
        full, upright = data, image
    else:
        upright = ImageOps.exif_transpose(image)
        clean = upright.copy()  # the pixels; of the metadata only a palette's transparency
        clean.info = {}
        if "transparency" in upright.info:
            clean.info["transparency"] = upright.info["transparency"]
        full, upright = _encode(clean, _FORMATS.get(mime, "PNG")), clean
    thumb, tw, th = _thumb(upright, THUMB_BOX)
    return Prepared(full, upright.width, upright.height, thumb, tw, th)


def square_photo(data: bytes) -> dict[int, bytes]:
    """A person's photo: upright, cropped to the centre square, as WebP at each of `PHOTO_SIZES`
    (no metadata). BadImage when it is not an image or too large."""
    image = ImageOps.exif_transpose(_open(data))
    image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    side = min(image.size)
    out = {}
    for size in PHOTO_SIZES:
        square = ImageOps.fit(image, (min(size, side), min(size, side)), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        square.save(buf, "WEBP", quality=85)
        out[size] = buf.getvalue()
    return out
