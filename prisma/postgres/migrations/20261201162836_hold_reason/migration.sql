-- AlterTable
ALTER TABLE "PartnerConfig" ADD COLUMN     "holdReason" TEXT;

-- AlterTable
ALTER TABLE "SyncJob" ADD COLUMN     "holdReason" TEXT;


-- Data: rows held before this migration carry their reason only as a sentence (lastError,
-- pausedReason). Each gets the matching hold reason, so that what resumes it (a reinstall,
-- the merchant's switch, saved credentials, access to Shopify restored) still finds it.
UPDATE "PartnerConfig" SET "holdReason" = 'uninstalled' WHERE "pausedReason" = 'The app was uninstalled from this shop';
-- Any other pause was a partner refusing the credentials (the only other writer of pausedReason).
UPDATE "PartnerConfig" SET "holdReason" = 'credentials_refused' WHERE "pausedReason" IS NOT NULL AND "holdReason" IS NULL;

UPDATE "SyncJob" SET "holdReason" = 'uninstalled' WHERE "status" = 'paused' AND "lastError" = 'The app was uninstalled from this shop';
UPDATE "SyncJob" SET "holdReason" = 'waiting_for_shopify' WHERE "status" = 'paused' AND "holdReason" IS NULL AND "lastError" LIKE 'Waiting for Shopify: %';
UPDATE "SyncJob" SET "holdReason" = 'merchant_pause' WHERE "status" = 'paused' AND "holdReason" IS NULL AND "lastError" LIKE 'Syncing to % is paused in the app''s settings';
UPDATE "SyncJob" SET "holdReason" = 'credentials_refused' WHERE "status" = 'paused' AND "holdReason" IS NULL AND "lastError" LIKE '% refused the credentials: %';
UPDATE "SyncJob" SET "holdReason" = 'waiting_for_merchant' WHERE "status" = 'paused' AND "holdReason" IS NULL AND "remoteId" IS NULL AND "createState" IN ('sending', 'accepted_without_id');
-- A held job whose sentence was replaced (a customer's redaction erases lastError) is held by what holds its shop or partner.
UPDATE "SyncJob" SET "holdReason" = 'uninstalled' WHERE "status" = 'paused' AND "holdReason" IS NULL
  AND EXISTS (SELECT 1 FROM "Shop" s WHERE s."shop" = "SyncJob"."shop" AND s."uninstalledAt" IS NOT NULL);
UPDATE "SyncJob" SET "holdReason" = (SELECT c."holdReason" FROM "PartnerConfig" c WHERE c."shop" = "SyncJob"."shop" AND c."partner" = "SyncJob"."partner")
  WHERE "status" = 'paused' AND "holdReason" IS NULL
  AND EXISTS (SELECT 1 FROM "PartnerConfig" c WHERE c."shop" = "SyncJob"."shop" AND c."partner" = "SyncJob"."partner" AND c."holdReason" IS NOT NULL);
UPDATE "SyncJob" SET "holdReason" = 'merchant_pause' WHERE "status" = 'paused' AND "holdReason" IS NULL
  AND EXISTS (SELECT 1 FROM "PartnerConfig" c WHERE c."shop" = "SyncJob"."shop" AND c."partner" = "SyncJob"."partner" AND c."enabled" = false);
UPDATE "SyncJob" SET "holdReason" = 'waiting_for_shopify' WHERE "status" = 'paused' AND "holdReason" IS NULL
  AND EXISTS (SELECT 1 FROM "Shop" s WHERE s."shop" = "SyncJob"."shop" AND s."accessRefusedAt" IS NOT NULL);
-- Jobs waiting after a 429 (their last attempt was rate limited): due again on their own, the reason is for display.
UPDATE "SyncJob" SET "holdReason" = 'rate_limit_hold' WHERE "status" = 'retrying'
  AND (SELECT a."outcome" FROM "SyncAttempt" a WHERE a."jobId" = "SyncJob"."id" ORDER BY a."startedAt" DESC LIMIT 1) = 'rate_limited';
