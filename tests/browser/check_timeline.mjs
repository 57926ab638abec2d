// Opens an HTML timeline written by `upwatch report --html` in headless Chromium (Debian's),
// as a person would, and prints what the page shows as one JSON object: the verdict, the
// windows and failure marks drawn, what hovering a window and a failed probe shows, any script
// error or network request (there must be none), and how long it took to load.
// Usage: node check_timeline.mjs PAGE.html SCREENSHOT.png
import { chromium } from 'playwright-core';
import path from 'node:path';

const [page_file, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.UPWATCH_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) errors.push('request: ' + request.url());
  });
  const started = Date.now();
  await page.goto('file://' + path.resolve(page_file), { waitUntil: 'load' });
  const load_ms = Date.now() - started;

  const shown = await page.evaluate(() => {
    const widths = (selector) =>
      [...document.querySelectorAll(selector)].map((each) => each.getBoundingClientRect().width);
    return {
      ready: document.body.dataset.ready === 'yes',
      verdict: document.getElementById('verdict').textContent,
      reasons: document.getElementById('reasons').textContent,
      seed: [...document.querySelectorAll('dl.seed dt')].map((each) => each.textContent),
      window_marks: document.querySelectorAll('#windows rect.window').length,
      window_rows: document.querySelectorAll('#window-list tr.window-row').length,
      gap_marks: document.querySelectorAll('#gaps rect.gap').length,
      mark_marks: document.querySelectorAll('#marks rect.mark').length,
      mark_rows: document.querySelectorAll('#mark-list tr').length - (document.getElementById('mark-list') ? 1 : 0),
      probe_columns: document.querySelectorAll('#probes rect').length,
      down_column_widths: widths('#probes rect.down'),
      window_mark_widths: widths('#windows rect.window'),
      latency_marks: document.querySelectorAll('#latency rect.band').length,
      phase_lines: [...document.querySelectorAll('#latency path.phase')].map((each) => each.dataset.phase),
      version_lanes: [...document.querySelectorAll('svg.versions')].map((lane) => ({
        name: lane.dataset.name,
        marks: lane.querySelectorAll('rect.version').length,
      })),
      switches: [...document.querySelectorAll('ul.switches li')].map((each) => each.textContent),
    };
  });

  // What hovering shows: the tooltip's text, or null if it stays hidden.
  const hover = async (selector) => {
    const target = await page.$(selector);
    if (!target) return null;
    const box = await target.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    return page.evaluate(() => {
      const tip = document.getElementById('tip');
      return tip.hidden ? null : tip.textContent;
    });
  };
  shown.window_tip = await hover('#windows rect.window');
  shown.window_row_highlighted = await page.evaluate(
    () => document.querySelectorAll('#window-list tr.highlight').length);
  shown.down_tip = await hover('#probes rect.down');
  shown.up_tip = await hover('#probes rect.up');
  shown.version_tip = await hover('svg.versions rect.version');
  shown.mark_tip = await hover('#marks rect.mark');
  await page.mouse.move(1, 1);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...shown, errors, load_ms }));
} finally {
  await browser.close();
}
