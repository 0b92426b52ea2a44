"""A person's photo: set (checked, cropped square, made at each size) or removed."""

from __future__ import annotations

import os
import secrets

import filetype
from django.core.files.base import ContentFile
from django.db import transaction

from lumoflow.activity.actions import record
from lumoflow.activity.models import Verb
from lumoflow.core import images, limits
from lumoflow.core.errors import Invalid, PermissionDenied

from .. import queries
from ..models import User

#: What a photo may be, by the type its content says, with the extensions that fit it.
PHOTO_TYPES = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/gif": (".gif",),
}


def _person(actor: User, username: str) -> User:
    person = queries.get_person_for(actor, username)
    if person.pk != actor.pk and not actor.is_staff:
        raise PermissionDenied("You can only change your own photo.")
    return person


def _refused(message: str) -> Invalid:
    return Invalid(message, errors={"photo": [message]})


def _check(name: str, data: bytes) -> dict[int, bytes]:
    """The photo at each size, or Invalid saying why not (one sentence, field `photo`)."""
    if len(data) > (limit := limits.file_bytes()):
        raise _refused(f"The photo is {len(data)} bytes; the limit is {limit} bytes.")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind is not None else ""
    if mime not in PHOTO_TYPES:
        raise _refused("Choose a photo: a JPEG, PNG, WebP or GIF image.")
    ext = os.path.splitext(name)[1].lower()
    if ext and ext not in PHOTO_TYPES[mime]:
        raise _refused(
            f"The name says '{ext}' but the content is {mime}: rename it or pick another."
        )
    try:
        return images.square_photo(data)
    except images.BadImage as exc:
        raise _refused(f"The photo cannot be used: {exc}") from None


def forget_photo(person: User) -> None:
    """Clear a person's photo (the fields; the caller saves) and delete its files once the
    change is committed (a rollback keeps them)."""
    names = [(f.storage, str(f.name)) for f in (person.photo, person.photo_small) if f]

    def delete() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete)
    person.photo = person.photo_small = ""


def set_photo(actor: User, username: str, *, name: str, data: bytes) -> User:
    """Give a person a photo (their own; staff anyone's): cropped to the centre square, kept at
    `core.images.PHOTO_SIZES`, without metadata. Invalid for what is not a usable image."""
    person = _person(actor, username)
    sizes = _check(name, data)
    stem = f"{person.pk}-{secrets.token_hex(6)}"  # new name, new address: no stale caches
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        forget_photo(person)
        person.photo.save(f"{stem}-256.webp", ContentFile(sizes[256]), save=False)
        person.photo_small.save(f"{stem}-64.webp", ContentFile(sizes[64]), save=False)
        person.save(update_fields=["photo", "photo_small"])
        record(actor, Verb.PROFILE, obj=person, data={"fields": ["photo"]})
    return person


def remove_photo(actor: User, username: str) -> User:
    """Take a person's photo away: their initials show again."""
    person = _person(actor, username)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        forget_photo(person)
        person.save(update_fields=["photo", "photo_small"])
        record(actor, Verb.PROFILE, obj=person, data={"fields": ["photo"]})
    return person
