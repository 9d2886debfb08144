# outreach-critic service: one stateless replica per container; scale by running more behind a load balancer.
# Build: docker build -t outreach-critic .
# Run:   docker run -p 8000:8000 -e CRITIC_API_KEYS=change-me outreach-critic
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CRITIC_ADDIN_DIR=/app/addin

WORKDIR /app

# Dependencies and the package first, so editing the add-in does not rebuild them.
COPY pyproject.toml README.md ./
COPY critic ./critic
COPY prompts ./prompts
RUN pip install . && rm -rf /root/.cache

COPY addin ./addin

# Non-root, no home, no writable app directory: the service stores nothing on disk.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin critic
USER 10001:10001

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]

# Binding 0.0.0.0 requires CRITIC_API_KEYS: without it the container exits at once with a message saying so.
CMD ["critic", "serve", "--host", "0.0.0.0", "--port", "8000"]
