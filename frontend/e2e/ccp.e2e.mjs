// End-to-end test of the built CCP in headless Chromium against a real parleyd. Run by the Go
// test app/e2e_test.go (TestBrowserE2E), which starts the backend and two harness servers
// (one per window: agent and supervisor) and passes their addresses in the environment.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: run this through the Go test (go test ./app -run TestBrowserE2E)`);
  return v;
};
const AGENT_URL = env('AGENT_URL');
const SUPERVISOR_URL = env('SUPERVISOR_URL');
const BACKEND = env('BACKEND');
const CONTROL_URL = env('CONTROL_URL');
const OUT_DIR = env('OUT_DIR');
mkdirSync(OUT_DIR, { recursive: true });

const T = 15000;
let step = '';
const log = (s) => {
  step = s;
  console.log('step:', s);
};

const browser = await chromium.launch({
  executablePath: env('CHROMIUM'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-component-update', '--disable-sync'],
});

async function open(url, name) {
  const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[${name} console] ${m.text()}`); });
  page.on('pageerror', (e) => { console.log(`[${name} pageerror] ${e.message}`); failures.push(`${name}: ${e.message}`); });
  await page.goto(url);
  await page.evaluate(() => window.__shimReady);
  return page;
}

async function signIn(page, user, pass) {
  await page.getByLabel('Backend address').fill(BACKEND);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const failures = [];

// the backend's REST API, for what a customer or an admin does (start a task)
async function api(method, path, body, token) {
  const r = await fetch(`http://${BACKEND}${path}`, {
    method, headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const cardState = (page, state) => page.waitForFunction((s) => document.querySelector('[data-testid=contact-card]')?.getAttribute('data-state') === s, state, { timeout: T });
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

let agent, sup;
try {
  log('agent: the sign-in form is keyboard reachable and labelled');
  agent = await open(AGENT_URL, 'agent');
  await agent.getByRole('heading', { name: 'Sign in to Parley' }).waitFor({ timeout: T });
  // keyboard: Tab reaches each labelled control in order
  await agent.locator('#address').focus();
  const focused = ['address'];
  for (let i = 0; i < 3; i++) {
    await agent.keyboard.press('Tab');
    focused.push(await agent.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim()));
  }
  check(focused.join(',') === 'address,username,password,Sign in', `tab order: ${focused}`);
  const outline = await agent.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  check(outline !== 'none', `focus is visible (outline ${outline})`);

  log('agent: a wrong password shows a clear error');
  await signIn(agent, 'agent1', 'wrong');
  await agent.getByTestId('signin-error').waitFor({ timeout: T });
  check((await agent.getByTestId('signin-error').textContent()).includes('username or password is wrong'), 'wrong password message');

  log('agent: sign in as agent1');
  await signIn(agent, 'agent1', 'agent1-demo');
  const status = agent.getByTestId('current-status');
  await status.waitFor({ timeout: T });
  await agent.waitForFunction(() => document.querySelector('[data-testid=current-status]')?.textContent === 'Offline', null, { timeout: T });
  check((await agent.title()) === 'Parley — agent1', `title ${await agent.title()}`);
  const options = await agent.getByTestId('status-select').locator('option').allTextContents();
  check(options.join(',').startsWith('Available,Break,Lunch,Training'), `status options: ${options}`);

  log('agent: the softphone registers with the backend after sign-in');
  await agent.waitForFunction(() => document.querySelector('[data-testid=softphone-status]')?.getAttribute('data-registered') === 'true', null, { timeout: T });

  log('agent: go Available');
  await agent.getByLabel('Choose a status').selectOption({ label: 'Available' });
  await agent.waitForFunction(() => {
    const el = document.querySelector('[data-testid=current-status]');
    return el?.textContent === 'Available' && el.getAttribute('data-state') === 'AVAILABLE';
  }, null, { timeout: T });
  await agent.screenshot({ path: join(OUT_DIR, 'agent-available.png') });

  log('a task reaches the agent: incoming card with its screen pop; Ctrl+Shift+A accepts');
  const admin = await api('POST', '/v1/auth/login', { username: 'admin', password: 'admin-demo' });
  const sales = (await api('GET', '/v1/queues', null, admin.token)).items.find((q) => q.name === 'Sales');
  const task1 = await api('POST', '/v1/tasks', { name: 'Call back Ms. Smith', description: 'About invoice 42',
    queueId: sales.id, attributes: { tier: 'gold' } }, admin.token);
  await cardState(agent, 'INCOMING');
  const card = agent.getByTestId('contact-card');
  check((await card.getByRole('heading').textContent()).includes('Incoming task'), 'incoming heading');
  await agent.getByTestId('contact-name').waitFor({ timeout: T });
  check((await agent.getByTestId('contact-name').textContent()) === 'Call back Ms. Smith', 'task name in the screen pop');
  check((await card.textContent()).includes('gold'), 'attributes in the screen pop');
  await agent.screenshot({ path: join(OUT_DIR, 'agent-incoming.png') });
  await agent.keyboard.press('Control+Shift+A');
  await cardState(agent, 'CONNECTED');
  await api('POST', `/v1/tasks/${task1.id}/complete`, null, admin.token);
  await agent.getByTestId('no-contacts').waitFor({ timeout: T });

  log('Ctrl+Shift+D rejects: the agent is Missed, and Go Available is the way out');
  const task2 = await api('POST', '/v1/tasks', { name: 'Second task', queueId: sales.id }, admin.token);
  await cardState(agent, 'INCOMING');
  await agent.keyboard.press('Control+Shift+D');
  await agent.getByTestId('missed-banner').waitFor({ timeout: T });
  await agent.screenshot({ path: join(OUT_DIR, 'agent-missed.png') });
  await agent.getByRole('button', { name: 'Go Available' }).click();
  // the rejected task went back to its queue and comes to the agent again: accept with the button
  await cardState(agent, 'INCOMING');
  await agent.getByRole('button', { name: /Accept/ }).click();
  await cardState(agent, 'CONNECTED');
  await api('POST', `/v1/tasks/${task2.id}/complete`, null, admin.token);
  await agent.getByTestId('no-contacts').waitFor({ timeout: T });
  await agent.waitForFunction(() => document.querySelector('[data-testid=current-status]')?.getAttribute('data-state') === 'AVAILABLE', null, { timeout: T });

  log('supervisor: sign in and open the supervisor view');
  sup = await open(SUPERVISOR_URL, 'supervisor');
  await signIn(sup, 'supervisor', 'supervisor-demo');
  await sup.getByRole('tab', { name: 'Supervisor' }).click();
  const row = sup.locator('[data-testid=agent-row]', { hasText: 'agent1' });
  await row.waitFor({ timeout: T });
  await sup.waitForFunction(() => [...document.querySelectorAll('[data-testid=agent-row]')]
    .some((r) => r.textContent.includes('agent1') && r.querySelector('[data-testid=agent-status]')?.textContent === 'Available'), null, { timeout: T });
  const queues = await sup.getByTestId('queues-table').locator('tbody tr').allTextContents();
  check(['Sales', 'Support', 'Billing'].every((q) => queues.some((r) => r.includes(q))), `queues table: ${queues}`);
  await sup.getByTestId('queue-chart').locator('canvas').waitFor({ timeout: T });

  log('supervisor: filter and sort the agents table');
  await sup.getByLabel('Filter agents').fill('alex');
  check((await sup.locator('[data-testid=agent-row]').count()) === 1, 'filter keeps one row');
  await sup.getByLabel('Filter agents').fill('');
  await sup.getByRole('button', { name: 'Agent', exact: true }).click();
  const sortState = await sup.locator('th', { has: sup.getByRole('button', { name: 'Agent', exact: true }) }).getAttribute('aria-sort');
  check(sortState === 'descending', `aria-sort after a click: ${sortState}`);

  log('supervisor: set agent1 to Break; the agent window follows through the event stream');
  await row.getByTestId('agent-set-status').selectOption({ label: 'Break' });
  await agent.waitForFunction(() => document.querySelector('[data-testid=current-status]')?.textContent === 'Break', null, { timeout: T });
  await sup.waitForFunction(() => [...document.querySelectorAll('[data-testid=agent-row]')]
    .some((r) => r.textContent.includes('agent1') && r.querySelector('[data-testid=agent-status]')?.textContent === 'Break'), null, { timeout: T });
  await sup.screenshot({ path: join(OUT_DIR, 'supervisor.png'), fullPage: true });

  log('backend lost: both windows show the banner, then reconnect');
  await fetch(CONTROL_URL + '/stop');
  await agent.getByTestId('connection-banner').waitFor({ timeout: 30000 });
  check((await agent.getByTestId('connection-banner').textContent()).includes('Connection to the backend lost'), 'banner text');
  await agent.screenshot({ path: join(OUT_DIR, 'agent-reconnecting.png') });
  await fetch(CONTROL_URL + '/start');
  await agent.waitForFunction(() => document.querySelector('[data-testid=connection-state]')?.getAttribute('data-state') === 'connected', null, { timeout: 40000 });
  await agent.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: T });
  await sup.waitForFunction(() => document.querySelector('[data-testid=connection-state]')?.getAttribute('data-state') === 'connected', null, { timeout: 40000 });

  log('agent: after the reconnection the agent is back online and the status still works');
  await agent.getByTestId('current-status').waitFor({ timeout: T });
  await agent.getByLabel('Choose a status').selectOption({ label: 'Available' });
  await agent.waitForFunction(() => document.querySelector('[data-testid=current-status]')?.textContent === 'Available', null, { timeout: T });
  log('agent: the softphone registered again with the restarted backend');
  await agent.waitForFunction(() => document.querySelector('[data-testid=softphone-status]')?.getAttribute('data-registered') === 'true', null, { timeout: T });

  log('agent: audio settings view is reachable and labelled');
  await agent.getByRole('tab', { name: 'Audio' }).click();
  await agent.getByLabel('Microphone', { exact: true }).waitFor({ timeout: T });
  await agent.getByLabel('Speaker', { exact: true }).waitFor({ timeout: T });
  await agent.getByLabel('Ringer', { exact: true }).waitFor({ timeout: T });
  await agent.getByRole('tab', { name: 'Contacts' }).click();

  log('agent: sign out; address and username are remembered, the password is not');
  await agent.getByTestId('sign-out').click();
  await agent.getByRole('heading', { name: 'Sign in to Parley' }).waitFor({ timeout: T });
  await agent.reload();
  await agent.evaluate(() => window.__shimReady);
  await agent.waitForFunction(() => document.querySelector('#username')?.value === 'agent1', null, { timeout: T });
  check((await agent.locator('#address').inputValue()).includes(BACKEND), 'address remembered');
  check((await agent.locator('#password').inputValue()) === '', 'password empty');
  await agent.screenshot({ path: join(OUT_DIR, 'signin.png') });

  log('supervisor: sign out');
  await sup.getByTestId('sign-out').click();
  await sup.getByRole('heading', { name: 'Sign in to Parley' }).waitFor({ timeout: T });
  check(failures.length === 0, `page errors: ${failures.join('; ')}`);
  console.log('e2e: all steps passed');
} catch (e) {
  console.error(`e2e FAILED at step "${step}": ${e.message}`);
  for (const [name, p] of [['agent', agent], ['supervisor', sup]]) {
    if (p) await p.screenshot({ path: join(OUT_DIR, `failure-${name}.png`), fullPage: true }).catch(() => {});
  }
  await browser.close();
  process.exit(1);
}
await browser.close();
