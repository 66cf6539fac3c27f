# Production image of the portal: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=qhsta.settings.production
# Noto CJK: Chinese in server-made PDFs. Node/npm only to fetch the pinned front-end packages.
# postgresql-client: pg_dump/pg_restore for `manage.py backup` and `restore` (same major as the db).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk nodejs npm gettext \
    postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock scripts/requirements.py ./
RUN python requirements.py > /tmp/requirements.txt && pip install -r /tmp/requirements.txt -c requirements.lock
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev
COPY . .
# collectstatic needs settings but no real secret or database.
RUN SECRET_KEY=collectstatic-only-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app qhsta \
    && mkdir -p /var/lib/qhsta/media /var/lib/qhsta/beat /var/lib/qhsta/backups \
    && chown qhsta /var/lib/qhsta/media /var/lib/qhsta/beat /var/lib/qhsta/backups
USER qhsta
ENV MEDIA_ROOT=/var/lib/qhsta/media
EXPOSE 8000
# Web by default (deploy/gunicorn.conf.py: workers from WEB_CONCURRENCY, JSON logs); compose runs
# the Celery worker and beat from the same image with other commands.
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
