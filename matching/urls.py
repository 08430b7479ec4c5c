"""The server-rendered pages of seeds and needs, recommendations, matching cases and matching sessions."""

from django.urls import path

# -- imports: seeds & needs --
# -- imports: recommendations --
# -- imports: cases --
# -- imports: sessions --
# -- imports: scheduling --
# -- imports: timetables & outcomes --

urlpatterns: list = [
    # -- seeds & needs --
    # -- recommendations --
    # -- cases --
    # -- sessions --
    # -- scheduling --
    # -- timetables & outcomes --
]
