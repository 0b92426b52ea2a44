"""Conversation pages (filled by the conversation app)."""

app_name = "conversation"
urlpatterns: list[object] = []
