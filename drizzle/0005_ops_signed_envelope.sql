-- Expand only: processes of the previous release, still serving while this
-- runs (infra/deploy.sh), keep writing and reading `envelope` until they restart.
ALTER TABLE "ops" ALTER COLUMN "envelope" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "ops" ADD COLUMN "signed" text;