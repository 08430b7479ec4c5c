"""The test suite: real PostgreSQL and Redis on this machine (README command 2)."""

from clusternet.settings.base import *  # noqa: F403
from clusternet.settings.base import BASE_DIR, env

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/test")}
# Argon2 is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests call tasks in-process; the worker integration tests start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# One Redis database per pytest-xdist process (gw0 → 15, gw1 → 14, ...): a real worker started by one process's
# test must never take the tasks another process's test queued against its own test database.
_XDIST_INDEX = int(env("PYTEST_XDIST_WORKER", default="gw0").removeprefix("gw") or 0)
CELERY_BROKER_URL = env("REDIS_URL", default=f"redis://127.0.0.1:6379/{15 - _XDIST_INDEX % 8}")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 3
# Serve static files straight from the app folders; no collectstatic needed outside production.
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
