#!/usr/bin/env bash
# Generates the Prisma client for each provider we ship (npm ci, npm run setup).
# A generated client serves one provider only (the SQLite client refuses the
# Postgres adapter), so there are two, and app/db.server.ts picks the one that
# matches DATABASE_URL:
#   prisma/schema.prisma          -> node_modules/.prisma/client (@prisma/client)
#   prisma/postgres/schema.prisma -> node_modules/.prisma/client-postgres
set -euo pipefail
cd "$(dirname "$0")/.."
prisma=node_modules/.bin/prisma
"$prisma" generate --schema prisma/schema.prisma
"$prisma" generate --schema prisma/postgres/schema.prisma

# A client generated to its own output gets a private copy of Prisma's runtime,
# and with it its own error classes: `instanceof Prisma.PrismaClientKnownRequestError`
# (our unique-violation check, Shopify's session storage) would never match an
# error of the Postgres client. Point it at @prisma/client's runtime (the same
# code: the generator copied it from there; the runtime keeps one query compiler
# per provider), so both clients throw the same classes.
runtime=node_modules/.prisma/client-postgres/runtime
echo 'module.exports = require("@prisma/client/runtime/client.js");' > "$runtime/client.js"
echo 'export * from "@prisma/client/runtime/client";' > "$runtime/client.d.ts"
