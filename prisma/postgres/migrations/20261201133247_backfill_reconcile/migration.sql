-- AlterTable
ALTER TABLE "SyncJob" ADD COLUMN     "backfillId" TEXT,
ADD COLUMN     "priority" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "backfillId" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'webhook';

-- CreateTable
CREATE TABLE "Backfill" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "partner" TEXT,
    "since" TIMESTAMP(3) NOT NULL,
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
    "leaseUntil" TIMESTAMP(3),
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Backfill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reconciliation" (
    "shop" TEXT NOT NULL,
    "watermark" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'idle',
    "requestedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastStartedAt" TIMESTAMP(3),
    "lastFinishedAt" TIMESTAMP(3),
    "lastRead" INTEGER NOT NULL DEFAULT 0,
    "lastRecovered" INTEGER NOT NULL DEFAULT 0,
    "recoveredTotal" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "Reconciliation_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "Backfill_shop_startedAt_idx" ON "Backfill"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "Backfill_status_idx" ON "Backfill"("status");

-- CreateIndex
CREATE INDEX "SyncJob_backfillId_status_idx" ON "SyncJob"("backfillId", "status");

