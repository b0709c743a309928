ALTER TABLE "ledger_lines" DROP CONSTRAINT "ledger_lines_account_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "ops" DROP CONSTRAINT "ops_till_id_tills_id_fk";
--> statement-breakpoint
ALTER TABLE "ops" DROP CONSTRAINT "ops_venue_id_venues_id_fk";
--> statement-breakpoint
ALTER TABLE "till_chain" DROP CONSTRAINT "till_chain_till_id_tills_id_fk";
