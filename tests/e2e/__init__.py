"""Browser tests: the website in real Chromium, driven by Playwright, checked by axe-core."""
