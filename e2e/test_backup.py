"""Backups end to end in the real window: set up an S3 backup (a local moto_server) in the dialog,
test the connection (a wrong secret is named as such), draw a sketch, see it backed up, then a
second app on an empty data folder restores it from the welcome screen."""
import json
import os
import subprocess
import time

import boto3
import pytest
from selenium.webdriver.common.keys import Keys

from conftest import App, free_port
from helpers import card_titles, draw_stroke, texts

BUCKET = "family"


class Moto:
    """moto_server checking signatures: an IAM user with S3 rights, and a bucket."""

    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="10")
        self.proc = subprocess.Popen([os.environ["MOTO_SERVER_BIN"], "-H", "127.0.0.1", "-p", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        setup = dict(endpoint_url=self.endpoint, region_name="us-east-1",
                     aws_access_key_id="setup", aws_secret_access_key="setup")
        deadline = time.time() + 30
        while True:
            try:
                iam = boto3.client("iam", **setup)
                iam.create_user(UserName="family")
                break
            except Exception:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.3)
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="family", PolicyName="s3", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName="family")["AccessKey"]
        self.key_id, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                               aws_access_key_id=self.key_id, aws_secret_access_key=self.secret)
        self.s3.create_bucket(Bucket=BUCKET)
        # Spend the rest of the unchecked requests, so that every later one is checked.
        bogus = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                             aws_access_key_id="AKIDBOGUS", aws_secret_access_key="bogus")
        for _ in range(20):
            try:
                bogus.list_buckets()
            except Exception:
                break
        else:
            raise RuntimeError("moto never started checking keys")

    def ltx_objects(self):
        # With keys checked, moto 5.2.1 miscomputes listings whose prefix holds a "/": the
        # replica sits at the bucket's root (empty path).
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
                if o["Key"].endswith(".ltx")]

    def close(self):
        self.proc.kill()
        self.proc.wait(10)


@pytest.fixture(scope="module")
def moto():
    m = Moto()
    yield m
    m.close()


def fill(app, testid, value):
    el = app.css(f"[data-testid={testid}]")
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(Keys.DELETE)
    el.clear()
    if value:
        el.send_keys(value)


def fill_s3(app, moto, secret):
    app.css("[data-testid=provider-s3Compatible]").click()
    app.wait(lambda d: app.all("[data-testid=backup-endpoint]"))
    fill(app, "backup-endpoint", moto.endpoint)
    fill(app, "backup-bucket", BUCKET)
    fill(app, "backup-path", "")
    fill(app, "backup-key-id", moto.key_id)
    fill(app, "backup-secret", secret)
    assert app.css("[data-testid=backup-path-style]").is_selected(), "the preset turns path-style on"


def probe_result(app):
    return app.wait(lambda d: texts(app, "[data-testid=backup-test-result]"), timeout=30)[0]


def test_set_up_an_s3_backup_and_restore_it_on_a_new_laptop(app, moto, tmp_path):
    app.css("[data-testid=open-settings]").click()
    backups = app.wait(lambda d: app.all("[data-testid=open-backups]")).pop()
    # Settings can be taller than the window: scroll to the button before clicking it.
    app.d.execute_script("arguments[0].scrollIntoView({block: 'center'});", backups)
    backups.click()
    app.wait(lambda d: app.all("[data-testid=provider-s3Compatible]"))

    fill_s3(app, moto, "not-the-secret")
    app.css("[data-testid=backup-test]").click()
    assert "rejected the access key id or the secret access key" in probe_result(app)

    fill(app, "backup-secret", moto.secret)
    app.css("[data-testid=backup-test]").click()
    app.wait(lambda d: any("Connection works" in t for t in texts(app, "[data-testid=backup-test-result]")),
             timeout=30)
    app.css("[data-testid=backup-save]").click()
    app.wait(lambda d: app.all("[data-testid=backup-state]"), timeout=30)
    app.wait(lambda d: any("Backed up" in t for t in texts(app, "[data-testid=backup-state]")), timeout=30)
    assert f"s3://{BUCKET}" in texts(app, "[data-testid=backup-state]")[0]
    app.css("[role=dialog] button.close").click()
    app.wait(lambda d: not app.all("[role=dialog]"))

    before = set(moto.ltx_objects())
    draw_stroke(app)
    app.css("[data-testid=drawing-title]").send_keys("Backed-up boat")
    app.css("[data-testid=save-drawing]").click()
    app.wait(lambda d: any("Backed-up boat" in t for t in texts(app, "[data-testid=notice]")))
    app.wait(lambda d: set(moto.ltx_objects()) - before, timeout=10)
    app.wait(lambda d: app.css("[data-testid=backup-badge]").get_attribute("data-state") == "running"
             and "Backed up" in texts(app, "[data-testid=backup-badge]")[0], timeout=10)
    app.css("[data-testid=backup-badge]").click()
    app.wait(lambda d: texts(app, "[data-testid=backup-lag]") == ["nothing"])
    assert texts(app, "[data-testid=backup-snapshots]")[0].strip() != "0"
    app.css("[role=dialog] button.close").click()

    # A new laptop: an empty data folder, its own keychain entry.
    out = os.path.abspath("test-output")
    env = {"SKAITCH_KEYCHAIN_SERVICE": f"app.skaitch.e2e.newlaptop.{os.getpid()}"}
    laptop = App(str(tmp_path / "new-laptop"), out, env, keep_welcome=True)
    try:
        assert laptop.welcome_state() == "shown"
        laptop.css("[data-testid=welcome-restore]").click()
        laptop.wait(lambda d: laptop.all("[data-testid=provider-s3Compatible]"))
        fill_s3(laptop, moto, moto.secret)
        laptop.css("[data-testid=backup-save]").click()
        laptop.wait(lambda d: laptop.all("[data-testid=tab-sketchbook]") and not laptop.all("[data-testid=welcome]"),
                    timeout=60)
        laptop.wait(lambda d: laptop.d.execute_script(
            "return document.querySelector('.shell')?.dataset.welcome") == "none", timeout=30)
        laptop.css("[data-testid=tab-sketchbook]").click()
        laptop.wait(lambda d: "Backed-up boat" in card_titles(laptop), timeout=20)
        laptop.wait(lambda d: laptop.css("[data-testid=backup-badge]").get_attribute("data-state") == "running",
                    timeout=30)
    finally:
        laptop.close()
