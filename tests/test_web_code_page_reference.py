"""The code page over imported CMS data sets and several releases (cross-service: the data is
imported with the codes service's own importers and test helpers, which the gateway's own
tests may not import)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from medcode_codes import testing_releases as releases
from medcode_codes.importers import operator
from medcode_codes.settings import CodesSettings
from medcode_codes.snapshot.reader import Snapshot
from medcode_codes.testing import ServerThread
from medcode_codes.testing_live import NEW_CODE, NEW_TITLE, link_data_dir, write_licensed_file
from medcode_gateway.app import create_app
from medcode_gateway.settings import GatewaySettings
from medcode_gateway.testing import UvicornThread

HTML = {"Accept": "text/html"}


def squash(html: str) -> str:
    """The page's text, tags dropped and white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, heading: str) -> str:
    """The text of the section under an <h2> heading, up to the next one."""
    start = html.index(f">{heading}</h2>")
    end = html.find("<h2", start)
    return squash(html[start : end if end > 0 else None])


def page(client: httpx.Client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, response.text[:400]
    return response.text


def test_the_add_on_family_is_shown_together(api: httpx.Client) -> None:
    for code in ("64490", "64491", "64492"):
        family = section(page(api, f"/codes/cpt/{code}"), "Add-on code family")
        assert all(member in family for member in ("64490", "64491", "64492")), (code, family)
    assert "add-on code: report it only with a primary code" in section(
        page(api, "/codes/cpt/64492"), "Add-on code family"
    )


def test_a_not_applicable_fee_setting_is_shown_as_such(api: httpx.Client) -> None:
    fees = section(page(api, "/codes/cpt/70553"), "Medicare fee schedule")
    assert "Not applicable" in fees and "RVU25D" in fees and "$" in fees
    assert "Not loaded" not in fees


def test_mues_and_a_hcpcs_code(api: httpx.Client) -> None:
    ncci = section(page(api, "/codes/cpt/64490"), "NCCI and medically unlikely edits")
    assert "practitioner" in ncci and "Most units" in ncci
    hcpcs = page(api, "/codes/hcpcs/J1100")
    assert "dexamethasone" in section(hcpcs, "Official Description").lower()


def test_index_entries_where_the_index_is_loaded(api: httpx.Client) -> None:
    entries = section(page(api, "/codes/icd10cm/W58.01XA"), "Alphabetic index entries")
    assert "External Cause of Injuries Index" in entries
    assert "Index to Diseases" in entries and "Not loaded in this installation" in entries


@pytest.fixture(scope="module")
def releases_site(
    codes_data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    accounts_address: str,
    metering_address: str,
    search_address: str,
    internal_key: str,
) -> Iterator[httpx.Client]:
    """A gateway over the default data plus an earlier ICD-10-CM release, a HCPCS release
    with a hostile title and a (test) CPT licence file."""
    data_dir = link_data_dir(codes_data_dir, tmp_path_factory.mktemp("page-releases") / "codes")
    real = Snapshot(codes_data_dir / "snapshots/icd10cm/2026-04-01.sqlite")
    releases.write_earlier_icd10cm_release(data_dir, real)
    real.close()
    releases.write_hostile_hcpcs_release(data_dir)
    licensed = write_licensed_file(tmp_path_factory.mktemp("cpt-licence") / "LONGULT.txt")
    operator.import_cpt(data_dir, [licensed], release="2026")
    codes = ServerThread(CodesSettings(host="127.0.0.1", port=0, data_dir=data_dir))
    codes.start()
    settings = GatewaySettings(
        events=False,
        codes_addr=f"127.0.0.1:{codes.port}",
        accounts_addr=accounts_address,
        metering_addr=metering_address,
        search_addr=search_address,
    )
    gateway = UvicornThread(create_app(settings))
    gateway.start()
    headers = {"X-API-Key": internal_key}
    with httpx.Client(base_url=gateway.url, timeout=30, headers=headers) as client:
        yield client
    gateway.stop()
    codes.stop()


def test_release_changes_are_listed(releases_site: httpx.Client) -> None:
    revised = section(page(releases_site, "/codes/icd10cm/E11.9"), "Releases and changes")
    assert releases.EARLIER_RELEASE in revised and "2026-04-01" in revised
    assert "Title revised" in revised and releases.EARLIER_TITLE in revised
    notes = section(page(releases_site, "/codes/icd10cm/E11.65"), "Releases and changes")
    assert "Notes changed" in notes
    added = section(page(releases_site, "/codes/icd10cm/E11.A"), "Releases and changes")
    assert "New in this release" in added
    same = section(page(releases_site, "/codes/icd10cm/E11.8"), "Releases and changes")
    assert "No change" in same


def test_a_single_release_has_no_changes_section(releases_site: httpx.Client) -> None:
    assert "Releases and changes" not in page(releases_site, "/codes/icd10pcs/0016070")


def test_a_title_with_markup_cannot_inject_it(releases_site: httpx.Client) -> None:
    html = page(releases_site, f"/codes/hcpcs/{releases.HOSTILE_CODE}")
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    assert json.loads(scripts[0])["name"] == releases.HOSTILE_TITLE
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "<" not in title.group(1)


def test_a_deleted_code_says_when_it_went(releases_site: httpx.Client) -> None:
    response = releases_site.get(f"/codes/icd10cm/{releases.DELETED_CODE}", headers=HTML)
    assert response.status_code == 410 and "was deleted" in response.text
    text = squash(response.text)
    assert releases.DELETED_TITLE in text and releases.EARLIER_RELEASE in text
    assert "deleted in release 2026-04-01" in text
    never = releases_site.get("/codes/icd10cm/Q99.99", headers=HTML)
    assert never.status_code == 404 and "Code not found" in never.text


def test_an_older_release_is_shown_as_it_was_at_its_own_address(
    releases_site: httpx.Client,
) -> None:
    path = f"/codes/icd10cm/{releases.REVISED_CODE}?release={releases.EARLIER_RELEASE}"
    html = page(releases_site, path)
    assert releases.EARLIER_TITLE in html.split("</h1>", 1)[0]  # the title as it was then
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical and canonical.group(1).replace("&amp;", "&").endswith(path)
    deleted = page(
        releases_site, f"/codes/icd10cm/{releases.DELETED_CODE}?release={releases.EARLIER_RELEASE}"
    )
    assert releases.DELETED_TITLE in deleted  # a code the newest release deleted, in its day
    moved = releases_site.get(
        f"/codes/ICD10CM/e119?release={releases.EARLIER_RELEASE}", headers=HTML
    )
    assert moved.status_code == 301 and moved.headers["location"] == path
    missing = releases_site.get(
        f"/codes/icd10cm/{releases.ADDED_CODE}?release={releases.EARLIER_RELEASE}", headers=HTML
    )
    assert missing.status_code == 404 and "Not in that release" in missing.text
    for bad in ("../x", "<b>", "x" * 60):
        refused = releases_site.get("/codes/icd10cm/E11.9", params={"release": bad}, headers=HTML)
        assert refused.status_code == 400 and "<b>" not in refused.text


def test_cpt_official_descriptors_only_from_the_licence_file(releases_site: httpx.Client) -> None:
    licensed = page(releases_site, "/codes/cpt/99213")
    assert "Established patient visit, test wording" in section(licensed, "Official Description")
    plain = section(licensed, "Common Language Description")
    assert plain.strip() and "test wording" not in plain and "not written" not in plain
    new = page(releases_site, f"/codes/cpt/{NEW_CODE}")
    assert NEW_TITLE in section(new, "Official Description")
    outside = section(page(releases_site, "/codes/cpt/64490"), "Official Description")
    assert "not in the imported CPT licence file" in outside
