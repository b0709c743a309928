/**
 * Whether a waiting new version of the till may install itself now.
 * Installing reloads the app, in every tab of it: that signs staff out (the
 * order they are building waits for them to sign in again), so it never
 * happens under a signed-in bartender, here or in another tab, who is asked
 * instead. It also waits until every op has reached the server, so no sale
 * sits out the reload in the queue.
 */
export function updateAppliesItself(till: {
  signedInAnywhere: boolean;
  queued: number;
  syncing: boolean;
}): boolean {
  return !till.signedInAnywhere && till.queued === 0 && !till.syncing;
}
