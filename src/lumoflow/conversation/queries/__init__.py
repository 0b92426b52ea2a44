"""Permission-aware reads of posts, threads, feeds, hashtags and follows. Viewer first.

Every list is filtered through `readable_workspace_ids(viewer)`: content of a private or secret
workspace never reaches a non-member. Deleted and hidden posts are left out of every list.

One module per seam: `posts` (one post, its thread, lists of posts), `feeds` (the feeds as ORM
querysets: what a feed is, and the oracle of the SQL), `feed_sql` (the same feeds read a page at a
time in precompiled SQL), `follows`, `questions` (unanswered questions and who to ask about them),
`decorate` (reactions and attachments for the cards).
"""

from __future__ import annotations

from .decorate import PostCard, decorate, my_reactions
from .feed_sql import (
    CUT_KEPT,
    HOME_WINDOW,
    Before,
    Feed,
    HomeFeed,
    PostKey,
    feed_for,
    newest_post_id,
    posts_by_ids,
    workspace_feed_for,
)
from .feed_sql import _workspace_feed_query as _workspace_feed_query
from .feeds import (
    count_posts_after,
    list_decisions_for,
    list_feed_for,
    list_top_threads_for,
    list_workspace_posts_for,
)
from .follows import (
    FOLLOWS_SHOWN,
    Followed,
    Suggestion,
    follow_state,
    list_follow_suggestions_for,
    list_followed_for,
    list_follows_for,
)
from .posts import (
    active_member_ids,
    can_facilitate,
    get_attachment_for,
    get_post_for,
    list_hashtag_posts_for,
    list_recent_posts_by_for,
    list_replies_for,
    list_revisions_for,
    may_accept_answer,
    readable_posts_for,
    readers_among,
    require_member,
    visible_posts,
)
from .questions import (
    QUEUE,
    SuggestedPerson,
    UnansweredQuestion,
    WaitingQuestion,
    answered_questions,
    list_questions_waiting_for,
    list_unanswered_questions_for,
    list_unanswered_queue_for,
    my_answer_times_for,
    my_question_reply_times_for,
    open_questions_table,
    people_for,
    suggested_people,
)

__all__ = [
    "Before",
    "QUEUE",
    "SuggestedPerson",
    "UnansweredQuestion",
    "WaitingQuestion",
    "list_questions_waiting_for",
    "my_answer_times_for",
    "my_question_reply_times_for",
    "WaitingQuestion",
    "answered_questions",
    "list_questions_waiting_for",
    "my_answer_times_for",
    "my_question_reply_times_for",
    "list_unanswered_queue_for",
    "open_questions_table",
    "people_for",
    "suggested_people",
    "CUT_KEPT",
    "FOLLOWS_SHOWN",
    "Feed",
    "Followed",
    "Suggestion",
    "list_follow_suggestions_for",
    "HOME_WINDOW",
    "HomeFeed",
    "PostCard",
    "PostKey",
    "active_member_ids",
    "can_facilitate",
    "count_posts_after",
    "decorate",
    "feed_for",
    "follow_state",
    "get_attachment_for",
    "get_post_for",
    "list_decisions_for",
    "list_feed_for",
    "list_top_threads_for",
    "list_followed_for",
    "list_follows_for",
    "list_hashtag_posts_for",
    "list_replies_for",
    "list_recent_posts_by_for",
    "list_revisions_for",
    "list_unanswered_questions_for",
    "list_workspace_posts_for",
    "may_accept_answer",
    "my_reactions",
    "newest_post_id",
    "posts_by_ids",
    "readable_posts_for",
    "readers_among",
    "require_member",
    "visible_posts",
    "workspace_feed_for",
]
