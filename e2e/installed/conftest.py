"""Fixtures for the installed package's test: the binary the .deb put on the system, started by
tauri-driver in the session's fresh HOME, with no SKAITCH_DATA_DIR (the family's own folder)."""
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


class Installed:
    """The installed app through tauri-driver. `start(args)` opens a window, `quit()` ends it."""

    def __init__(self, binary: str, env: dict, out_dir: str):
        self.binary, self.env, self.out_dir = binary, env, out_dir
        self.port = free_port()
        self.log = open(os.path.join(out_dir, "tauri-driver-installed.log"), "ab")
        self.driver_proc = subprocess.Popen(
            [os.environ["TAURI_DRIVER"], "--port", str(self.port), "--native-port", str(free_port())],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/status", timeout=1)
                break
            except Exception:
                if time.time() > deadline or self.driver_proc.poll() is not None:
                    raise RuntimeError("tauri-driver did not start; see tauri-driver-installed.log")
                time.sleep(0.2)
        self.d = None

    def start(self, args=()):
        opts = ArgOptions()
        opts.set_capability("browserName", "wry")
        opts.set_capability("tauri:options", {"application": self.binary, "args": list(args)})
        self.d = webdriver.Remote(command_executor=f"http://127.0.0.1:{self.port}", options=opts)
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=tab-draw]"))

    def quit(self):
        if self.d is not None:
            try:
                self.d.quit()
            except Exception:  # the app may have quit by itself (File > Quit)
                pass
            self.d = None

    def wait(self, cond, timeout=20, poll=0.1):
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
        self.quit()
        self.driver_proc.terminate()
        self.driver_proc.wait(10)
        self.log.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    out = os.path.abspath("test-output")
    os.makedirs(out, exist_ok=True)
    # "Show folder" runs the desktop's opener; this one writes down what it was asked to open.
    fakes = tmp_path_factory.mktemp("fake-bin")
    opened = fakes / "opened.txt"
    opener = fakes / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> "{opened}"\n')
    opener.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "SKAITCH_DATA_DIR"}
    env["PATH"] = f"{fakes}:{env['PATH']}"
    a = Installed(os.environ["SKAITCH_INSTALLED_BIN"], env, out)
    a.opened_log = str(opened)
    yield a
    a.close()
