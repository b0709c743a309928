import { createSignal } from 'solid-js';

export type RadioState = 'idle' | 'connecting' | 'playing' | 'paused' | 'down';

const [state, setState] = createSignal<RadioState>('idle');
const [elapsed, setElapsed] = createSignal(0);
const [problem, setProblem] = createSignal<string | null>(null);

/** One audio element for the whole app, so the radio keeps playing while the guest reads the feed. */
const audio = new Audio();
audio.preload = 'none';
let detach: (() => void) | null = null;
/** The stream the audio element holds, and whose venue it is. */
const [current, setCurrent] = createSignal<{ url: string; venueName: string } | null>(null);

audio.addEventListener('playing', () => setState('playing'));
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
 * or AAC) is a plain audio source.
 */
async function attach(url: string) {
  if (!isHls(url) || audio.canPlayType('application/vnd.apple.mpegurl')) {
    audio.src = url;
    return () => undefined;
  }
  const { default: Hls } = await import('hls.js');
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
    setProblem(null);
    if (!navigator.onLine) {
      setProblem('You are offline: the radio needs a connection.');
      setState('down');
      return;
    }
    if (current()?.url !== url) {
      stop();
      setState('connecting');
      setCurrent({ url, venueName });
      try {
        detach = await attach(url);
      } catch (err) {
        fail(err instanceof Error ? err.message : String(err));
        return;
      }
      announce(venueName);
    }
    setState('connecting');
    try {
      await audio.play();
    } catch (err) {
      // AbortError: a pause or a new source came first; the newer request wins.
      if (!(err instanceof DOMException && err.name === 'AbortError'))
        fail('The stream is down or cannot be played right now.');
    }
  },
  pause() {
    audio.pause();
  },
};
