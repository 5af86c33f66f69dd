-- AlterTable
ALTER TABLE "SyncLane" ADD COLUMN "limitedSince" DATETIME;
ALTER TABLE "SyncLane" ADD COLUMN "loweredAt" DATETIME;
ALTER TABLE "SyncLane" ADD COLUMN "loweredRate" REAL;
ALTER TABLE "SyncLane" ADD COLUMN "refilledAt" DATETIME;
ALTER TABLE "SyncLane" ADD COLUMN "tokens" REAL;

