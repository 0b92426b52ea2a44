"""Every write to posts, replies, reactions, answers, idea status, follows and attachments.

Each action fetches what it changes through `queries` (so "not found" and "not allowed" are one
check), validates, writes and records its ActivityEvent in one transaction. Notifications hang
off the topic published here ("conversation") and run after commit (`lumoflow.notifications`).

The `bulk_*` functions serve the demo generator and the importers: batched INSERTs in one
transaction, the same events as the single actions; of them only idea statuses notify (their
authors, as the single action does).
"""

from .bulk import (
    IdeaStatusRow,
    PostRow,
    ReactionRow,
    bulk_accept_answers,
    bulk_add_reactions,
    bulk_create_posts,
    bulk_set_idea_status,
)
from .engage import (
    accept_answer,
    add_reaction,
    follow,
    record_post_views,
    remove_reaction,
    set_idea_status,
    unfollow,
)
from .posts import create_post, create_reply, delete_post, edit_post, hide_post

__all__ = [
    "IdeaStatusRow",
    "PostRow",
    "ReactionRow",
    "accept_answer",
    "add_reaction",
    "bulk_accept_answers",
    "bulk_add_reactions",
    "bulk_create_posts",
    "bulk_set_idea_status",
    "create_post",
    "create_reply",
    "delete_post",
    "edit_post",
    "follow",
    "hide_post",
    "record_post_views",
    "remove_reaction",
    "set_idea_status",
    "unfollow",
]
