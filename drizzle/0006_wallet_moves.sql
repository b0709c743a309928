CREATE TABLE "wallet_moves" (
	"id" text PRIMARY KEY NOT NULL,
	"from_tag" text NOT NULL,
	"to_tag" text NOT NULL,
	"venue_id" text NOT NULL,
	"moved_nc" bigint NOT NULL,
	"moved_xp" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "wallet_moves" ADD CONSTRAINT "wallet_moves_from_tag_wallets_nitetap_id_fk" FOREIGN KEY ("from_tag") REFERENCES "public"."wallets"("nitetap_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_moves" ADD CONSTRAINT "wallet_moves_to_tag_wallets_nitetap_id_fk" FOREIGN KEY ("to_tag") REFERENCES "public"."wallets"("nitetap_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wallet_moves" ADD CONSTRAINT "wallet_moves_venue_id_venues_id_fk" FOREIGN KEY ("venue_id") REFERENCES "public"."venues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wallet_moves_from" ON "wallet_moves" USING btree ("from_tag");--> statement-breakpoint
CREATE INDEX "wallet_moves_to" ON "wallet_moves" USING btree ("to_tag");--> statement-breakpoint
-- Replacements made before this release are known from their audit rows
-- (written in the same transaction as the move since the first release).
-- Processes of the previous release still serving while this runs record
-- no move for a replacement they make: its guest sees the balance, not the line.
INSERT INTO "wallet_moves" ("id", "from_tag", "to_tag", "venue_id", "moved_nc", "moved_xp", "created_at")
SELECT 'audit:' || a."id", a."after"->>'from', a."after"->>'to', a."venue_id",
       (a."after"->>'movedNc')::bigint, (a."after"->>'movedXp')::bigint, a."created_at"
FROM "audit_log" a
JOIN "wallets" f ON f."nitetap_id" = a."after"->>'from'
JOIN "wallets" t ON t."nitetap_id" = a."after"->>'to'
JOIN "venues" v ON v."id" = a."venue_id"
WHERE a."action" = 'wallet.replace'
  AND jsonb_typeof(a."after"->'movedNc') = 'number'
  AND jsonb_typeof(a."after"->'movedXp') = 'number';
