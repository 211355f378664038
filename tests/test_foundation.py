"""The app starts from content and a migrated database, and answers /healthz."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import ContentError, load_content

ROOT = Path(__file__).resolve().parent.parent


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_json() == {"status": "ok"}


@pytest.mark.content
def test_office_content_is_the_reports(content):
    office = content.office
    assert office.short_name == "สพม.พิจิตร"
    assert office.phone == "056-990347" and office.website == "www.sesaop.go.th"
    assert office.address.text == "31/26 ถ.คลองคะเชนทร์ ต.ในเมือง อ.เมือง จ.พิจิตร 66000"
    assert [l.name for l in office.leaders] == ["ดร.ปัญญา หาแก้ว", "นายไพรัตน์ กลิ่นทับ"]
    assert {"กลุ่มอำนวยการ", "กลุ่มส่งเสริมการจัดการศึกษา"} <= {g.name for g in office.groups}
    assert [n.date.isoformat() for n in content.news] == ["2022-07-04", "2022-07-01", "2021-12-05"]


@pytest.mark.content
def test_procedure_manuals_are_complete_and_marked_sample(content):
    assert len(content.procedures) >= 8
    for proc in content.procedures:
        assert proc.sample is True
        assert proc.steps and proc.fee and proc.time_limit and proc.responsible_group and proc.contact
        text = (content.directory / "procedures" / f"{proc.id}.yaml").read_text(encoding="utf-8")
        assert "SAMPLE" in text or "ตัวอย่าง" in text


def test_a_content_mistake_names_file_and_field(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    office = tmp_path / "content" / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace('postcode: "66000"', "postcode: 660"),
                      encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(tmp_path / "content")
    assert "office.yaml" in str(err.value) and "address.postcode" in str(err.value)


def test_db_upgrade_creates_the_database(tmp_path):
    db = tmp_path / "sub" / "bot.sqlite3"
    env = {"DATABASE_URL": f"sqlite:///{db}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert db.exists()
    again = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr


def test_the_app_refuses_to_start_on_broken_content_and_says_where(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    news = tmp_path / "content" / "news.yaml"
    news.write_text(news.read_text(encoding="utf-8").replace("date: 2022-07-01", "date: เมื่อวาน"),
                    encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", "import app; app.app"], cwd=ROOT, capture_output=True, text=True,
                         env={"CONTENT_DIR": str(tmp_path / "content"), "PATH": "/usr/bin:/bin",
                              "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert out.returncode == 3  # gunicorn's WORKER_BOOT_ERROR: the master stops instead of respawning
    assert "news.yaml" in out.stderr and "items.1.date" in out.stderr and "Traceback" not in out.stderr


def test_bot_eval_reports_accuracy_on_the_held_out_set():
    out = subprocess.run([sys.executable, "-m", "bot", "eval", "tests/data/utterances_heldout.jsonl"], cwd=ROOT,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHAINLP_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    coarse = float(out.stdout.split("coarse accuracy:")[1].split()[0])
    assert coarse >= 0.95 and "per intent" in out.stdout
