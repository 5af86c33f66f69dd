-- AlterTable
ALTER TABLE "ComplianceRequest" ADD COLUMN     "emailHash" TEXT;

-- AlterTable
ALTER TABLE "SyncJob" ADD COLUMN     "createSentAt" TIMESTAMP(3),
ADD COLUMN     "createState" TEXT,
ADD COLUMN     "referralCredit" TEXT,
ADD COLUMN     "referralCreditAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "ComplianceRequest_shop_customerId_idx" ON "ComplianceRequest"("shop", "customerId");

-- CreateIndex
CREATE INDEX "ComplianceRequest_shop_emailHash_idx" ON "ComplianceRequest"("shop", "emailHash");

