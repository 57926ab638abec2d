// Opens an HTML timeline written by `upwatch report --html` in headless Chromium (Debian's),
// as a person would, and prints what the page shows as one JSON object: the verdict, the
// windows and failure marks drawn for each target, the labels of its axes and marks (and any
// that are cut off or overlap), what hovering a window and a failed probe shows, any script
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
    const widths = (scope, selector) =>
      [...scope.querySelectorAll(selector)].map((each) => each.getBoundingClientRect().width);
    // What each target's section draws.
    const drawn = (section) => ({
      name: section.dataset.target,
      window_marks: section.querySelectorAll('.windows rect.window').length,
      window_rows: section.querySelectorAll('.window-list tr.window-row').length,
      gap_marks: section.querySelectorAll('.gaps rect.gap').length,
      mark_lines: section.querySelectorAll('svg.timeline .marks rect.mark').length,
      probe_columns: section.querySelectorAll('.probes rect').length,
      down_column_widths: widths(section, '.probes rect.down'),
      window_mark_widths: widths(section, '.windows rect.window'),
      latency_marks: section.querySelectorAll('svg.latency rect.band').length,
      phase_lines: [...section.querySelectorAll('svg.latency path.phase')].map((each) => each.dataset.phase),
      version_lanes: [...section.querySelectorAll('svg.versions')].map((lane) => ({
        name: lane.dataset.name,
        marks: lane.querySelectorAll('rect.version').length,
      })),
      switches: [...section.querySelectorAll('ul.switches li')].map((each) => each.textContent),
    });
    // Labels cut off by the window's edges, or overlapping their neighbours.
    const clipped = [];
    const page_width = document.documentElement.clientWidth;
    for (const row of document.querySelectorAll('.axis, .mark-labels')) {
      const boxes = [...row.children].map((each) => [each.textContent, each.getBoundingClientRect()]);
      boxes.forEach(([text, box], k) => {
        if (box.left < 0 || box.right > page_width) clipped.push('off the page: ' + text);
        for (const [other, next] of boxes.slice(k + 1)) {
          const apart = box.right <= next.left || next.right <= box.left ||
                        box.bottom <= next.top || next.bottom <= box.top;
          if (!apart) clipped.push(text + ' overlaps ' + other);
        }
      });
    }
    const targets = [...document.querySelectorAll('section.target')].map(drawn);
    return {
      ready: document.body.dataset.ready === 'yes',
      verdict: document.getElementById('verdict').textContent,
      reasons: document.getElementById('reasons').textContent,
      seed: [...document.querySelectorAll('dl.seed dt')].map((each) => each.textContent),
      ...targets[0],
      targets,
      lanes: [...document.querySelectorAll('#lanes .lanes div')].map((each) => each.title),
      axis_labels: [...document.querySelectorAll('.axis')].map(
        (axis) => [...axis.children].map((each) => each.textContent)),
      mark_labels: [...document.querySelectorAll('.mark-labels')].map(
        (row) => [...row.children].map((each) => each.textContent)),
      mark_rows: document.querySelectorAll('#events tr.mark').length,
      clipped,
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
  shown.window_tip = await hover('.windows rect.window');
  shown.window_row_highlighted = await page.evaluate(
    () => document.querySelectorAll('.window-list tr.highlight').length);
  shown.down_tip = await hover('.probes rect.down');
  shown.up_tip = await hover('.probes rect.up');
  shown.version_tip = await hover('svg.versions rect.version');
  shown.mark_tip = await hover('svg.timeline .marks rect.mark');
  shown.mark_label_tip = await hover('.mark-label');
  await page.mouse.move(1, 1);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...shown, errors, load_ms }));
} finally {
  await browser.close();
}
