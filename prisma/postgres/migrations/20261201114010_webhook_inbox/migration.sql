-- AlterTable
ALTER TABLE "OrderSnapshot" ADD COLUMN     "topicRank" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "payload" TEXT,
ADD COLUMN     "processedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WebhookEvent_processedAt_receivedAt_idx" ON "WebhookEvent"("processedAt", "receivedAt");

-- CreateIndex
CREATE INDEX "WebhookEvent_shop_orderId_processedAt_idx" ON "WebhookEvent"("shop", "orderId", "processedAt");


-- Deliveries recorded before the inbox were merged when they arrived.
UPDATE "WebhookEvent" SET "processedAt" = "receivedAt", "outcome" = 'recorded' WHERE "processedAt" IS NULL;
