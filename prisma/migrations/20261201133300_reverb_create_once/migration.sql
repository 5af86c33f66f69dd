-- AlterTable
ALTER TABLE "ComplianceRequest" ADD COLUMN "emailHash" TEXT;

-- AlterTable
ALTER TABLE "SyncJob" ADD COLUMN "createSentAt" DATETIME;
ALTER TABLE "SyncJob" ADD COLUMN "createState" TEXT;
ALTER TABLE "SyncJob" ADD COLUMN "referralCredit" TEXT;
ALTER TABLE "SyncJob" ADD COLUMN "referralCreditAt" DATETIME;

-- CreateIndex
CREATE INDEX "ComplianceRequest_shop_customerId_idx" ON "ComplianceRequest"("shop", "customerId");

-- CreateIndex
CREATE INDEX "ComplianceRequest_shop_emailHash_idx" ON "ComplianceRequest"("shop", "emailHash");

