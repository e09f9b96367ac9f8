"""Fixtures for the end-to-end tests: tauri-driver on a free port, the real app, a temp data folder."""
import json
import os
import socket
import subprocess
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """Starts the app through tauri-driver; `restart()` quits the window and opens it again."""

    def __init__(self, data_dir: str, out_dir: str, extra_env=None, keep_welcome=False):
        self.data_dir = data_dir
        self.keep_welcome = keep_welcome
        self.out_dir = out_dir
        self.port = free_port()
        env = dict(os.environ, SKAITCH_DATA_DIR=data_dir, **(extra_env or {}))
        self.log = open(os.path.join(out_dir, "tauri-driver.log"), "ab")
        self.driver_proc = subprocess.Popen(
            [os.environ["TAURI_DRIVER"], "--port", str(self.port), "--native-port", str(free_port())],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1)
                break
            except Exception:
                if time.time() > deadline or self.driver_proc.poll() is not None:
                    raise RuntimeError("tauri-driver did not start; see tauri-driver.log")
                time.sleep(0.2)
        self.d = None
        self.start()

    def start(self):
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": os.environ["SKAITCH_APP_BIN"]})
        self.d = webdriver.Remote(command_executor=f"http://127.0.0.1:{self.port}", options=opts)
        self.d.set_window_size(1280, 800)
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=tab-draw]"))
        if not self.keep_welcome:
            self.start_fresh()

    def welcome_state(self):
        """"shown" or "none", once the window has asked whether a brand-new sketchbook is greeted."""
        return self.wait(lambda d: (d.execute_script(
            "return document.querySelector('.shell')?.dataset.welcome") or "pending") != "pending" and
            d.execute_script("return document.querySelector('.shell').dataset.welcome"))

    def start_fresh(self):
        """Answers the first-start welcome (if shown) with "Start fresh", as a new family would."""
        if self.welcome_state() == "shown":
            self.css("[data-testid=welcome-fresh]").click()
            self.wait(lambda d: not self.all("[data-testid=welcome]"))

    def restart(self):
        self.d.quit()
        time.sleep(0.5)
        self.start()

    def wait(self, cond, timeout=15, poll=0.1):
        return WebDriverWait(self.d, timeout, poll_frequency=poll).until(cond)

    def css(self, selector):
        return self.d.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def screenshot(self, name):
        path = os.path.join(self.out_dir, name)
        self.d.save_screenshot(path)
        return path

    def close(self):
        try:
            if self.d:
                self.d.quit()
        finally:
            self.driver_proc.terminate()
            self.driver_proc.wait(10)
            self.log.close()


class Replicate:
    """The local Replicate server (crates/testkit) as a process: `url` and the `token` it accepts."""

    def __init__(self):
        self.proc = subprocess.Popen([os.environ["SKAITCH_REPLICATE_SERVER_BIN"]],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().split()[1]
        self.token = self.proc.stdout.readline().split()[1]

    def inject(self, route: str, fault: str, times: int = 1):
        """Arms a fault on the server, e.g. `inject("create", "insufficient-credit")`."""
        self.proc.stdin.write(f"inject {route} {fault} {times}\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer == "OK", answer

    def ask(self, command: str) -> str:
        """Sends a command (`creates`, `last-input`) and returns what follows its `OK`."""
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        assert answer.startswith("OK "), answer
        return answer[3:]

    def creates(self) -> int:
        """How many predictions were asked for: what would be billed."""
        return int(self.ask("creates"))

    def last_input(self):
        """The `input` of the last create, as sent."""
        return json.loads(self.ask("last-input"))

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(10)


@pytest.fixture(scope="module")
def replicate():
    r = Replicate()
    yield r
    r.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, replicate, request):
    out = os.path.abspath("test-output")
    os.makedirs(out, exist_ok=True)
    env = {
        "SKAITCH_REPLICATE_URL": replicate.url,
        # A keychain entry of the test's own, in the session's private gnome-keyring.
        "SKAITCH_KEYCHAIN_SERVICE": f"app.skaitch.e2e.{request.module.__name__}.{os.getpid()}",
    }
    a = App(str(tmp_path_factory.mktemp("data")), out, env)
    yield a
    a.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, keep a screenshot and the page's text in test-output/ to see what the user saw."""
    outcome = yield
    report = outcome.get_result()
    app = item.funcargs.get("app")
    if report.when == "call" and report.failed and app is not None and app.d is not None:
        try:
            app.screenshot(f"FAILED-{item.name}.png")
            with open(os.path.join(app.out_dir, f"FAILED-{item.name}.txt"), "w") as f:
                f.write(app.d.find_element(By.TAG_NAME, "body").text)
        except Exception as e:  # the window may be gone; the failure itself is what matters
            print(f"no failure screenshot: {e}")
