-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "ianaTimezone" TEXT,
ADD COLUMN     "ianaTimezoneReadAt" TIMESTAMP(3);

