"""One e-mail message to the log's rows: what the mbox, pipermail and maildir readers share.

A message becomes one ``post`` (a ``reply`` when ``In-Reply-To`` or ``References`` is set, with
that id as ``parent_id`` even when the parent is not in the archive) plus one ``message`` row per
To/Cc recipient (DESIGN.md, "The canonical interaction log"). The list's own address is not a
person. Pure: no Django, no file I/O (the readers hand over bytes).

Quirks of real archives, each handled where noted:

- pipermail hides addresses as ``user at host`` (``_address``);
- LISTSERV archives converted to mbox write lower-case header names and ``from: "Name"
  addr@host`` without angle brackets (``_address``: the last word holding ``@`` is the address);
- senders write one address in several cases and under several display names (``_address``
  lower-cases it; the people table keeps the first name seen);
- ``Date`` missing (list archivers' copies): the oldest ``Received`` date (the first hop), else
  the mbox ``From `` line's date (``_timestamp``);
- ``Message-ID`` missing: an id made from the message's bytes, so copies still de-duplicate;
- encoded words and bodies in a charset Python does not know, or bytes that break the declared
  charset, or 8-bit headers with no charset: read as UTF-8 if they are, else as windows-1252, and
  counted in the log's notes (``_decode``);
- broken MIME (a bad boundary, bad base64): the text that can be read is kept, the defect counted;
- HTML-only messages: the text is the HTML with its tags removed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumoflow.analytics.log import UTC, InteractionLog

from .common import ExportError, Problems, Progress, TableBuilder, finish, micros, tick

_PARSER = BytesParser(policy=compat32)
_AT = re.compile(r"^\s*([^\s@<>\"]+) at ([^\s@<>\"]+\.[^\s@<>\"]+)")
_ID = re.compile(r"<[^<>\s]+>")
_AT_ANY = re.compile(r"([^\s@<>\"(),]+) at ([^\s@<>\"(),]+\.[^\s@<>\"(),]+)")
_ANGLE = re.compile(r"<([^<>\s@:]+@[^<>\s@]+)>")
_CTYPE = re.compile(r"\s*([\w.+-]+)/([\w.+-]+)")
_CHARSET = re.compile(r"charset\s*=\s*\"?([^\";\s]+)", re.IGNORECASE)
_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes the parser could not decode
_QUOTED = re.compile(r'"[^"]*"|\([^()]*\)')
_BARE = re.compile(r"[^\s<>,;:\"()\[\]]+@[^\s<>,;:\"()\[\]]+")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t]*\n(\s*\n)+")
#: The mbox ``From `` line's date, e.g. ``From jjl at pobox.com  Thu Nov  1 11:19:12 2001``.
FROM_LINE_DATE = re.compile(
    rb"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(\w{3}) +(\d+) +(\d+:\d+(:\d+)?) +(\d{4})\s*$"
)


class Unusable(ValueError):
    """A message that cannot become an event (no sender, no date); skipped and listed."""


@dataclass
class Notes:
    """What the readers met and worked around, for ``log.json``'s notes."""

    fallback_charset: int = 0
    mime_defects: int = 0
    duplicates: int = 0

    def lines(self) -> list[str]:
        out = []
        if self.duplicates:
            out.append(f"{self.duplicates} duplicate messages (same Message-ID) dropped")
        if self.fallback_charset:
            out.append(
                f"{self.fallback_charset} headers or bodies in an unknown or wrong charset "
                "read as UTF-8 or windows-1252"
            )
        if self.mime_defects:
            out.append(f"{self.mime_defects} messages with broken MIME: readable text kept")
        return out


@dataclass(frozen=True, slots=True)
class Mail:
    """The parts of one message the log needs."""

    message_id: str
    ts: dt.datetime
    sender: str
    sender_name: str
    recipients: tuple[str, ...]
    parent_id: str
    root_hint: str
    workspace: str
    title: str
    subject: str
    text: str


# --------------------------------------------------------------------------- decoding
def _decode(data: bytes, charset: str | None, notes: Notes) -> str:
    """``data`` in its declared charset; else UTF-8, else windows-1252 (counted in ``notes``)."""
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        notes.fallback_charset += 1
        return text
    if charset and charset.lower() not in ("utf-8", "utf8"):
        notes.fallback_charset += 1
    return text


