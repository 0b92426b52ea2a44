from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LoginForm

app_name = "people"
urlpatterns = [
    path(
        "login",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("profile", views.profile, name="profile"),
    path("profile/photo", views.change_photo, name="change_photo"),
    path("profile/tokens", views.create_token, name="create_token"),
    path("profile/tokens/<int:token_id>/revoke", views.revoke_token, name="revoke_token"),
    path("people", views.directory, name="directory"),
    path("people/<str:username>", views.person, name="person"),
    path("people/<str:username>/photo/<int:size>", views.photo, name="photo"),
]
