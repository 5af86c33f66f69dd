-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "openKey" TEXT,
    "openedAt" DATETIME NOT NULL,
    "failures" INTEGER,
    "resolvedAt" DATETIME,
    "resolvedBy" TEXT,
    "emailedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shop" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" DATETIME,
    "accessRefusedAt" DATETIME,
    "contactEmail" TEXT,
    "contactEmailReadAt" DATETIME,
    "alertEmails" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Shop" ("accessRefusedAt", "installedAt", "shop", "uninstalledAt", "updatedAt") SELECT "accessRefusedAt", "installedAt", "shop", "uninstalledAt", "updatedAt" FROM "Shop";
DROP TABLE "Shop";
ALTER TABLE "new_Shop" RENAME TO "Shop";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Alert_openKey_key" ON "Alert"("openKey");

-- CreateIndex
CREATE INDEX "Alert_shop_resolvedAt_idx" ON "Alert"("shop", "resolvedAt");

-- CreateIndex
CREATE INDEX "Alert_emailedAt_openedAt_idx" ON "Alert"("emailedAt", "openedAt");

