# The app in one image: `docker build -t partner-sync .`, then run it with the
# environment of README "Configuration" (a Postgres DATABASE_URL in production).
# At start it generates the Prisma clients, applies the migrations, then serves
# the app with its sync worker on PORT (3000); WORKER=off and the command
# `bash scripts/run-built.sh worker` make a worker-only container from the same image.

# Debian (glibc), not Alpine: the native packages (libsql, the `node` package's
# binary) are installed for glibc. OpenSSL is what Prisma probes the platform with.
FROM node:22-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# What `npm ci` needs before the sources: its postinstall generates the two Prisma
# clients, and Prisma reads prisma.config.ts, which imports the two app/db.*.ts.
FROM base AS manifest
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/generate-prisma-clients.sh scripts/run-built.sh scripts/worker-node-flags scripts/
COPY app/db.url.ts app/db.migrate-adapters.ts app/
COPY prisma prisma

# Build with the dev dependencies: the Remix app and the compiled server, worker and CLI (build/).
FROM manifest AS build
RUN npm ci
COPY . .
RUN npm run build

# Run with the production dependencies and build/ only, as the unprivileged `node` user.
FROM base
ENV NODE_ENV=production PORT=3000
# The node user owns /app: `npm run setup` regenerates the Prisma clients under
# node_modules at each start. /data: for a SQLite DATABASE_URL (file:/data/app.sqlite) on a volume.
RUN chown node:node /app && mkdir /data && chown node:node /data
USER node
COPY --from=manifest --chown=node:node /app ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build --chown=node:node /app/build ./build
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm run docker-start` (setup, then start), with node in npm's place once the
# migrations are applied: npm does not pass `docker stop`'s SIGTERM on to the
# app, which would then be killed mid-job instead of finishing its jobs in flight.
# scripts/run-built.sh (the worker's V8 flags, scripts/worker-node-flags, for `run-built.sh worker`).
CMD ["sh", "-c", "npm run setup && exec bash scripts/run-built.sh server"]
