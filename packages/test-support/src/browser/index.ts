/** Browser-test helpers: Debian's Chromium and page objects of the NiteOS apps. */
export * from './chromium.ts';
export * from './till-page.ts';
