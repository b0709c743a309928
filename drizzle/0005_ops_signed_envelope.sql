-- Expand only: processes of the previous release, still serving while this
-- runs (infra/deploy.sh), keep writing and reading `envelope` until they restart.
-- After a rollback, the previous release cannot resolve conflicts on ops this
-- release wrote: it reads their envelope as null, answers 500, changes nothing.
ALTER TABLE "ops" ALTER COLUMN "envelope" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "ops" ADD COLUMN "signed" text;