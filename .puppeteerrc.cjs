// wppd drives the system Chromium (see WPPD_CHROMIUM_PATH); puppeteer must never download its own browser.
module.exports = { skipDownload: true };
