-- AlterTable
ALTER TABLE "SyncLane" ADD COLUMN     "limitedSince" TIMESTAMP(3),
ADD COLUMN     "loweredAt" TIMESTAMP(3),
ADD COLUMN     "loweredRate" DOUBLE PRECISION,
ADD COLUMN     "refilledAt" TIMESTAMP(3),
ADD COLUMN     "tokens" DOUBLE PRECISION;

