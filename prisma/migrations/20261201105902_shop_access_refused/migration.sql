-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "accessRefusedAt" DATETIME;

