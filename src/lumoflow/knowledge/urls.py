"""Wiki and article pages."""

from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("workspaces/<int:workspace_id>/wiki", views.wiki_index, name="wiki"),
    path("workspaces/<int:workspace_id>/wiki/new", views.new_page, name="new_page"),
    path("wiki/<int:page_id>", views.page, name="page"),
    path("wiki/<int:page_id>/edit", views.edit_page, name="edit_page"),
    path("wiki/<int:page_id>/history", views.history, name="history"),
    path("wiki/<int:page_id>/diff", views.diff, name="diff"),
    path("wiki/<int:page_id>/restore", views.restore, name="restore"),
    path("posts/<int:post_id>/save-as-knowledge", views.save_answer, name="save_answer"),
    path("workspaces/<int:workspace_id>/articles", views.articles, name="articles"),
    path("workspaces/<int:workspace_id>/articles/new", views.new_article, name="new_article"),
    path("articles/<int:article_id>", views.article, name="article"),
    path("articles/<int:article_id>/edit", views.edit_article, name="edit_article"),
    path("articles/<int:article_id>/comment", views.comment, name="comment"),
]
