ALTER TABLE "venues" ADD COLUMN "previous_policy" jsonb;--> statement-breakpoint
ALTER TABLE "venues" ADD COLUMN "policy_changed_at" timestamp with time zone;