-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "alertEmails" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "contactEmail" TEXT,
ADD COLUMN     "contactEmailReadAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "openKey" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "failures" INTEGER,
    "resolvedAt" TIMESTAMP(3),
    "resolvedBy" TEXT,
    "emailedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Alert_openKey_key" ON "Alert"("openKey");

-- CreateIndex
CREATE INDEX "Alert_shop_resolvedAt_idx" ON "Alert"("shop", "resolvedAt");

-- CreateIndex
CREATE INDEX "Alert_emailedAt_openedAt_idx" ON "Alert"("emailedAt", "openedAt");

