"""Development on a laptop: README command 1."""

from clusternet.settings.base import *  # noqa: F403
from clusternet.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Serve static files straight from the app folders; no collectstatic needed outside production.
WHITENOISE_AUTOREFRESH = True
