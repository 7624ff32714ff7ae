/** How the tests start Debian's Chromium (DESIGN.md §5): headless, no background traffic, fake camera/mic without prompts, loopback ICE candidates. */
export const CHROMIUM_PATH = process.env.PEERLINK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_BASE_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
];