def header_text(value: object, notes: Notes) -> str:
    """A header's text with encoded words decoded, on one line."""
    if value is None:
        return ""
    if isinstance(value, Header):  # 8-bit bytes the parser could not place: "unknown-8bit"
        text = "".join(
            _decode(p, cs, notes) if isinstance(p, bytes) else p for p, cs in decode_header(value)
        )
    else:
        text = str(value)
        if "=?" in text:
            try:
                pieces = decode_header(text)
            except (ValueError, IndexError):
                pieces = [(text, None)]
            text = "".join(_decode(p, cs, notes) if isinstance(p, bytes) else p for p, cs in pieces)
        if _SURROGATE.search(text):
            text = _decode(text.encode("utf-8", "surrogateescape"), None, notes)
    return " ".join(text.split())


def _address(value: str) -> tuple[str, str]:
    """``(address, display name)`` of one mailbox; the address lower-cased, "" when none.

    >>> _address("jjl at pobox.com (John J. Lee)")
    ('jjl@pobox.com', 'John J. Lee')
    >>> _address('"Tomas T"   Tomas.T@ERICSSON.COM')
    ('tomas.t@ericsson.com', 'Tomas T')
    """
    at = _AT.match(value)
    if at:  # pipermail: "user at host (Name)"
        value = f"{at.group(1)}@{at.group(2)}{value[at.end() :]}"
    angle = _ANGLE.findall(value)
    if len(angle) == 1 and value.rstrip().endswith(">"):  # 'Name <addr>': no full parse needed
        return angle[0].lower(), value[: value.index("<")].strip(" \t\"'")
    name, addr = email.utils.parseaddr(value)
    if "@" not in addr or any(c.isspace() or c == '"' for c in addr):
        # LISTSERV: 'from: "Name"   addr@host', no angle brackets: the last word with "@"
        words = [w.strip("<>[](),;\"'") for w in value.split() if "@" in w]
        if not words:
            return "", name
        addr = words[-1].removeprefix("mailto:")
        name = value[: value.rfind(words[-1])].strip(" \"'<[(")
    return addr.strip().lower(), name.strip().strip("\"'")


def _addresses(values: Iterable[str]) -> list[str]:
    """Every address in address-list headers, lower-cased: ``<a@x>`` forms, then bare ones
    outside quoted names and comments (regular expressions: ``getaddresses`` costs more than
    parsing the whole message).

    >>> _addresses(['"Ann, A." <Ann@X.org>, bob@x.org (Bob)', "<mailto:list@x.org>"])
    ['ann@x.org', 'bob@x.org', 'list@x.org']
    """
    out = []
    for value in values:
        if " at " in value:
            value = _AT_ANY.sub(r"\1@\2", value)
        out += _ANGLE.findall(value)
        out += _BARE.findall(_QUOTED.sub(" ", _ANGLE.sub(" ", value)))
    return [a.lower() for a in out]


def _ids(value: str) -> list[str]:
    return _ID.findall(value) or ([value.strip()] if value.strip() else [])


