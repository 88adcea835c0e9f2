"""Who runs a government web site, from its address (`data/web_sites.yaml`).

`site_of("http://stc.daknong.gov.vn/Pages/default.aspx")` gives the site's
owner, "Sở Tài chính tỉnh Đắk Nông", and its province, "Đắk Nông". A province's
portal is <province>.gov.vn (its name without accents or spaces); its bodies
have subdomains: a department's code (`stc`, `stp`, `thanhtra`) or a district's
name run together (`dakglong`). A web-archive capture is read as the page it
is a capture of. Provinces are named as the address names them: the 2025
merger does not rename an old site.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from vanban.extractors.data import load

# `web.archive.org/web/20180331000000/http://…`, `…/web/2018im_/…`: the captured page.
_ARCHIVED = re.compile(r"(?i)^(?:https?://)?(?:web\.)?archive\.org/web/\d+[a-z_]*/(?P<u>.+)$")
_HOST = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]*://)?(?:[^/@\s]*@)?(?P<h>[a-z0-9.-]+)(?::\d+)?(?:[/?#].*)?$")


@dataclass(frozen=True)
class Site:
    host: str
    name: str | None          # the site's owner, None when the address does not say
    province: str | None


def squash(s: str) -> str:
    """A name as it is run together in an address: `Đắk Nông` -> `daknong`."""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in s if not unicodedata.combining(c)).lower())


def host_of(url: str) -> str | None:
    """The host of an address (a web-archive capture's: the captured page's)."""
    u = url.strip()
    for _ in range(3):
        m = _ARCHIVED.match(u)
        if not m:
            break
        u = m.group("u")
    m = _HOST.match(u)
    if not m or "." not in m.group("h"):
        return None
    return m.group("h").lower().strip(".")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict, dict, dict, set, set]:
    data = load("web_sites")
    portals = {squash(p["name"]) + ".gov.vn": p["name"] for p in load("provinces")["provinces"]}
    portals.update({p["domain"]: p["province"] for p in data["portals"]})
    depts = {c: d["name"] for d in data["departments"] for c in d["codes"]}
    districts: dict[tuple[str, str], tuple[str, str]] = {}
    for d in load("districts")["districts"]:
        kind = (d.get("types") or ["Huyện"])[0].lower()
        districts.setdefault((squash(d["province"]), squash(d["name"])), (kind, d["name"]))
    return portals, depts, districts, set(data["cities"]), set(data["portal_hosts"])


def _current(province: str) -> str:
    """districts.yaml names a renamed province by its new name (Thừa Thiên Huế -> Huế)."""
    for e in load("provinces")["provinces"]:
        if e["name"] == province:
            return e.get("renamed_to") or province
    return province


def _place(province: str, cities: set) -> str:
    return f"{'thành phố' if province in cities else 'tỉnh'} {province}"


def site_of(url: str | None) -> Site | None:
    """The owner and province of a government site's address, None for an
    address that is no provincial site."""
    if not url:
        return None
    host = host_of(url)
    if not host:
        return None
    portals, depts, districts, cities, portal_hosts = _tables()
    labels = host.split(".")
    for k in range(len(labels) - 2, -1, -1):        # the longest suffix that is a portal
        domain = ".".join(labels[k:])
        province = portals.get(domain)
        if province is None:
            continue
        sub = labels[k - 1] if k else None
        if sub is None or sub in portal_hosts:
            return Site(host, f"Cổng thông tin điện tử {_place(province, cities)}", province)
        if sub in depts:
            return Site(host, f"{depts[sub]} {_place(province, cities)}", province)
        d = districts.get((squash(_current(province)), sub))
        if d:
            return Site(host, f"Ủy ban nhân dân {d[0]} {d[1]}", province)
        return Site(host, None, province)
    return None


__all__ = ["Site", "site_of", "host_of", "squash"]
