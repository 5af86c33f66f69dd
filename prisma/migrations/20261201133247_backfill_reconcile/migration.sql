-- CreateTable
CREATE TABLE "Backfill" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "partner" TEXT,
    "since" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'exporting',
    "bulkOperationId" TEXT,
    "ordersTotal" INTEGER,
    "linesRead" INTEGER NOT NULL DEFAULT 0,
    "ordersRead" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "synced" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "error" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Reconciliation" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "watermark" DATETIME,
    "status" TEXT NOT NULL DEFAULT 'idle',
    "requestedAt" DATETIME,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastStartedAt" DATETIME,
    "lastFinishedAt" DATETIME,
    "lastRead" INTEGER NOT NULL DEFAULT 0,
    "lastRecovered" INTEGER NOT NULL DEFAULT 0,
    "recoveredTotal" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SyncJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextRunAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "generation" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "uncertain" BOOLEAN NOT NULL DEFAULT false,
    "remoteId" TEXT,
    "lastSentHash" TEXT,
    "lastSentBody" TEXT,
    "lastAttemptAt" DATETIME,
    "syncedAt" DATETIME,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "backfillId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_SyncJob" ("attempts", "createdAt", "generation", "id", "lastAttemptAt", "lastError", "lastSentBody", "lastSentHash", "leaseOwner", "leaseUntil", "nextRunAt", "orderId", "partner", "remoteId", "shop", "status", "syncedAt", "uncertain", "updatedAt") SELECT "attempts", "createdAt", "generation", "id", "lastAttemptAt", "lastError", "lastSentBody", "lastSentHash", "leaseOwner", "leaseUntil", "nextRunAt", "orderId", "partner", "remoteId", "shop", "status", "syncedAt", "uncertain", "updatedAt" FROM "SyncJob";
DROP TABLE "SyncJob";
ALTER TABLE "new_SyncJob" RENAME TO "SyncJob";
CREATE INDEX "SyncJob_status_nextRunAt_idx" ON "SyncJob"("status", "nextRunAt");
CREATE INDEX "SyncJob_shop_updatedAt_id_idx" ON "SyncJob"("shop", "updatedAt", "id");
CREATE INDEX "SyncJob_shop_partner_status_updatedAt_id_idx" ON "SyncJob"("shop", "partner", "status", "updatedAt", "id");
CREATE INDEX "SyncJob_shop_status_updatedAt_id_idx" ON "SyncJob"("shop", "status", "updatedAt", "id");
CREATE INDEX "SyncJob_shop_updatedAt_partner_status_idx" ON "SyncJob"("shop", "updatedAt", "partner", "status");
CREATE INDEX "SyncJob_backfillId_status_idx" ON "SyncJob"("backfillId", "status");
CREATE UNIQUE INDEX "SyncJob_shop_orderId_partner_key" ON "SyncJob"("shop", "orderId", "partner");
CREATE TABLE "new_WebhookEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "orderId" TEXT,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" TEXT,
    "processedAt" DATETIME,
    "outcome" TEXT,
    "source" TEXT NOT NULL DEFAULT 'webhook',
    "backfillId" TEXT
);
INSERT INTO "new_WebhookEvent" ("eventId", "id", "orderId", "outcome", "payload", "processedAt", "receivedAt", "shop", "topic") SELECT "eventId", "id", "orderId", "outcome", "payload", "processedAt", "receivedAt", "shop", "topic" FROM "WebhookEvent";
DROP TABLE "WebhookEvent";
ALTER TABLE "new_WebhookEvent" RENAME TO "WebhookEvent";
CREATE INDEX "WebhookEvent_shop_receivedAt_idx" ON "WebhookEvent"("shop", "receivedAt");
CREATE INDEX "WebhookEvent_processedAt_receivedAt_idx" ON "WebhookEvent"("processedAt", "receivedAt");
CREATE INDEX "WebhookEvent_shop_orderId_processedAt_idx" ON "WebhookEvent"("shop", "orderId", "processedAt");
CREATE UNIQUE INDEX "WebhookEvent_shop_eventId_key" ON "WebhookEvent"("shop", "eventId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Backfill_shop_startedAt_idx" ON "Backfill"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "Backfill_status_idx" ON "Backfill"("status");

