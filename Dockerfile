FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 helpdesk

COPY . .
RUN pip install -e . \
    && DEBUG=1 python manage.py compiletranslations \
    && DEBUG=0 SECRET_KEY=build-only-not-used-at-run-time python manage.py collectstatic --noinput -v0 \
    && mkdir -p var/media && chown -R helpdesk var
USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.asgi:application", "--worker-class", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
