"""Every limit on what people type, stated once: text lengths and number ranges.

The model field, the form field, the API schema and the action all read their limit from here,
and all refuse text one character too long with the same message (`too_long`). A post's body is
the exception that proves the rule: its limit is a setting (`LUMOFLOW_MAX_POST_CHARS`), read
through `post_body()` by every one of them.

Changing a number here that a model uses needs a migration (`lumoflow makemigrations`).
"""

from __future__ import annotations

from django.conf import settings

# people
USERNAME = 150
PERSON_NAME = 150
"""A person's display name, title and location each."""
DEPARTMENT_PATH = 500
DEPARTMENT_NAME = 100
TOKEN_NAME = 100
LOGIN = 254
"""What the sign-in form takes as username or e-mail."""
USER_AGENT = 300
"""A browser's User-Agent as kept in the sign-in audit (longer ones are cut)."""

# workspaces
WORKSPACE_NAME = 120
WORKSPACE_PURPOSE = 2000
OBJECTIVE_TITLE = 200
OBJECTIVE_DESCRIPTION = 5000
KEY_RESULT_METRIC = 200
KEY_RESULT_UNIT = 40
CHECK_IN_NOTE = 2000

CONFIDENCE_MAX = 10
"""A check-in's confidence is a whole number from 0 (no chance) to this (certain)."""
FIRST_REPLY_HOURS_MAX = 10000
"""The largest engagement target for the median hours to a question's first reply."""

# conversation
IDEA_STATUS_NOTE = 2000
ALERT_NOTE = 2000
HIDDEN_REASON = 500
HASHTAG = 100
ATTACHMENT_NAME = 100
"""An attachment's name, in characters; longer names are shortened (keeping the extension),
as is any name over ATTACHMENT_NAME_BYTES in UTF-8 (file systems hold 255 bytes a name)."""
ATTACHMENT_NAME_BYTES = 200
IMAGE_PIXELS = 40_000_000
"""The most pixels an attached image or a photo may have (width × height), read from its
header before it is decoded: a small file that would unpack to gigabytes is refused unread."""
"""The longest `#tag` the Markdown linkifier finds."""

# knowledge
WIKI_TITLE = 200
WIKI_SLUG = 100
WIKI_BODY = 200_000
"""A wiki page's Markdown, in characters (pages hold more than posts: manuals, runbooks)."""
REVISION_SUMMARY = 300
ARTICLE_TITLE = 200
ARTICLE_SUMMARY = 1000
ARTICLE_BODY = 100_000

# search
SEARCH_QUERY = 200
"""The longest search query, in characters."""
SEARCH_TERMS = 12
"""The most words (a quoted phrase counting each of its words) a search query may hold."""

TOO_LONG = "At most {limit} characters (this has {length})."

# request bodies and uploads: settings, read when asked (operators size them to their disks)


def request_bytes() -> int:
    """The largest request body without its files: JSON, or a form's fields
    (LUMOFLOW_MAX_REQUEST_BYTES, also Django's DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return int(settings.LUMOFLOW_MAX_REQUEST_BYTES)


def file_bytes() -> int:
    """The largest attached file (LUMOFLOW_MAX_ATTACHMENT_BYTES)."""
    return int(settings.LUMOFLOW_MAX_ATTACHMENT_BYTES)


def post_files_bytes() -> int:
    """The most bytes of files one post or reply carries (LUMOFLOW_MAX_POST_ATTACHMENTS_BYTES)."""
    return int(settings.LUMOFLOW_MAX_POST_ATTACHMENTS_BYTES)


def daily_upload_bytes() -> int:
    """The most bytes of files one person attaches in 24 hours (LUMOFLOW_MAX_DAILY_UPLOAD_BYTES)."""
    return int(settings.LUMOFLOW_MAX_DAILY_UPLOAD_BYTES)


#: Where an export is uploaded to be measured: a body may carry up to `export_upload_bytes()`.
EXPORT_UPLOAD_PATHS = ("/org/measure", "/api/v1/org/measurements")


def export_upload_bytes() -> int:
    """The largest export "Measure an export" takes (`LUMOFLOW_MEASURE_UPLOAD_MAX`)."""
    return int(settings.LUMOFLOW_MEASURE_UPLOAD_MAX)


def too_large(length: int, limit: int) -> str:
    """The one message for a request body past its limit.

    >>> too_large(3000, 1000)
    'This request is 3000 bytes; the limit is 1000 bytes.'
    """
    return f"This request is {length} bytes; the limit is {limit} bytes."


def too_long(limit: int, length: int) -> str:
    """The one message for text past its limit.

    >>> too_long(2000, 2001)
    'At most 2000 characters (this has 2001).'
    """
    return TOO_LONG.format(limit=limit, length=length)


def post_body() -> int:
    """The most characters a post or reply holds (the setting, read when asked)."""
    return int(settings.LUMOFLOW_MAX_POST_CHARS)
