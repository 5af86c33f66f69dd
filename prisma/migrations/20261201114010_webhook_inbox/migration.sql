-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN "outcome" TEXT;
ALTER TABLE "WebhookEvent" ADD COLUMN "payload" TEXT;
ALTER TABLE "WebhookEvent" ADD COLUMN "processedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OrderSnapshot" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "shopifyUpdatedAt" DATETIME NOT NULL,
    "customerId" TEXT,
    "email" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "topicRank" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_OrderSnapshot" ("createdAt", "customerId", "email", "id", "orderId", "orderName", "payload", "shop", "shopifyUpdatedAt", "updatedAt") SELECT "createdAt", "customerId", "email", "id", "orderId", "orderName", "payload", "shop", "shopifyUpdatedAt", "updatedAt" FROM "OrderSnapshot";
DROP TABLE "OrderSnapshot";
ALTER TABLE "new_OrderSnapshot" RENAME TO "OrderSnapshot";
CREATE INDEX "OrderSnapshot_shop_customerId_idx" ON "OrderSnapshot"("shop", "customerId");
CREATE INDEX "OrderSnapshot_shop_email_idx" ON "OrderSnapshot"("shop", "email");
CREATE UNIQUE INDEX "OrderSnapshot_shop_orderId_key" ON "OrderSnapshot"("shop", "orderId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "WebhookEvent_processedAt_receivedAt_idx" ON "WebhookEvent"("processedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_shop_orderId_processedAt_idx" ON "WebhookEvent"("shop", "orderId", "processedAt");


-- Deliveries recorded before the inbox were merged when they arrived.
UPDATE "WebhookEvent" SET "processedAt" = "receivedAt", "outcome" = 'recorded' WHERE "processedAt" IS NULL;
