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
CREATE INDEX "wallet_moves_to" ON "wallet_moves" USING btree ("to_tag");
