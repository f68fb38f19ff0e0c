"""Every notebook as a learner sees it: JupyterLab started as `make lab` starts it, in Chromium.

For each notebook, on open (untrusted, as a fresh clone is) and after Run All: every image loads, no
error output but in cells marked to raise, no drawing or image wider than the notebook column, and the
stored drawings show as pictures, not as their text repr. Opening a notebook must not mark it modified,
and Run All must not write it. A full-page screenshot of each notebook after Run All goes to
.browser-screenshots/ (ignored by git). Needs Chromium (Debian's `chromium` package) and Playwright for
Python (never `playwright install`); without them it skips, except under CI, where it fails.
Deselect with `pytest -m "not browser"`.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCREENSHOTS = ROOT / ".browser-screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WINDOW = {"width": 1280, "height": 800}  # a laptop's browser window: JupyterLab's narrowest usual column
RAISES = ("NBVAL_RAISES_EXCEPTION", "raises-exception")
# JupyterLab settings for the test only: never save (Run All must leave the files as they are), and
# every cell in the page (the default attaches cells as they scroll into view).
SETTINGS = {"@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


def _missing() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        return f"Chromium not found at {CHROMIUM} (sudo apt-get install chromium, or set CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; never `playwright install`)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Lab:
    """A JupyterLab server on the checkout's notebooks/, with its own settings, data and runtime folders."""

    def __init__(self, tmp: Path):
        self.port, self.token = _free_port(), uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        for name, settings in SETTINGS.items():
            path = tmp / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))
        env = dict(os.environ, JUPYTER_CONFIG_PATH=str(ROOT / "scripts" / "jupyter_config"),  # as `make lab`
                   JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_DATA_DIR=str(tmp / "data"),
                   JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
                   JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), IPYTHONDIR=str(tmp / "ipython"))
        command = [sys.executable, "-m", "jupyterlab", str(ROOT / "notebooks"), "--no-browser",
                   f"--port={self.port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}"]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log = open(tmp / "lab.log", "w")
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.api("GET", "status")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: see {tmp / 'lab.log'}")
                time.sleep(0.3)

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_idle(self) -> bool:
        """Whether a kernel runs and none is busy or starting."""
        try:
            kernels = self.api("GET", "kernels")
        except urllib.error.HTTPError:  # the server can fail to list a kernel that is just starting
            return False
        return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)

    def wait_for_idle_kernel(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.kernel_idle():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no idle kernel after {timeout} s")
            time.sleep(0.25)

    def shut_down_kernels(self) -> None:
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    lab = Lab(tmp_path_factory.mktemp("lab"))
    digests = {nb: _digest(nb) for nb in NOTEBOOKS}
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        with sync_playwright() as p:
            # launch() gives the browser a fresh, temporary profile
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = chromium.new_context(viewport=WINDOW).new_page()
            page.goto(f"{lab.url}/lab?reset&token={lab.token}")  # the default layout, the file browser open
            page.wait_for_selector(".jp-DirListing-item", timeout=90_000)
            yield lab, page
            chromium.close()
    finally:
        lab.stop()
    changed = [nb.name for nb in NOTEBOOKS if _digest(nb) != digests[nb]]
    assert not changed, f"opening or running these notebooks in JupyterLab wrote them: {changed}"


# What the page shows: per cell (in order), its output areas' widths, the drawings and images in them,
# and whether an output is an error or stderr; every image's natural size; whether the tab is dirty.
INSPECT = """() => {
  const px = (v) => v.endsWith('pt') ? parseFloat(v) * 96 / 72 : parseFloat(v);
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')].map((cell) => {
    const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
    return {
      code: cell.classList.contains('jp-CodeCell'),
      prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
      errors: outputs.filter((o) => o.dataset.mimeType === 'application/vnd.jupyter.stderr')
                     .map((o) => o.textContent.slice(0, 300)),
      texts: outputs.filter((o) => o.dataset.mimeType === 'text/plain').map((o) => o.textContent.slice(0, 80)),
      pictures: [...cell.querySelectorAll('.jp-OutputArea-output img, .jp-OutputArea-output svg, '
                                         + '.jp-RenderedMarkdown img')]
        .filter((e) => e.tagName === 'IMG' || !e.parentElement.closest('svg'))  // an svg, not its parts
        .map((e) => {
          const area = e.closest('.jp-OutputArea-output, .jp-RenderedMarkdown');
          const natural = e.tagName === 'IMG' ? (e.getAttribute('width') ? parseFloat(e.getAttribute('width'))
                                                                          : e.naturalWidth)
                                              : px(e.getAttribute('width') || '0');
          return {tag: e.tagName, src: (e.getAttribute('src') || '').slice(0, 60), loaded: e.tagName !== 'IMG'
                  || (e.complete && e.naturalWidth > 0), natural: Math.round(natural),
                  shown: Math.round(e.getBoundingClientRect().width), column: area.clientWidth};
        }),
      overflow: outputs.filter((o) => o.scrollWidth > o.clientWidth + 1).length,
    };
  });
  const tab = document.querySelector('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current');
  return {cells, dirty: tab ? tab.classList.contains('jp-mod-dirty') : null,
          toast: document.body.innerText.includes('official Jupyter news')};
}"""


def _problems(page: dict, notebook: dict, when: str) -> list[str]:
    """What is wrong on the page, compared with the notebook's file."""
    problems = []
    if len(page["cells"]) != len(notebook["cells"]):
        return [f"{when}: {len(page['cells'])} cells on the page, {len(notebook['cells'])} in the file"]
    for i, (cell, stored) in enumerate(zip(page["cells"], notebook["cells"])):
        source = "".join(stored["source"]) + " ".join(stored.get("metadata", {}).get("tags", []))
        if cell["errors"] and not any(mark in source for mark in RAISES):
            problems.append(f"{when}: cell {i} shows an error or a warning: {cell['errors'][0]!r}")
        for picture in cell["pictures"]:
            if not picture["loaded"]:
                problems.append(f"{when}: cell {i}: a broken image {picture['src']!r}")
            elif picture["natural"] > picture["column"]:
                problems.append(f"{when}: cell {i}: a {picture['tag'].lower()} {picture['natural']} px wide in a "
                                f"column of {picture['column']} px")
        if cell["overflow"]:
            problems.append(f"{when}: cell {i}: an output scrolls sideways")
        images = [o for o in stored.get("outputs", []) if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]
        if when == "on open" and len(cell["pictures"]) < len(images):
            problems.append(f"{when}: cell {i}: a stored picture is shown as text: {cell['texts']}")
    return problems


def _wait_for_pictures(page) -> None:
    page.wait_for_function("""() => [...document.querySelectorAll('.jp-Notebook img')]
                                    .every((img) => img.complete)""", timeout=20_000)


def _wait_for_run_all(page, lab: Lab, timeout: float = 90) -> None:
    """Until no cell waits to run (`[*]`) and the kernel has been idle for a second."""
    busy = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-InputPrompt')]
                     .some((p) => p.textContent.includes('*'))"""
    deadline, quiet = time.monotonic() + timeout, 0
    while quiet < 4:
        if time.monotonic() > deadline:
            raise TimeoutError(f"Run All did not finish in {timeout} s")
        quiet = quiet + 1 if lab.kernel_idle() and not page.evaluate(busy) else 0
        time.sleep(0.25)


def _close_without_saving(page) -> None:
    page.click("#jp-menu-panel .lm-MenuBar-item:has-text('File')")
    page.locator(".lm-Menu-item", has=page.get_by_text("Close Tab", exact=True)).click()
    discard = page.locator(".jp-Dialog button", has_text="Discard")
    try:
        discard.click(timeout=5_000)
    except Exception:  # no dialog: nothing was changed
        pass
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel')", timeout=10_000)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_in_jupyterlab(browser, path):
    lab, page = browser
    notebook = json.loads(path.read_text())
    page.locator(".jp-DirListing-item", has=page.get_by_text(path.name, exact=True)).dblclick()
    try:
        page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
                               arg=len(notebook["cells"]), timeout=60_000)
        lab.wait_for_idle_kernel()
        _wait_for_pictures(page)
        page.wait_for_timeout(1000)  # let JupyterLab settle: a kernelspec it rewrites marks the file dirty
        opened = page.evaluate(INSPECT)
        problems = _problems(opened, notebook, "on open")
        if opened["dirty"]:
            problems.append("on open: the notebook is marked modified before anything was run")
        if opened["toast"]:
            problems.append("on open: the 'official Jupyter news' toast is shown")

        page.click("#jp-menu-panel .lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item:has-text('Run All Cells')")
        _wait_for_run_all(page, lab)
        _wait_for_pictures(page)
        page.wait_for_timeout(500)
        ran = page.evaluate(INSPECT)
        problems += _problems(ran, notebook, "after Run All")
        not_run = [i for i, c in enumerate(ran["cells"]) if c["code"] and not any(ch.isdigit() for ch in c["prompt"])]
        if not_run:
            problems.append(f"after Run All: code cells {not_run} did not run (stopped at an error?)")

        height = page.evaluate("""() => {
            const panel = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
            panel.scrollTop = 0;
            return panel.scrollHeight - panel.clientHeight + window.innerHeight;
        }""")
        page.set_viewport_size({"width": WINDOW["width"], "height": min(int(height) + 40, 16000)})
        page.wait_for_timeout(300)
        page.screenshot(path=SCREENSHOTS / f"{path.stem}.png")
        widest = max((p for c in ran["cells"] for p in c["pictures"]), key=lambda p: p["natural"], default=None)
        (SCREENSHOTS / f"{path.stem}.json").write_text(json.dumps({"widest picture": widest}) + "\n")
        page.set_viewport_size(WINDOW)
    finally:
        _close_without_saving(page)
        lab.shut_down_kernels()
    assert not problems, "\n".join(problems)
