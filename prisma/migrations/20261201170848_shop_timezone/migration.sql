-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "ianaTimezone" TEXT;
ALTER TABLE "Shop" ADD COLUMN "ianaTimezoneReadAt" DATETIME;

