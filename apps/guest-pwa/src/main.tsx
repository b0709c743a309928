import { registerSW } from 'virtual:pwa-register';
import { createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import { App } from './ui/app.tsx';
import { UpdatePrompt } from './ui/update-prompt.tsx';
import './index.css';

const [updateReady, setUpdateReady] = createSignal(false);
// workbox-window (through vite-plugin-pwa) tells us when a new version waits.
const updateSW = registerSW({ onNeedRefresh: () => setUpdateReady(true) });

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
render(
  () => <App banner={<UpdatePrompt ready={updateReady} apply={() => void updateSW(true)} />} />,
  root,
);
