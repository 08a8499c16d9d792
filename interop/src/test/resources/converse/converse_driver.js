// ConverseIT's browser side: Debian's chromium, headless, driven by playwright-core (NODE_PATH names
// interop/src/test/js/node_modules), runs converse.js from the page the test serves, logged in over XMPP over
// WebSocket or, when the page's fragment names a bosh= endpoint, over BOSH. Prints "step <name> ok ..." for each step done and "screenshot <path>" for each PNG saved; any failure
// prints "error ..." and exits 1. Every wait has a deadline, and a watchdog ends the whole run.
//
// usage: node converse_driver.js PAGE_URL PEER_JID TEXT_TO_PEER TEXT_FROM_PEER OUT_DIR
'use strict';
const path = require('path');
const fs = require('fs');
const { chromium } = require('playwright-core');

const [pageUrl, peer, toPeer, fromPeer, outDir] = process.argv.slice(2);
const WAIT_MS = 20_000;
const RUN_MS = 55_000;

const started = Date.now();
const overBosh = new URL(pageUrl).hash.includes('bosh=');
let browser;
const consoleLog = fs.createWriteStream(path.join(outDir, 'browser-console.log'));

function step(name, detail) {
  console.log(`step ${name} ok${detail ? ' ' + detail : ''} (${Date.now() - started} ms)`);
}

async function screenshot(page, name) {
  const file = path.join(outDir, name);
  await page.screenshot({ path: file, timeout: WAIT_MS });
  console.log(`screenshot ${file}`);
  return file;
}

/** The promise's value, or an error naming what did not happen within ms. */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const watchdog = setTimeout(() => {
  console.log(`error the driver ran past ${RUN_MS} ms`);
  // playwright kills the browsers it launched when the process exits.
  process.exit(2);
}, RUN_MS);

