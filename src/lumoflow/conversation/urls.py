"""Conversation pages."""

from django.urls import include, path

from . import views

app_name = "conversation"
urlpatterns = [
    path("posts/<int:post_id>", views.post_detail, name="post"),
    path("posts/<int:post_id>/reply", views.reply, name="reply"),
    path("posts/<int:post_id>/react", views.react, name="react"),
    path("posts/<int:post_id>/accept", views.accept, name="accept"),
    path("posts/<int:post_id>/idea-status", views.idea_status, name="idea_status"),
    path("posts/<int:post_id>/edit", views.edit, name="edit"),
    path("posts/<int:post_id>/delete", views.delete, name="delete"),
    path("posts/<int:post_id>/hide", views.hide, name="hide"),
    path("workspaces/<int:workspace_id>/posts", views.create_post, name="create_post"),
    path("workspaces/<int:workspace_id>/decisions", views.decisions, name="decisions"),
    path("hashtags/<str:tag>", views.hashtag, name="hashtag"),
    path("follow", views.follow, name="follow"),
    path("attachments/<int:attachment_id>", views.attachment, name="attachment"),
    path("attachments/<int:attachment_id>/thumb", views.thumbnail, name="thumbnail"),
    path("mentions/suggest", views.suggest_people, name="suggest"),
    path("feed/new", views.new_posts, name="new_posts"),
    path("", include("lumoflow.notifications.urls")),
]
