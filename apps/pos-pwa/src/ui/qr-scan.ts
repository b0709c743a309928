/**
 * Reads one QR code from the rear camera. Loaded only when staff press
 * "Scan QR", so the camera code is not in the till's start-up bundle.
 * Uses the browser's BarcodeDetector where present, jsQR otherwise.
 * Resolves to null when staff cancel.
 */
export async function scanQrOnce(timeoutMs = 30_000): Promise<string | null> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment' },
  });
  const view = openCameraView(stream);
  const cancelled = new Promise<null>((resolve) =>
    view.closed.addEventListener('abort', () => resolve(null)),
  );
  try {
    return await Promise.race([cancelled, readQr(view.video, timeoutMs, view.closed)]);
  } finally {
    view.close();
  }
}

/**
 * The camera view over the till, with a Cancel button: it covers most of
 * the screen, so staff must be able to get the till back at once, not
 * after the scan times out. Closing stops the camera and removes the view.
 */
function openCameraView(stream: MediaStream) {
  const closing = new AbortController();
  const overlay = document.createElement('div');
  overlay.className = 'qr-overlay';
  overlay.dataset.testid = 'qr-overlay';
  const video = document.createElement('video');
  video.setAttribute('playsinline', '');
  // Muted media may always play by itself, whatever the autoplay policy.
  video.muted = true;
  video.srcObject = stream;
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary big';
  cancel.textContent = 'Cancel';
  cancel.dataset.testid = 'qr-cancel';
  cancel.addEventListener('click', () => closing.abort());
  overlay.append(video, cancel);
  document.body.append(overlay);
  closing.signal.addEventListener('abort', () => {
    for (const track of stream.getTracks()) track.stop();
    overlay.remove();
  });
  return { video, closed: closing.signal, close: () => closing.abort() };
}

type Detector = { detect(v: HTMLVideoElement): Promise<{ rawValue: string }[]> };

/** Looks for a QR code in the video until one is seen, the time is up, or the view closes. */
async function readQr(
  video: HTMLVideoElement,
  timeoutMs: number,
  closed: AbortSignal,
): Promise<string> {
  await video.play();
  const detector =
    'BarcodeDetector' in window
      ? new (window as unknown as { BarcodeDetector: new (o: object) => Detector }).BarcodeDetector(
          { formats: ['qr_code'] },
        )
      : null;
  const jsQR = detector ? null : (await import('jsqr')).default;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const deadline = Date.now() + timeoutMs;
  while (!closed.aborted && Date.now() < deadline) {
    if (detector) {
      const [found] = await detector.detect(video);
      if (found) return found.rawValue;
    } else if (jsQR && ctx && video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const code = jsQR(image.data, image.width, image.height);
      if (code) return code.data;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error('no QR code seen');
}
