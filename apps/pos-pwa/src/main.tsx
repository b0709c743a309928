import { registerSW } from 'virtual:pwa-register';
import { createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { config } from './config.ts';
import { openTillDb } from './db/database.ts';
import { requestPersistentStorage, STORAGE_WARNING } from './ops/enroll.ts';
import { createTillStore, TillProvider } from './state/till-store.tsx';
import { createApi } from './sync/api.ts';
import { App } from './ui/app.tsx';
import './index.css';

const store = createTillStore(
  openTillDb(),
  createApi(config.apiBase, { timeoutMs: config.requestTimeoutMs }),
);
const [updateReady, setUpdateReady] = createSignal(false);
// workbox-window (through vite-plugin-pwa) tells us when a new version waits.
const updateSW = registerSW({ onNeedRefresh: () => setUpdateReady(true) });

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
if (location.pathname.startsWith('/pos/admin')) {
  // The back office is its own chunk: tills never download it unless an admin opens it.
  void import('./admin/admin-app.tsx').then(({ AdminApp }) => render(() => <AdminApp />, root));
} else {
  render(
    () => (
      <TillProvider store={store}>
        <App updateReady={updateReady} applyUpdate={() => void updateSW(true)} />
      </TillProvider>
    ),
    root,
  );
  store.engine.start();
  void store.db.device.get('device').then(async (device) => {
    if (device && !(await requestPersistentStorage())) store.setStorageWarning(STORAGE_WARNING);
  });
}
