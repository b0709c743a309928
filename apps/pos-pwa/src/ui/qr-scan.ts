/**
 * Reads one QR code from the rear camera. Loaded only when staff press
 * "Scan QR", so the camera code is not in the till's start-up bundle.
 * Uses the browser's BarcodeDetector where present, jsQR otherwise.
 */
export async function scanQrOnce(timeoutMs = 30_000): Promise<string> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment' },
  });
  const video = document.createElement('video');
  video.setAttribute('playsinline', '');
  video.className = 'qr-video';
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  try {
    const detector =
      'BarcodeDetector' in window
        ? new (
            window as unknown as {
              BarcodeDetector: new (
                o: object,
              ) => { detect(v: HTMLVideoElement): Promise<{ rawValue: string }[]> };
            }
          ).BarcodeDetector({ formats: ['qr_code'] })
        : null;
    const jsQR = detector ? null : (await import('jsqr')).default;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
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
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.remove();
  }
}
