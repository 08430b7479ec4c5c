"""Development on a laptop: README command 1."""

from clusternet.settings.base import *  # noqa: F403
from clusternet.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
