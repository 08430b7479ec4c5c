"""The server-rendered pages of seeds and needs, recommendations, matching cases and matching sessions."""

from django.urls import path

# -- imports: seeds & needs --
# -- imports: recommendations --
# -- imports: cases --
# -- imports: sessions --
from matching.views import sessions as sessions_views
# -- imports: scheduling --
# -- imports: timetables & outcomes --

urlpatterns: list = [
    # -- seeds & needs --
    # -- recommendations --
    # -- cases --
    # -- sessions --
    path("sessions/<int:matching_session_id>/", sessions_views.session_detail, name="session-detail"),
    # -- scheduling --
    # -- timetables & outcomes --
]
