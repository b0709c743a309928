/**
 * Whether a waiting new version of the till may install itself now.
 * Installing reloads the app: that signs staff out (the order they are
 * building waits for them to sign in again), so it never happens under a
 * signed-in bartender, who is asked instead. It also waits until every op
 * has reached the server, so no sale sits out the reload in the queue.
 */
export function updateAppliesItself(till: {
  signedIn: boolean;
  queued: number;
  syncing: boolean;
}): boolean {
  return !till.signedIn && till.queued === 0 && !till.syncing;
}
