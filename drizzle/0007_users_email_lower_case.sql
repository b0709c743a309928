-- Every writer lower-cases emails already; this folds any older row so the check holds.
-- Two rows that differ only in case stop the migration on users_email_unique: merge them by hand first.
UPDATE "users" SET "email" = lower("email") WHERE "email" <> lower("email");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_email_lower_case" CHECK ("users"."email" = lower("users"."email"));
