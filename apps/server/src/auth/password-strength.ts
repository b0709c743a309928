import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { badRequest } from '../errors.ts';

/**
 * zxcvbn-ts rather than a list of our own: it knows tens of thousands of
 * common passwords and the patterns crackers try first (repeats,
 * sequences, keyboard walks, a word and a year), and estimates guesses the
 * way they do. Loaded once: its dictionaries take a moment to build.
 */
const estimator = new ZxcvbnFactory({
  dictionary: common.dictionary,
  graphs: common.adjacencyGraphs,
});

/**
 * Score 2 is about a million guesses or more: "password1", "12345678" and
 * "aaaaaaaa" score 0, "nightowl" 1, three plain words 3. A guest's account
 * shows the QR a bar takes for payment, so a guessable password is a
 * spendable one.
 */
const MIN_SCORE = 2;

/** The account's own words a guesser tries first: its email, the name in it, its display name. */
function ownWords(account: { email: string; displayName?: string | null }): string[] {
  const local = account.email.split('@')[0] ?? '';
  const name = account.displayName ?? '';
  return [
    account.email,
    local,
    ...local.split(/[^\p{L}\p{N}]+/u),
    name,
    ...name.split(/\s+/),
  ].filter(Boolean);
}

/** Refuses (400) a new password that is easy to guess, also from the account's own email or name. */
export async function assertHardToGuess(
  password: string,
  account: { email: string; displayName?: string | null },
): Promise<void> {
  const { score } = await estimator.check(password, ownWords(account));
  if (score < MIN_SCORE)
    throw badRequest(
      'this password is too easy to guess (a common password, a word and a number, a repeat ' +
        'or a sequence): use a longer one, such as three words that do not belong together',
    );
}
