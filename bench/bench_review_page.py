"""Benchmark of the review page in headless Chromium (run by `make bench`; prints one line, asserts nothing).

Time to interactive: from the start of navigation to the moment the page's script has decoded the embedded
product graph, drawn the phone and wired every control (``kmsflowReview.readyAt``), median of N loads of the
committed page from disk, offline, in Debian's Chromium (the one the tests use). The issue asks for < 1 s.

Usage: python bench/bench_review_page.py [--repeat N] [PAGE]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import launch, offline_page  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", default=os.path.join(ROOT, "spec", "kms9_subscription.review.html"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    uri = "file://" + os.path.abspath(args.page)
    times = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for _ in range(args.repeat):
            tab = offline_page(browser)
            tab.page.goto(uri)
            tab.page.wait_for_function("window.kmsflowReview && window.kmsflowReview.ready")
            times.append(tab.page.evaluate("kmsflowReview.readyAt"))
            tab.page.context.close()
        browser.close()
    size = os.path.getsize(args.page)
    print(f"review page ({size / 1e6:.2f} MB): interactive after {statistics.median(times):.0f} ms in headless "
          f"Chromium (median of {args.repeat}; max {max(times):.0f} ms; target < 1000 ms)")


if __name__ == "__main__":
    main()
