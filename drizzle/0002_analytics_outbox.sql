CREATE TABLE "analytics_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"venue_id" text,
	"at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"shipped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "analytics_outbox_pending" ON "analytics_outbox" USING btree ("created_at") WHERE "analytics_outbox"."shipped_at" is null;--> statement-breakpoint
CREATE INDEX "analytics_outbox_venue_at" ON "analytics_outbox" USING btree ("venue_id","at");