"""`kiosk doctor`: a technician's check of every configured device — status, self-test, diagnostics.

Optionally reports each device's status to the back office (POST /api/v1/devices/{id}/status), so the
hall's device list shows what the technician just saw.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import httpx

from drivers import registry
from drivers.base import CheckStep, Driver, Health, SelfTest, SettingsError


def check_device(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Status, self-test and diagnostics of one configured device; never raises for a device's fault."""
    result: dict[str, Any] = {"kind": kind, "driver": settings.get("driver")}
    try:
        driver: Driver = registry.create(kind, settings)
    except SettingsError as exc:
        result.update(health=Health.FAULT.value, reason=str(exc), self_test=None)
        return result
    try:
        with driver:
            test = _safe_self_test(driver)
            status = driver.status()
            result.update(
                health=status.health.value,
                reason=status.reason,
                reason_zh=status.reason_zh,
                diagnostics=driver.diagnostics(),
            )
    except Exception as exc:  # a driver must not take the whole check down; show what broke
        test = SelfTest((CheckStep("open", False, f"{type(exc).__name__}: {exc}"),))
        result.update(health=Health.FAULT.value, reason=f"{type(exc).__name__}: {exc}")
    result["self_test"] = {
        "passed": test.passed,
        "steps": [{"name": s.name, "passed": s.passed, "message": s.message} for s in test.steps],
    }
    return result


def _safe_self_test(driver: Driver) -> SelfTest:
    try:
        return driver.self_test()
    except Exception as exc:
        return SelfTest((CheckStep("self-test", False, f"{type(exc).__name__}: {exc}"),))


def run(
    devices: dict[str, dict[str, Any]],
    kinds: Iterable[str] | None,
    out: TextIO = sys.stdout,
    as_json: bool = False,
    report_url: str | None = None,
    token: str | None = None,
) -> int:
    wanted = list(kinds) if kinds else list(devices)
    unknown = [k for k in wanted if k not in devices]
    if unknown:
        print(f"kiosk doctor: no [devices.{unknown[0]}] in the configuration", file=sys.stderr)
        return 2
    results = [check_device(k, devices[k]) for k in wanted]
    if as_json:
        json.dump(results, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        for r in results:
            mark = {"ok": "OK  ", "degraded": "WARN", "fault": "FAIL"}[r["health"]]
            print(f"[{mark}] {r['kind']:<10} {r['driver'] or '?':<12} {r['reason']}", file=out)
            if r.get("self_test"):
                for s in r["self_test"]["steps"]:
                    print(
                        f"         {'pass' if s['passed'] else 'FAIL'}  {s['name']}: {s['message']}", file=out
                    )
    if report_url:
        _report(results, report_url, token, out)
    ok = all(r["health"] != Health.FAULT.value and (r["self_test"] or {}).get("passed") for r in results)
    return 0 if ok else 1


def _report(results: list[dict[str, Any]], url: str, token: str | None, out: TextIO) -> None:
    host = socket.gethostname()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=url.rstrip("/") + "/api/v1", timeout=5.0, headers=headers) as client:
        for r in results:
            body = {
                "kind": r["kind"],
                "status": r["health"],
                "reason": r["reason"][:500],
                "details": {"driver": r["driver"], "self_test_passed": (r["self_test"] or {}).get("passed")},
            }
            try:
                resp = client.post(f"/devices/{host}-{r['kind']}/status", json=body)
                note = (
                    "reported" if resp.status_code == 200 else f"report refused: {resp.json().get('message')}"
                )
            except httpx.HTTPError as exc:
                note = f"report failed: {exc}"
            print(f"         {r['kind']}: {note}", file=out)
