"""Device health reported by kiosks, displays and counters; read by technicians."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from kiosk.hall.api.deps import (
    Reporter,
    Svc,
    Technician,
)
from kiosk.hall.api.models import Device, DeviceStatusIn

router = APIRouter(tags=["devices"])


@router.post("/devices/{device_id}/status", response_model=Device)
def report(
    device_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: DeviceStatusIn,
    svc: Svc,
    who: Reporter,
) -> dict:  # type: ignore[type-arg]
    return svc.report_device(device_id, body.kind, body.status, body.reason, body.details, who.name)


@router.get("/devices", response_model=list[Device])
def devices(svc: Svc, _: Technician) -> list[dict]:  # type: ignore[type-arg]
    return svc.list_devices()
