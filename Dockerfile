# The image docker-compose.yml runs as web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=clusternet.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-ipaexfont && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic and compilemessages need settings but no secrets or database.
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages -v0 \
 && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --create-home clusternet
USER clusternet
EXPOSE 8000
CMD ["gunicorn", "clusternet.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
