-- CreateTable
CREATE TABLE "SyncLane" (
    "shop" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,

    PRIMARY KEY ("shop", "partner")
);

