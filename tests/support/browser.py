"""Open an HTML file in Debian's headless Chromium and collect its console errors.

`console_errors(path)` loads the file through chromedriver (Selenium, with the browser log
enabled), waits until the page has loaded and is quiet, and returns every console message of
level SEVERE: `console.error` calls, uncaught exceptions and resources that failed to load.
`browser_missing()` says why no browser can be used here (None when one can), so that a test
skips with that reason.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
DEBIAN_DRIVER = Path("/usr/lib/chromium/chromedriver")


def _first_on_path(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_binary() -> str | None:
    """The Chromium executable: $CHROMIUM, else the first of chromium, chromium-browser on PATH."""
    return os.environ.get("CHROMIUM") or _first_on_path(CHROMIUM_NAMES)


def chromedriver_binary() -> str | None:
    """The chromedriver executable: $CHROMEDRIVER, PATH, or Debian's chromium-driver location."""
    found = os.environ.get("CHROMEDRIVER") or _first_on_path(DRIVER_NAMES)
    if found is None and DEBIAN_DRIVER.is_file():
        found = str(DEBIAN_DRIVER)
    return found


def browser_missing() -> str | None:
    """Why the browser check cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium==4.51.0)"
    if chromium_binary() is None:
        return "no Chromium on PATH (Debian: apt-get install -y chromium chromium-driver)"
    if chromedriver_binary() is None:
        return "no chromedriver on PATH (Debian: apt-get install -y chromium-driver)"
    return None


def _driver():
    """A headless Chromium driven by the system chromedriver, with the browser log on."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_binary()
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in containers and CI
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=chromedriver_binary()))


def console_errors(html: Path, settle_s: float = 1.0, timeout_s: float = 60.0) -> list[str]:
    """Console errors (level SEVERE) that opening `html` in headless Chromium produces."""
    html = Path(html).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    reason = browser_missing()
    if reason is not None:
        raise RuntimeError(f"cannot open {html} in a browser: {reason}")
    driver = _driver()
    try:
        driver.set_page_load_timeout(timeout_s)
        driver.get(html.as_uri())
        deadline = time.monotonic() + timeout_s
        while driver.execute_script("return document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{html} did not finish loading in {timeout_s} s")
            time.sleep(0.1)
        time.sleep(settle_s)  # scripts that run after load (React renders, timers)
        entries = driver.get_log("browser")
    finally:
        driver.quit()
    return [entry["message"] for entry in entries if entry.get("level") == "SEVERE"]


needs_browser = pytest.mark.skipif(browser_missing() is not None, reason=f"no headless browser: {browser_missing()}")
