from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "lumoflow.people"
    label = "people"
