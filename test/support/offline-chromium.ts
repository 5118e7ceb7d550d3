/**
 * Debian's Chromium (playwright-core never downloads a browser), started as this machine needs it: headless, without
 * the background connections a closed network refuses, and with anything not on loopback sent to a dead proxy, so
 * a page that works here works with the network cut off.
 */
import { chromium, type Browser } from 'playwright-core'

export function launchOfflineChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    proxy: { server: 'http://127.0.0.1:9', bypass: '127.0.0.1,localhost' },
  })
}
