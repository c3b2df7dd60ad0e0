# mockserver: the simulator on waitress, as a non-root user, state in the /data volume.
#
#   docker build -t mockserver .
#   docker run --rm -p 127.0.0.1:8055:8055 -e MOCKSERVER_TOKEN=s3cret mockserver \
#       serve --host 0.0.0.0 --port 8055 --data-dir /data --postback-url http://host.docker.internal:5000/postbacks
#
# Untested on a live Docker engine (there is none on the development machine): see docs/docker.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Only what the wheel is built from (pyproject: the package, plus scenarios/ and templates/
# force-included as mockserver/_data); a plain, non-editable install.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mockserver ./mockserver
COPY scenarios ./scenarios
COPY templates ./templates
# (the check runs from /, not /src, where python would import the source tree instead)
RUN pip install . \
 && cd / \
 && rm -rf /src \
 && python -c "import mockserver.resources as r; \
assert str(r.builtin_scenarios_dir()) == '/usr/local/lib/python3.11/site-packages/mockserver/_data/scenarios', r.builtin_scenarios_dir()"
# ^ docker-compose.yml mounts ./scenarios over that exact folder; the build fails if it moves.

RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin mockserver \
 && mkdir -p /data \
 && chown mockserver:mockserver /data
USER mockserver
WORKDIR /data
# The SQLite store (postback log, runs, moderation queue) survives restarts in this volume.
VOLUME ["/data"]
EXPOSE 8055

# No curl in the slim image: python asks for the health route (it never needs the token).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8055/mock/api/v1/health', timeout=3)"]

ENTRYPOINT ["mockserver"]
# Listening on 0.0.0.0 is needed inside a container, and mockserver refuses a non-loopback
# --host without a token: this image deliberately does NOT pass --insecure, so it starts only
# with MOCKSERVER_TOKEN set (e.g. -e MOCKSERVER_TOKEN=...) and otherwise exits saying so.
# `docker run -p 8055:8055` publishes on every interface of the host, so a token is the safe
# default; add --insecure yourself only when the port is published to 127.0.0.1 alone.
CMD ["serve", "--host", "0.0.0.0", "--port", "8055", "--data-dir", "/data"]
