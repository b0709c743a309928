import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/schema/src/tables/index.ts',
  out: process.env.DRIZZLE_OUT ?? './drizzle',
});
