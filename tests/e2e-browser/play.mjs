// Plays a stream in Chromium through hls.js on the page theta-edge serves, and checks that the video
// element advances past N seconds without a stall or a fatal player error. Saves a screenshot.
//   node play.mjs PAGE_URL SECONDS SCREENSHOT_PATH
// Exit codes: 0 played, 1 failed, 77 skipped (no Chromium here).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const [url, secondsText, screenshot] = process.argv.slice(2);
const seconds = Number(secondsText);
const candidates = [process.env.THETA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const executablePath = candidates.find((p) => p && existsSync(p));
if (!executablePath) {
  console.log('SKIP: no Chromium found (install the Debian package chromium or set THETA_CHROMIUM)');
  process.exit(77);
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
});
let failure = null;
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  const logs = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await page.goto(url);
  const started = Date.now();
  const limitMs = (seconds + 20) * 1000;
  for (;;) {
    const state = await page.evaluate(() => ({
      t: document.getElementById('video').currentTime,
      stalls: window.thetaPlayer.stalls,
      errors: window.thetaPlayer.errors,
      canH264: document.createElement('video').canPlayType('video/mp4; codecs="avc1.42E01E"'),
    }));
    if (state.errors.length > 0) { failure = `player error: ${state.errors.join('; ')}`; break; }
    if (state.stalls > 0) { failure = `playback stalled ${state.stalls} time(s) at t=${state.t}`; break; }
    if (state.t >= seconds) {
      console.log(`played to t=${state.t.toFixed(2)} s in ${(Date.now() - started) / 1000} s, no stall`);
      break;
    }
    if (Date.now() - started > limitMs) {
      failure = `video reached only t=${state.t} s in ${limitMs / 1000} s (H.264 support: "${state.canH264}")`;
      break;
    }
    await page.waitForTimeout(200);
  }
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  if (failure) console.log(logs.join('\n'));
} finally {
  await browser.close();
}
if (failure) {
  console.error(`FAIL: ${failure}`);
  process.exit(1);
}
