import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';

/**
 * The till is served under /pos/. Its shell and assets are precached by the
 * service worker, so a cold start with no network still opens the till.
 */
export default defineConfig({
  base: '/pos/',
  plugins: [
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.png'],
      manifest: {
        id: '/pos/',
        name: 'NiteOS Till',
        short_name: 'Till',
        description: 'Sell, top up and cash out at the bar, online or off.',
        start_url: '/pos/',
        scope: '/pos/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#0b0b12',
        theme_color: '#0b0b12',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: 'icons/maskable-192.png',
            sizes: '192x192',
            type: 'image/png',
            purpose: 'maskable',
          },
          {
            src: 'icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        navigateFallback: '/pos/index.html',
        navigateFallbackAllowlist: [/^\/pos\//],
        // The API is never cached: ops and balances must be live or clearly offline.
        navigateFallbackDenylist: [/^\/api\//],
      },
    }),
  ],
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
  build: { target: 'es2022', sourcemap: true },
});
