from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clusternet.core"
    label = "core"
