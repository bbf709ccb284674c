"""Errors of the hall service: a stable code, an HTTP status, and a readable message in English and Chinese.

The code is the contract (clients branch on it); the messages are for the person in front of the screen.
"""

from __future__ import annotations

from typing import Any

# code -> (HTTP status, Chinese message shown to residents and staff)
ERRORS: dict[str, tuple[int, str]] = {
    "malformed_json": (400, "请求内容不是有效的 JSON"),
    "bad_request": (400, "请求无法处理"),
    "invalid_request": (422, "请求内容不完整或格式不对"),
    "payload_too_large": (413, "请求内容过大"),
    "json_too_deep": (422, "请求内容的嵌套层数过多"),
    "idempotency_key_required": (400, "取号请求缺少幂等键(Idempotency-Key)"),
    "idempotency_key_reused": (409, "该幂等键已用于另一笔不同的请求"),
    "unauthenticated": (401, "需要有效的访问令牌"),
    "forbidden": (403, "该令牌无权执行此操作"),
    "not_found": (404, "找不到该地址"),
    "method_not_allowed": (405, "不支持该请求方法"),
    "unknown_matter": (404, "没有这个事项"),
    "unknown_ticket": (404, "没有这张号票"),
    "unknown_counter": (404, "没有这个窗口"),
    "unknown_appointment": (404, "没有这个预约"),
    "unknown_group": (422, "没有这个窗口分组"),
    "counter_paused": (409, "该窗口已暂停服务,请先恢复"),
    "counter_busy": (409, "该窗口还有正在呼叫或办理的号,请先办结或标记过号"),
    "counter_has_active_ticket": (409, "该窗口还有未办结的号,不能删除"),
    "no_current_ticket": (409, "该窗口当前没有呼叫或办理中的号"),
    "matter_not_served": (409, "该窗口不办理这个事项"),
    "ticket_not_waiting": (409, "该号不在等候中"),
    "ticket_not_called": (409, "该号不在呼叫中"),
    "ticket_not_serving": (409, "该号不在办理中"),
    "ticket_not_no_show": (409, "该号不是过号状态"),
    "ticket_not_active": (409, "该号已结束"),
    "ticket_from_another_day": (409, "该号不是今天的号"),
    "unknown_action": (422, "不支持该号票操作"),
    "max_recalls_reached": (409, "重呼次数已达上限,请标记过号"),
    "ticket_not_done": (409, "办结之后才能评价"),
    "already_rated": (409, "这张号票已经评价过了"),
    "invalid_rating": (422, "评价等级或原因不正确"),
    "appointment_too_early": (409, "预约时间未到,请稍后再签到"),
    # Also the notice on the ordinary ticket a late arrival gets instead.
    "appointment_expired": (409, "预约已过签到时间,已为您取普通号"),
    "appointment_not_booked": (409, "该预约已签到或已取消"),
    "appointment_matter_mismatch": (409, "预约的事项与所选事项不一致"),
    "hall_closed": (409, "大厅现在不取号，请在开放时间内前来"),
    "outside_ticket_hours": (409, "该事项现在不在取号时间段内"),
    "quota_used": (409, "该事项今日号已取完，如窗口空闲请直接到窗口咨询"),
    "already_waiting": (409, "您今天已经取过这个事项的号,可以补打原号票"),
    "invalid_person_key": (422, "身份识别码格式不正确"),
    "unknown_help_request": (404, "没有这个求助"),
    "invalid_slot": (422, "预约时段不正确"),
    "bad_credentials": (401, "用户名或密码不正确"),
    "too_many_attempts": (429, "密码错误次数过多,请稍后再试"),
    "staff_exists": (409, "该工作人员账号已存在"),
    "store_unavailable": (503, "系统暂时无法保存,请稍后再试"),
    "internal_error": (500, "系统内部错误"),
}


class HallError(Exception):
    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        if code not in ERRORS:
            raise ValueError(f"undeclared error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    @property
    def status(self) -> int:
        return ERRORS[self.code][0]

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message, "message_zh": ERRORS[self.code][1]}
        if self.details:
            out["details"] = self.details
        return out
