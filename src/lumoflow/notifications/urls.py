from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications", views.notifications, name="list"),
    path("notifications/read", views.mark_read, name="read"),
    path("notifications/<int:notification_id>", views.open_one, name="open"),
    path("notifications/settings", views.mutes, name="mutes"),
    path("notifications/digests", views.digests, name="digests"),
    path("notifications/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