async function main() {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: WAIT_MS,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  step('browser', browser.version());
  // The uploads go to the node's HTTPS listener, whose certificate is its self-signed development one: this
  // browser context (and nothing else) accepts it.
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack || e}\n`));
  page.on('requestfailed', (r) => consoleLog.write(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}\n`));
  // What goes each way: each WebSocket message (RFC 7395: one stanza or framing element per message), or each BOSH
  // request and response body (XEP-0124: any number of stanzas in a <body/>).
  const framesLog = fs.createWriteStream(path.join(outDir, overBosh ? 'bosh-bodies.log' : 'websocket-frames.log'));
  // The IQs converse sent (get and set) that the node has not answered yet, by id.
  const pendingIqs = new Map();
  let onAllAnswered;
  let onEnded;
  const ended = new Promise((resolve) => { onEnded = resolve; });
  const iqs = (xml, types) => [...String(xml).matchAll(/<iq\b[^>]*>/g)]
    .map((m) => ({ tag: m[0], type: /\stype=["'](\w+)["']/.exec(m[0])?.[1], id: /\sid=["']([^"']+)["']/.exec(m[0])?.[1] }))
    .filter((iq) => iq.id && types.includes(iq.type));
  const sent = (xml) => {
    framesLog.write(`${Date.now() - started} > ${xml}\n`);
    for (const iq of iqs(xml, ['get', 'set'])) pendingIqs.set(iq.id, { at: Date.now() - started, stanza: iq.tag });
  };
  const received = (xml) => {
    framesLog.write(`${Date.now() - started} < ${xml}\n`);
    for (const iq of iqs(xml, ['result', 'error'])) {
      if (pendingIqs.delete(iq.id) && pendingIqs.size === 0 && onAllAnswered) onAllAnswered();
    }
  };
  page.on('websocket', (ws) => {
    consoleLog.write(`[websocket] ${ws.url()}\n`);
    ws.on('framesent', (f) => sent(f.payload));
    ws.on('framereceived', (f) => received(f.payload));
    ws.on('close', () => {
      framesLog.write(`${Date.now() - started} (closed)\n`);
      onEnded();
    });
  });
  page.on('response', async (r) => {
    if (r.request().method() !== 'POST' || !r.url().includes('/http-bind')) return;
    const body = r.request().postData() || '';
    sent(body);
    const text = await r.text().catch(() => '');
    received(text);
    // XEP-0124 §13: the answer to the terminate request ends the session.
    if (/\stype=["']terminate["']/.test(body) || /\stype=["']terminate["']/.test(text.slice(0, 300))) {
      framesLog.write(`${Date.now() - started} (terminated)\n`);
      onEnded();
    }
  });
  // Only the test's page server and the node (loopback): converse's login page links images on conversejs.org.
  await context.route(
    (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
    (route) => route.abort('blockedbyclient'),
  );

  await page.goto(pageUrl);
  // auto_login: converse connects to websocket_url (or bosh_service_url) and authenticates; connected once the
  // resource is bound.
  await page.waitForFunction(() => window.rookery?.api?.connection?.connected?.() === true, null, { timeout: WAIT_MS });
  const conn = await page.evaluate(() => {
    const c = window.rookery.api.connection.get();
    return { service: c.service, jid: c.jid, websocket: !!c._proto?.socket || c._proto?.constructor?.name };
  });
  step('connected', `jid=${conn.jid} service=${conn.service} websocket=${conn.websocket}`);

  // Opens the chat as the "Start a new chat" modal does (api.chats.open), then types in its composer.
  await page.evaluate((jid) => window.rookery.api.chats.open(jid, {}, true), peer);
  const chat = page.locator(`converse-chat[jid="${peer}"]`);
  const textarea = chat.locator('textarea.chat-textarea');
  await textarea.waitFor({ state: 'visible' });
  step('chat-open', peer);
  await textarea.fill(toPeer);
  await textarea.press('Enter');
  await chat.locator('.chat-msg__text', { hasText: toPeer }).waitFor();
  step('sent', toPeer);

  // The test's Smack client answers once it has the message.
  await chat.locator('.chat-msg__text', { hasText: fromPeer }).waitFor();
  step('received', fromPeer);
  const chatPng = await screenshot(page, 'converse-chat.png');

  // XEP-0363 through converse's paperclip button: converse asks upload.<domain> for a slot, PUTs the file (a CORS
  // request to the node's HTTPS listener) and sends the GET URL to the peer.
  const chooser = page.waitForEvent('filechooser', { timeout: WAIT_MS });
  await chat.locator('button[title="Choose a file to send"]').click();
  await (await chooser).setFiles(chatPng);
  step('file-chosen', chatPng);
  const img = chat.locator('img[src*="/upload/"]').last();
  await img.waitFor();
  const src = await img.getAttribute('src');
  // Loaded from the node (GET on its HTTPS listener) and shown.
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: WAIT_MS });
  step('uploaded', src);
  await screenshot(page, 'converse-upload.png');

  // Every IQ converse sent is answered (RFC 6120 §8.2.3) before the logout.
  if (pendingIqs.size > 0) {
    const allAnswered = new Promise((resolve) => { onAllAnswered = resolve; });
    const waitFrom = Date.now();
    try {
      await within(allAnswered, WAIT_MS, 'the node answers every IQ converse sent');
      step('iqs-answered', `after ${Date.now() - waitFrom} ms more`);
    } catch (e) {
      console.log(`unanswered ${pendingIqs.size} IQs: ${[...pendingIqs.values()].map((p) => `at ${p.at} ms ${p.stanza}`).join('\n  ')}`);
      throw e;
    }
  } else {
    step('iqs-answered');
  }

  // Logging out ends the stream (RFC 7395 §3.6): converse sends unavailable presence and <close/>. Strophe closes
  // the WebSocket right after its <close/> (it does not wait for the node's), so the node's answer is not seen
  // here; the test checks that the node ended the session (no resumption kept for it). Over BOSH: a request of
  // type terminate (XEP-0124 §13) carrying the unavailable presence, and its answer.
  await page.evaluate(() => window.rookery.api.user.logout());
  await within(ended, WAIT_MS, overBosh ? 'the BOSH session terminates after the logout'
    : 'the WebSocket closes after the logout');
  const connected = await page.evaluate(() => window.rookery.api.connection.connected());
  if (connected) throw new Error('converse still connected after its logout');
  step('logged-out');
}

main()
  .then(async () => {
    await browser.close();
    clearTimeout(watchdog);
    console.log('driver complete');
  })
  .catch(async (e) => {
    console.log(`error ${String(e.stack || e).replace(/\n/g, '\n  ')}`);
    try {
      if (browser) {
        const pages = browser.contexts().flatMap((c) => c.pages());
        if (pages.length) await screenshot(pages[0], 'converse-failure.png');
      }
    } catch (ignored) {
      // the failure itself is what counts
    }
    if (browser) await browser.close().catch(() => {});
    process.exit(1);
  });
