"""Candidates' photos: only real images, re-encoded without metadata, resized, randomly named."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from PIL import Image

from hustings.candidates.actions import do_declare_candidacy, do_update_candidacy
from hustings.candidates.photos import process_photo
from hustings.elections.models import Phase
from tests.factories import make_contest, make_election, make_member


def image_bytes(fmt: str, size: tuple[int, int] = (1200, 900), **save: object) -> io.BytesIO:
    image = Image.new("RGB" if fmt != "PNG" else "RGBA", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    out.seek(0)
    return out


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Ltd"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS IFD
    return exif.tobytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_stored_as_jpeg(fmt):
    stored = Image.open(io.BytesIO(process_photo(image_bytes(fmt)).read()))

    assert stored.format == "JPEG"
    assert max(stored.size) == 800
    assert stored.size == (800, 600)


def test_metadata_is_stripped():
    source = image_bytes("JPEG", exif=gps_exif())
    assert Image.open(source).getexif()  # the source really carries EXIF
    source.seek(0)

    stored = Image.open(io.BytesIO(process_photo(source).read()))

    assert not stored.getexif()
    assert "icc_profile" not in stored.info
    assert "exif" not in stored.info


def test_a_small_photo_is_not_enlarged():
    stored = Image.open(io.BytesIO(process_photo(image_bytes("PNG", (120, 160))).read()))

    assert stored.size == (120, 160)


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"MZ\x90\x00 this is a Windows executable",
        b"%PDF-1.7 a document",
    ],
    ids=["svg", "gif", "exe", "pdf"],
)
def test_anything_but_jpeg_png_or_webp_is_refused(data):
    with pytest.raises(ValidationError) as raised:
        process_photo(io.BytesIO(data))

    assert raised.value.message_dict == {"photo": ["The photo must be a JPEG, PNG or WebP image."]}


def test_a_truncated_image_is_refused():
    data = image_bytes("JPEG").getvalue()[:400]

    with pytest.raises(ValidationError, match="damaged or incomplete"):
        process_photo(io.BytesIO(data))


@override_settings(HUSTINGS_PHOTO_MAX_BYTES=1000)
def test_a_photo_over_the_size_limit_is_refused():
    with pytest.raises(ValidationError, match="larger than"):
        process_photo(image_bytes("PNG", (600, 600)))


@pytest.mark.django_db
def test_a_declared_photo_is_stored_under_a_random_name_and_replaced_cleanly(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    contest = make_contest(make_election(Phase.DECLARATIONS))
    member = make_member(with_user=True)

    candidacy = do_declare_candidacy(
        member.user, member, contest, statement="Hello.", photo=image_bytes("PNG")
    )
    first = candidacy.photo.name
    assert first.startswith("photos/")
    assert first.endswith(".jpg")
    assert member.name.lower().split()[0] not in first.lower()

    do_update_candidacy(member.user, candidacy, photo=image_bytes("WEBP"))

    second = candidacy.photo.name
    assert second != first
    assert (tmp_path / second).exists()
