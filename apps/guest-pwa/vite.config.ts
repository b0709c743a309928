import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';

/** Paths the guest app's service worker must leave to the network (and to the till's own worker). */
const NOT_OURS = [/^\/pos(\/|$)/, /^\/api\//, /^\/health(\/|$)/, /^\/metrics$/];

/**
 * The guest app lives at `/`. Its shell is precached so every screen opens
 * offline; the data shown offline comes from the app's own last-known copy
 * (marked stale), never from a cached API response.
 */
export default defineConfig({
  base: '/',
  plugins: [
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.png'],
      manifest: {
        id: '/',
        name: 'NiteOS',
        short_name: 'NiteOS',
        description: 'Your Nitecoin wallet, NiteTap QR, venue feed, market and radio.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#0b0b12',
        theme_color: '#0b0b12',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: '/icons/maskable-192.png',
            sizes: '192x192',
            type: 'image/png',
            purpose: 'maskable',
          },
          {
            src: '/icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        // hls.js (180 KB gzipped) is needed only to play the radio, which needs the network anyway.
        globIgnores: ['**/hls-*.js'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: NOT_OURS,
        runtimeCaching: [
          {
            // Feed pictures, so a post read online still shows its image offline.
            urlPattern: ({ request, url }) =>
              request.destination === 'image' && !NOT_OURS.some((p) => p.test(url.pathname)),
            handler: 'StaleWhileRevalidate',
            options: {
              cacheName: 'feed-images',
              expiration: { maxEntries: 80, maxAgeSeconds: 14 * 24 * 3600 },
              cacheableResponse: { statuses: [0, 200] },
            },
          },
        ],
      },
    }),
  ],
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
  // hls.js alone is a 578 KB chunk, loaded only when the radio plays an HLS stream.
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 600 },
});
