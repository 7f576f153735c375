# The portal's image: one image runs web (gunicorn), worker and beat.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=eca_portal.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 eca

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -c requirements/constraints.txt . \
    && SECRET_KEY=build-only-collectstatic-key-that-is-long-enough-for-checks-0123456789 \
       DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://build:6379/0 ALLOWED_HOSTS=build \
       python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R eca:eca /app/media

USER eca
EXPOSE 8000
CMD ["gunicorn", "eca_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
