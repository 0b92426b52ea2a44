"""People's faces: a photo uploaded on the profile (cropped square, kept small and large,
without metadata) or initials on a colour of their own, shown wherever the person is listed."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lumoflow.activity.models import ActivityEvent
from lumoflow.conversation import actions as conv
from lumoflow.core.errors import PermissionDenied
from lumoflow.people import actions
from lumoflow.people.faces import colour, face_html, initials
from lumoflow.people.models import User
from tests.pages import card

pytestmark = pytest.mark.django_db


def photo(width: int = 600, height: int = 400, fmt: str = "JPEG") -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (59.0, 54.0, 30.0)}
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, fmt, exif=exif)
    return out.getvalue()


def upload(client: Any, name: str, data: bytes, **extra: Any) -> Any:
    return client.post(
        "/profile/photo", {"photo": SimpleUploadedFile(name, data)}, follow=True, **extra
    )


def test_upload_on_the_profile_crops_square_and_shows_everywhere(
    org: Any, browser_client: Any
) -> None:
    # given
    c = browser_client(org.mia)
    post = conv.create_post(org.mia, org.launch.pk, kind="update", body="Hello")
    conv.follow(org.fred, username="mia")
    fred = browser_client(org.fred)
    assert "avatar face-" in card(fred.get("/").content.decode(), post.pk)  # cached card
    # when
    r = upload(c, "me.jpg", photo())
    # then
    assert "Photo saved." in r.content.decode()
    mia = User.objects.get(pk=org.mia.pk)
    small, large = Image.open(mia.photo_small.open("rb")), Image.open(mia.photo.open("rb"))
    assert small.size == (64, 64) and large.size == (256, 256) and large.format == "WEBP"
    assert not large.getexif().get_ifd(0x8825)
    assert ActivityEvent.objects.filter(verb="profile", data__fields=["photo"]).exists()
    src = f'src="/people/mia/photo/64?v={mia.photo_small.name.rsplit("/", 1)[-1]}"'
    for page in ("/", f"/workspaces/{org.launch.pk}", "/people"):
        assert src in fred.get(page).content.decode(), page
    assert src in card(fred.get(f"/posts/{post.pk}").content.decode(), post.pk)
    assert "/people/mia/photo/256?v=" in fred.get("/people/mia").content.decode()
    got = fred.get("/people/mia/photo/64")
    assert got.status_code == 200 and got["Content-Type"] == "image/webp"
    assert fred.get("/people/mia/photo/100").status_code == 404
    assert fred.get("/people/fred/photo/64").status_code == 404  # no photo: initials instead


def test_without_a_photo_initials_on_a_colour_of_their_own(org: Any, browser_client: Any) -> None:
    assert initials("Jonas Ali") == "JA" and initials("Mia") == "M"
    assert colour("Jonas Ali") == colour("Jonas Ali")
    assert len({colour(f"Person {i}") for i in range(200)}) == 10
    html = face_html(org.fred)
    assert html == f'<span class="avatar face-{colour("Fred")}" aria-hidden="true">F</span>'
    page = browser_client(org.mia).get("/people").content.decode()
    assert html in page


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("me.jpg", b"not an image at all", "Choose a photo: a JPEG, PNG, WebP or GIF image."),
        (
            "me.png",
            photo(fmt="JPEG"),
            "The name says &#x27;.png&#x27; but the content is image/jpeg",
        ),
        ("me.png", photo(9000, 6000, "PNG"), "the limit is 40 million pixels"),
        ("me.png", photo(40, 40, "PNG")[:70], "could not be read as an image"),
    ],
)
def test_a_bad_photo_is_refused_and_nothing_changes(
    org: Any, browser_client: Any, name: str, data: bytes, says: str
) -> None:
    c = browser_client(org.mia)
    r = upload(c, name, data)
    assert says in r.content.decode()
    assert not User.objects.get(pk=org.mia.pk).photo
    assert not ActivityEvent.objects.filter(verb="profile").exists()


def test_remove_photo_and_only_ones_own(org: Any, browser_client: Any) -> None:
    actions.set_photo(org.mia, "mia", name="me.jpg", data=photo())
    with pytest.raises(PermissionDenied):
        actions.set_photo(org.fred, "mia", name="x.jpg", data=photo())
    c = browser_client(org.mia)
    r = c.post("/profile/photo", {"remove": "1"}, follow=True)
    assert "Photo removed" in r.content.decode()
    assert not User.objects.get(pk=org.mia.pk).photo_small