def _aware(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _parse_date(value: str) -> dt.datetime | None:
    try:
        return _aware(email.utils.parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class Headers:
    """A message's headers by lower-cased name, read once (``Message.get`` scans them all)."""

    def __init__(self, msg: Message, notes: Notes) -> None:
        self.notes = notes
        self.all: dict[str, list[object]] = {}
        for key, value in msg.items():
            self.all.setdefault(key.lower(), []).append(value)

    def text(self, name: str) -> str:
        """The first header ``name``'s text, "" when absent."""
        values = self.all.get(name)
        return header_text(values[0], self.notes) if values else ""

    def texts(self, *names: str) -> list[str]:
        """The text of every header called one of ``names``."""
        return [header_text(v, self.notes) for n in names for v in self.all.get(n, ())]


def _timestamp(heads: Headers, from_line: bytes) -> dt.datetime | None:
    when = _parse_date(heads.text("date"))
    if when is None:  # the archiver's copy without Date: the first hop, the last Received
        for received in reversed(heads.all.get("received", [])):
            when = _parse_date(str(received).rsplit(";", 1)[-1])
            if when is not None:
                break
    if when is None:
        m = FROM_LINE_DATE.search(from_line)
        if m:
            when = _parse_date(m.group(0).decode("ascii", "replace"))
    return when


def _body(msg: Message, heads: Headers, notes: Notes) -> str:
    """The first text part (plain text preferred over HTML), decoded."""
    if not msg.is_multipart():  # most list mail: the type read from the indexed header
        ctype = heads.text("content-type")
        m = _CTYPE.match(ctype)
        main, sub = (m.group(1).lower(), m.group(2).lower()) if m else ("text", "plain")
        charset = _CHARSET.search(ctype)
        if main != "text":
            return ""
        return _text(msg, charset.group(1) if charset else None, sub == "html", notes)
    plain: Message | None = None
    html_part: Message | None = None
    for part in msg.walk():
        if part.get_content_maintype() != "text" or part.get_filename():
            continue
        if part.get_content_subtype() == "html":
            html_part = html_part or part
        elif plain is None:
            plain = part
    chosen = plain or html_part
    if chosen is None:
        return ""
    return _text(chosen, chosen.get_content_charset(), chosen is html_part, notes)


def _text(part: Message, charset: str | None, is_html: bool, notes: Notes) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = _decode(payload, charset, notes)
    if is_html:
        text = html.unescape(_TAG.sub(" ", text))
    return _SPACE.sub("\n\n", text).strip()


def _list_addresses(heads: Headers, workspace: str) -> frozenset[str]:
    """The list's own addresses: ``List-Post``, Mailman's ``X-BeenThere``, a LISTSERV ``Sender``."""
    found = set(_addresses(heads.texts("list-post", "x-beenthere")))
    for sender in _addresses(heads.texts("sender")):
        # LISTSERV puts the list itself in Sender; a person's Sender is kept as a person
        if sender.split("@")[0] == workspace.lower() or "list" in sender.split("@")[-1]:
            found.add(sender)
    return frozenset(found)


def _title(heads: Headers, workspace: str) -> str:
    """The workspace's name: the ``List-Id`` phrase, else the last part of ``X-Folder``."""
    phrase = heads.text("list-id").split("<")[0].strip(' "')
    folder = heads.text("x-folder").replace("\\", "/").rstrip("/")
    return phrase or folder.rsplit("/", 1)[-1].strip("'\" ") or workspace


def parse_mail(raw: bytes, *, from_line: bytes, workspace: str, notes: Notes) -> Mail:
    """Parse one message's bytes; raise ``Unusable`` when it has no sender or no date."""
    msg = _PARSER.parsebytes(raw)
    if msg.defects or any(p.defects for p in msg.walk() if p is not msg):
        notes.mime_defects += 1
    heads = Headers(msg, notes)
    sender, name = _address(heads.text("from"))
    if not sender:
        at = _AT.match(from_line[5:].decode("latin-1"))  # pipermail's From line
        if not at:
            raise Unusable("no sender address (From)")
        sender = f"{at.group(1)}@{at.group(2)}".lower()
    when = _timestamp(heads, from_line)
    if when is None:
        raise Unusable("no date (Date, Received or the From line)")
    ids = _ids(heads.text("message-id"))
    message_id = ids[0] if ids else f"<{hashlib.sha1(raw).hexdigest()}@no-message-id>"
    refs = _ids(heads.text("references"))
    in_reply_to = _ids(heads.text("in-reply-to"))
    parent = in_reply_to[0] if in_reply_to else (refs[-1] if refs else "")
    list_id = _ids(heads.text("list-id"))
    list_name = list_id[0].strip("<>") if list_id else ""
    space = list_name or workspace
    lists = _list_addresses(heads, space)
    recipients = _addresses(heads.texts("to", "cc"))
    return Mail(
        message_id=message_id,
        ts=when,
        sender=sender,
        sender_name=name,
        recipients=tuple(dict.fromkeys(r for r in recipients if r != sender and r not in lists)),
        parent_id=parent if parent != message_id else "",
        root_hint=refs[0] if refs and refs[0] != message_id else parent,
        workspace=space,
        title=_title(heads, space),
        subject=heads.text("subject"),
        text=_body(msg, heads, notes),
    )


# --------------------------------------------------------------------------- building the log
class LogBuilder:
    """Gather mails into Arrow batches (memory stays flat in Python objects) and make the log.

    Duplicates (same Message-ID, e.g. one list taken from several archives) are dropped; senders
    are merged by lower-cased address (the first display name seen is kept); thread roots are
    resolved at the end, vectorised.
    """

    def __init__(self, *, source: str, progress: Progress | None = None) -> None:
        self.source = source
        self.progress = progress
        self.notes = Notes()
        self.problems = Problems()
        self.read = 0
        self._seen: set[str] = set()
        self._names: dict[str, str] = {}
        self._spaces: dict[str, tuple[str, dt.datetime]] = {}
        self._events = TableBuilder("events")
        self._hint = TableBuilder("workspaces")  # one text column: each row's first Reference

    def parse(
        self, raw: bytes, *, from_line: bytes, workspace: str, file: str, line: int | None
    ) -> None:
        """Parse one message and add it, or list it as skipped when it is unusable."""
        self.read += 1
        tick(self.progress, messages=1)
        try:
            mail = parse_mail(raw, from_line=from_line, workspace=workspace, notes=self.notes)
        except Unusable as exc:
            self.problems.skip(file, line, str(exc))
            return
        self.add(mail)

    def add(self, mail: Mail) -> None:
        """Add one parsed message (a second copy of a Message-ID is dropped and counted)."""
        if mail.message_id in self._seen:
            self.notes.duplicates += 1
            return
        self._seen.add(mail.message_id)
        if not self._names.get(mail.sender):
            self._names[mail.sender] = mail.sender_name
        for person in mail.recipients:
            self._names.setdefault(person, "")
        old = self._spaces.get(mail.workspace)
        if old is None or mail.ts < old[1]:
            self._spaces[mail.workspace] = (mail.title, mail.ts)
        ts = micros(mail.ts.timestamp())
        common = dict(ts=ts, actor=mail.sender, workspace=mail.workspace, object_id=mail.message_id)
        text = f"{mail.subject}\n\n{mail.text}".strip()
        verb = "reply" if mail.parent_id else "post"
        self._events.add(
            event_id=mail.message_id, verb=verb, parent_id=mail.parent_id, text=text, **common
        )
        self._hint.add(workspace=mail.root_hint)
        for person in mail.recipients:
            self._events.add(
                event_id=f"{mail.message_id} to {person}",
                verb="message",
                target_actor=person,
                **common,
            )
            self._hint.add(workspace=mail.root_hint)

    def build(self, label: str) -> InteractionLog:
        """The checked log; ``ExportError`` naming ``label`` when no message could be used."""
        events = self._events.table()
        if events.num_rows == 0:
            why = f" ({self.problems.items[0]})" if self.problems.items else ""
            raise ExportError(f"no usable message in {self.read} read{why}", file=label)
        hints = self._hint.table()["workspace"]
        events = events.set_column(
            events.schema.get_field_index("thread_id"), "thread_id", thread_roots(events, hints)
        )
        people = TableBuilder("people")
        for actor, name in self._names.items():
            people.add(actor=actor, name=name)
        spaces = TableBuilder("workspaces")
        for space, (name, first) in sorted(self._spaces.items()):
            # a list states no purpose: the workspace's purpose stays empty
            spaces.add(workspace=space, name=name, created_at=micros(first.timestamp()))
        notes = [f"{self.read} messages read", *self.notes.lines()]
        return finish(
            self.source,
            events,
            people.table(),
            spaces.table(),
            self.problems,
            label=label,
            notes=notes,
        )


def thread_roots(events: pa.Table, root_hint: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each event's ``thread_id``: the id of the first message of its conversation.

    ``root_hint`` is each row's first ``References`` id. The chain of parents is followed inside
    the archive by pointer jumping (numpy, no loop per event). A chain that leaves the archive
    ends at the first ``References`` id of its last message there (the conversation's first
    message, by RFC 5322) or, without ``References``, at the missing parent's id. A cycle of
    ``In-Reply-To`` (seen in broken archives) is cut where the jumping stops.

    >>> t = pa.table({"object_id": ["<a>", "<b>", "<c>", "<d>", "<c>"],
    ...               "verb": ["post", "reply", "reply", "reply", "message"],
    ...               "parent_id": ["", "<a>", "<b>", "<x>", ""]})
    >>> thread_roots(t, pa.chunked_array([["", "<a>", "<a>", "<w>", "<a>"]])).to_pylist()
    ['<a>', '<a>', '<a>', '<w>', '<a>']
    """
    if events.num_rows == 0:
        return pa.chunked_array([], pa.string())
    authored = pc.not_equal(events["verb"], "message")
    obj = events["object_id"].filter(authored).combine_chunks()
    par = events["parent_id"].filter(authored).combine_chunks()
    hint = root_hint.filter(authored).combine_chunks()
    n = len(obj)
    pos = pc.index_in(par, value_set=obj)
    known = pc.is_valid(pos).to_numpy(zero_copy_only=False)
    ptr = np.arange(n)
    ptr[known] = pos.to_numpy(zero_copy_only=False)[known]
    for _ in range(64):  # the depth halves each round: 64 rounds cover any archive
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            break
        ptr = nxt
    root_par = pc.take(par, ptr)
    root_hint_ = pc.take(hint, ptr)
    outside = pc.not_equal(root_par, "")
    thread = pc.if_else(
        outside,
        pc.if_else(pc.not_equal(root_hint_, ""), root_hint_, root_par),
        pc.take(obj, ptr),
    )
    rows = pc.index_in(events["object_id"], value_set=obj)
    return pa.chunked_array([pc.take(thread, rows.combine_chunks())])
