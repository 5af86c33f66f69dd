#!/usr/bin/env bash
# Regenerates prisma/postgres/schema.prisma and writes a new migration for both
# providers from the difference between the migrations so far and the datamodel.
# Usage: scripts/make-migrations.sh <name>   (needs a local Postgres: PG_URL)
set -euo pipefail
name=${1:?usage: scripts/make-migrations.sh <name>}
stamp=$(date -u +%Y%m%d%H%M%S)
pg_url=${PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
npx tsx scripts/sync-postgres-schema.ts
mkdir -p "prisma/migrations/${stamp}_${name}" "prisma/postgres/migrations/${stamp}_${name}"
tmp=$(mktemp -d)
DATABASE_URL="file:$tmp/shadow.sqlite" npx prisma migrate diff --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma --script \
  > "prisma/migrations/${stamp}_${name}/migration.sql"
# The shadow database is made beside PG_URL's by the adapter (app/db.migrate-adapters.ts):
# with a driver adapter, Prisma refuses --shadow-database-url.
DATABASE_URL="$pg_url" npx prisma migrate diff --from-migrations prisma/postgres/migrations --to-schema-datamodel prisma/postgres/schema.prisma --script \
  > "prisma/postgres/migrations/${stamp}_${name}/migration.sql"
echo "wrote migration ${stamp}_${name} for SQLite and Postgres"
