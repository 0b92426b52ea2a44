"""Images attached to posts: made upright, stripped of their location, given a thumbnail shown
in the card and opening the full image; bad images refused with a clear message, nothing saved."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lumoflow.conversation import actions
from lumoflow.conversation.models import Attachment, Post
from lumoflow.core import images
from lumoflow.core.errors import Invalid
from tests.pages import card

pytestmark = pytest.mark.django_db

GPS, ORIENTATION = 0x8825, 0x0112


def jpeg_from_a_phone(width: int = 1200, height: int = 800) -> bytes:
    """A JPEG as phones write them: pixels stored sideways with an orientation tag, a position."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # turn 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    exif[GPS] = {1: "N", 2: (59.0, 54.0, 30.0), 3: "E", 4: (10.0, 45.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


def test_a_phone_photo_is_kept_upright_without_its_location(org: Any) -> None:
    # given
    raw = jpeg_from_a_phone()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS)
    # when
    post = actions.create_post(
        org.mia,
        org.launch.pk,
        kind="update",
        body="The stand",
        files=[SimpleUploadedFile("stand.jpg", raw)],
    )
    # then
    att = post.attachments.get()
    full = Image.open(att.file.open("rb"))
    assert full.size == (800, 1200) and (att.width, att.height) == (800, 1200)
    exif = full.getexif()
    assert not exif.get_ifd(GPS) and ORIENTATION not in exif and 0x010F not in exif
    assert att.size == len(raw) and att.content_type == "image/jpeg"  # counted as sent
    thumb = Image.open(att.thumbnail.open("rb"))
    assert thumb.format == "WEBP" and max(thumb.size) == images.THUMB_BOX
    assert thumb.size == (427, 640)


def test_card_shows_images_as_thumbnails_and_other_files_as_links(
    org: Any, browser_client: Any
) -> None:
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    post = actions.create_post(
        org.mia,
        org.launch.pk,
        kind="update",
        body="Two files",
        files=[
            SimpleUploadedFile("chart.png", png(900, 300)),
            SimpleUploadedFile("plan.pdf", pdf),
        ],
    )
    chart, plan = post.attachments.order_by("id")
    c = browser_client(org.fred)
    html = card(c.get(f"/posts/{post.pk}").content.decode(), post.pk)
    assert f'<a class="post-image" href="/attachments/{chart.pk}"' in html
    assert (
        f'<img src="/attachments/{chart.pk}/thumb" alt="chart.png" width="640" height="213"' in html
    )
    assert f'href="/attachments/{plan.pk}" download>📎 plan.pdf</a>' in html and "PDF · " in html
    r = c.get(f"/attachments/{chart.pk}/thumb")
    assert r.status_code == 200 and r["Content-Type"] == "image/webp"
    assert r["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert c.get(f"/attachments/{plan.pk}/thumb").status_code == 404
    assert browser_client(org.otto).get(f"/attachments/{chart.pk}/thumb").status_code == 200
    secret = actions.create_post(
        org.mia,
        org.finance.pk,
        kind="update",
        body="x",
        files=[SimpleUploadedFile("a.png", png(9, 9))],
    )
    thumb = f"/attachments/{secret.attachments.get().pk}/thumb"
    assert browser_client(org.otto).get(thumb).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("broken.png", png(50, 50)[:60], "could not be read as an image"),
        ("huge.png", png(8000, 6000, "1"), "the limit is 40 million pixels"),
        ("bomb.png", png(12000, 12000, "1"), "the limit is 40 million pixels"),
        ("chart.jpg", png(10, 10), "the name says '.jpg' but the content is image/png"),
        ("notes.txt", b"just text, not an image", "this type of file is not accepted"),
    ],
)
def test_bad_images_are_refused_and_nothing_is_saved(
    org: Any, browser_client: Any, name: str, data: bytes, says: str
) -> None:
    # given: a good image beside the bad one
    files = [SimpleUploadedFile("good.png", png(20, 20)), SimpleUploadedFile(name, data)]
    # when
    with pytest.raises(Invalid) as err:
        actions.create_post(org.mia, org.launch.pk, kind="update", body="x", files=files)
    # then
    assert any(says in m and f"'{name}'" in m for m in err.value.errors["files"])
    assert not Post.objects.exists() and not Attachment.objects.exists()
    # and the page says it in the same words
    c = browser_client(org.mia)
    again = [SimpleUploadedFile(name, data)]
    r = c.post(
        f"/workspaces/{org.launch.pk}/posts",
        {"kind": "update", "body": "x", "files": again},
        follow=True,
    )
    assert says.replace("'", "&#x27;") in r.content.decode()


def test_bomb_is_refused_before_its_pixels_are_decoded() -> None:
    data = png(12000, 12000, "1")  # 144 million pixels in a few kilobytes
    assert len(data) < 100_000
    with pytest.raises(images.BadImage, match="40 million pixels"):
        images.prepare(data, "image/png")


def test_the_api_gives_an_images_thumbnail_and_size(org: Any, api: Any) -> None:
    post = actions.create_post(
        org.mia,
        org.launch.pk,
        kind="update",
        body="Chart",
        files=[SimpleUploadedFile("chart.png", png(900, 300))],
    )
    got = api(org.fred).get(f"/posts/{post.pk}").json()["attachments"][0]
    att = post.attachments.get()
    assert got["thumbnail_url"] == f"/attachments/{att.pk}/thumb"
    assert (got["width"], got["height"]) == (900, 300)
