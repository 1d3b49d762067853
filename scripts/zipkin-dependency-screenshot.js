// Takes the picture of Zipkin's Dependencies page that docs/tracing.md shows (docs/images/).
// Not part of any build or test. Needs Node, `npm install puppeteer-core` and a Chromium
// (Debian: apt-get install chromium). Usage, with a Zipkin that has received a demo scan
// (./vega-demo --zipkin http://127.0.0.1:9411):
//   node scripts/zipkin-dependency-screenshot.js http://127.0.0.1:9411 docs/images/zipkin-dependencies.png
const puppeteer = require('puppeteer-core');

(async () => {
  const [base, out] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1400, height: 800});
    await page.goto(base + '/zipkin/dependency', {waitUntil: 'networkidle0'});
    // The page opens on the last day's range but draws nothing until the query runs.
    const [run] = await page.$$('xpath/.//button[contains(., "Run Query") or contains(., "RUN QUERY")]');
    await run.click();
    await new Promise(r => setTimeout(r, 4000));
    await page.screenshot({path: out});
  } finally {
    await browser.close();
  }
})();
