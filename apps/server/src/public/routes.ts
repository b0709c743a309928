import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../context.ts';
import { badRequest } from '../errors.ts';
import { listVenues, venueBySlug, venueFeed, venueMarket } from './queries.ts';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/i;

function slugParam(raw: string): string {
  if (!SLUG.test(raw)) throw badRequest('venue slug: letters, digits and dashes only');
  return raw;
}

/**
 * What anyone may read without signing in: venues, their feed and market.
 * Guests' browsers and service workers may keep it for a minute.
 */
export function publicRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      await next();
      if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=60');
    })
    .get('/venues', async (c) => {
      const city = c.req.query('city')?.trim();
      // As long as a venue's own city may be (createVenueSchema).
      if (city !== undefined && (city.length === 0 || city.length > 120))
        throw badRequest('city: 1 to 120 characters');
      return c.json({ venues: await listVenues(db, city) });
    })
    .get('/venues/:slug', async (c) =>
      c.json(await venueBySlug(db, slugParam(c.req.param('slug')))),
    )
    .get('/venues/:slug/feed', async (c) =>
      c.json(await venueFeed(db, slugParam(c.req.param('slug')), new Date())),
    )
    .get('/venues/:slug/market', async (c) =>
      c.json(await venueMarket(db, slugParam(c.req.param('slug')))),
    );
}
