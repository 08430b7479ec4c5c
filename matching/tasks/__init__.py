"""Celery tasks of matching, one module per area; imported here so that autodiscovery finds them all."""

# -- recommendations --
from matching.tasks.recommender import entry_index_task

# -- sessions --
# -- scheduling --
# -- timetables & outcomes --

__all__ = ["entry_index_task"]
