"""Candidates' photos: accept only real JPEG, PNG or WebP images, strip metadata, resize.

The uploaded bytes are never stored. Pillow decodes them, and what is stored is a fresh JPEG
encoded from the pixels alone: no EXIF (location, camera serial), no ICC or XMP, no trailing data,
nothing that was not a pixel. SVG and every other format are refused before decoding.
"""

from __future__ import annotations

import io
import warnings
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Above this many pixels we refuse rather than decode: a decompression bomb is tiny on disk.
MAX_SOURCE_PIXELS = 40_000_000


def _refuse(message: str) -> ValidationError:
    return ValidationError({"photo": message}, code="photo")


def process_photo(upload: IO[bytes]) -> ContentFile[bytes]:
    """Return the photo re-encoded as a metadata-free JPEG no larger than the configured size."""
    limit: int = settings.HUSTINGS_PHOTO_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(f"The photo is larger than {limit // (1024 * 1024)} MB.")
    if not data:
        raise _refuse("The photo file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS)) as probe:
                if probe.width * probe.height > MAX_SOURCE_PIXELS:
                    raise _refuse("The photo has too many pixels; please send a smaller one.")
                probe.verify()
            decoded = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
            decoded.seek(0)  # the first frame of an animation
            decoded.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("The photo must be a JPEG, PNG or WebP image.") from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse("The photo file is damaged or incomplete.") from None
    # Turn the picture upright by its EXIF orientation before the EXIF is thrown away.
    image: Image.Image = ImageOps.exif_transpose(decoded)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    side: int = settings.HUSTINGS_PHOTO_MAX_PIXELS
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
