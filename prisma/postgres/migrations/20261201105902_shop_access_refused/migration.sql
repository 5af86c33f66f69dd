-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "accessRefusedAt" TIMESTAMP(3);

