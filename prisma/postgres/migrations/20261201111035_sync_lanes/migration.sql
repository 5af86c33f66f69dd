-- CreateTable
CREATE TABLE "SyncLane" (
    "shop" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),

    CONSTRAINT "SyncLane_pkey" PRIMARY KEY ("shop","partner")
);

