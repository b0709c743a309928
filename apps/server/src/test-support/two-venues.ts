import { Role } from '@niteos/schema/wire';
import { useFileFixture } from './file-fixture.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/** A test server with two venues, an admin of each, and a staff member of the first. */
export interface TwoVenues {
  server: TestServer;
  venueId: string;
  otherVenueId: string;
  admin: string;
  otherAdmin: string;
  staff: string;
}

export async function startTwoVenues(): Promise<TwoVenues> {
  const server = await startTestServer();
  const venueId = await server.createVenue();
  const otherVenueId = await server.createVenue();
  return {
    server,
    venueId,
    otherVenueId,
    admin: (await server.userToken(Role.venueAdmin, venueId)).token,
    otherAdmin: (await server.userToken(Role.venueAdmin, otherVenueId)).token,
    staff: (await server.userToken(Role.staff, venueId)).token,
  };
}

/** `startTwoVenues` before the tests of the calling file, disposed (books checked) after them. */
export function useTwoVenues(): TwoVenues {
  const get = useFileFixture(startTwoVenues, (started) => started.server.disposeBalanced());
  return {
    get server() {
      return get().server;
    },
    get venueId() {
      return get().venueId;
    },
    get otherVenueId() {
      return get().otherVenueId;
    },
    get admin() {
      return get().admin;
    },
    get otherAdmin() {
      return get().otherAdmin;
    },
    get staff() {
      return get().staff;
    },
  };
}
