import { createSignal } from 'solid-js';

export type RadioState = 'idle' | 'connecting' | 'playing' | 'paused' | 'down';

const [state, setState] = createSignal<RadioState>('idle');
const [elapsed, setElapsed] = createSignal(0);
const [problem, setProblem] = createSignal<string | null>(null);

/** One audio element for the whole app, so the radio keeps playing while the guest reads the feed. */
const audio = new Audio();
audio.preload = 'none';
let detach: (() => void) | null = null;
/** Settles once the stream in `current` is attached (hls.js may have to load first). */
let attaching: Promise<void> | null = null;
/**
 * Counts presses of Play and Pause: a Play still waiting for its stream to
 * attach starts it only if nothing was pressed since.
 */
let presses = 0;
/** The stream the audio element holds, and whose venue it is. */
const [current, setCurrent] = createSignal<{ url: string; venueName: string } | null>(null);

audio.addEventListener('playing', () => setState('playing'));
// Playback stopped for want of data (Wi-Fi dropped, the server stalled):
// often no error comes for a long while, and "Playing" over silence would be
// a lie. Not 'stalled': it fires while buffered audio still plays on.
audio.addEventListener('waiting', () => state() === 'playing' && setState('connecting'));
audio.addEventListener('pause', () => state() !== 'down' && setState('paused'));
audio.addEventListener('timeupdate', () => setElapsed(audio.currentTime));
audio.addEventListener('error', () => fail('The stream is down or cannot be played right now.'));

function fail(message: string) {
  setProblem(message);
  setState('down');
  stop();
}

function stop() {
  detach?.();
  detach = null;
  setCurrent(null);
  audio.pause();
  audio.removeAttribute('src');
  audio.load();
}

const isHls = (url: string) => /\.m3u8($|\?)/i.test(url);

/**
 * HLS plays natively where the browser can (Safari, Android Chrome) and
 * through hls.js, loaded only then, elsewhere; anything else (Icecast MP3
 * or AAC) is a plain audio source. Null when another stream was chosen
 * while hls.js loaded.
 */
async function attach(url: string): Promise<(() => void) | null> {
  if (!isHls(url) || audio.canPlayType('application/vnd.apple.mpegurl')) {
    audio.src = url;
    return () => undefined;
  }
  const { default: Hls } = await import('hls.js');
  // Checked before hls.js touches anything: it would take the audio element from the newer stream.
  if (current()?.url !== url) return null;
  if (!Hls.isSupported()) throw new Error('This browser cannot play the venue radio.');
  const hls = new Hls({ manifestLoadingMaxRetry: 2, levelLoadingMaxRetry: 2 });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    if (data.fatal) fail('The stream is down or cannot be played right now.');
  });
  hls.loadSource(url);
  hls.attachMedia(audio);
  return () => hls.destroy();
}

/** Media Session metadata: lock-screen controls, and playback that survives the screen going off. */
function announce(venueName: string) {
  if (!('mediaSession' in navigator)) return;
  navigator.mediaSession.metadata = new MediaMetadata({
    title: `${venueName} radio`,
    artist: venueName,
    album: 'NiteOS',
    artwork: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
    ],
  });
  navigator.mediaSession.setActionHandler('play', () => void audio.play());
  navigator.mediaSession.setActionHandler('pause', () => audio.pause());
}

export const radio = {
  state,
  elapsed,
  problem,
  current,
  async play(url: string, venueName: string) {
    const press = ++presses;
    setProblem(null);
    if (!navigator.onLine) {
      setProblem('You are offline: the radio needs a connection.');
      setState('down');
      return;
    }
    if (current()?.url !== url) {
      stop();
      setCurrent({ url, venueName });
      attaching = attach(url).then((attached) => {
        if (!attached) return;
        detach = attached;
        announce(venueName);
      });
    }
    setState('connecting');
    try {
      await attaching;
    } catch (err) {
      if (current()?.url === url) fail(err instanceof Error ? err.message : String(err));
      return;
    }
    if (press !== presses) return;
    try {
      await audio.play();
    } catch (err) {
      // AbortError: a pause or a new source came first; the newer request wins.
      if (!(err instanceof DOMException && err.name === 'AbortError'))
        fail('The stream is down or cannot be played right now.');
    }
  },
  pause() {
    presses++;
    audio.pause();
    // Still attaching, the element has no source and fires no pause event.
    if (state() === 'connecting') setState('paused');
  },
};
