-- DropIndex
DROP INDEX "SyncJob_shop_partner_status_idx";

-- CreateIndex
CREATE INDEX "SyncJob_shop_partner_status_updatedAt_id_idx" ON "SyncJob"("shop", "partner", "status", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "SyncJob_shop_status_updatedAt_id_idx" ON "SyncJob"("shop", "status", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "SyncJob_shop_updatedAt_partner_status_idx" ON "SyncJob"("shop", "updatedAt", "partner", "status");

