<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CounterView</name>
    <message>
        <source>The back office did not answer, so the action may not have been done. Reconnecting…</source>
        <translation>后台没有响应，操作可能未完成。正在重新连接…</translation>
    </message>
    <message>
        <source>No one is waiting for this counter.</source>
        <translation>本窗口当前没有人等候。</translation>
    </message>
    <message>
        <source>Called %1.</source>
        <translation>已呼叫 %1。</translation>
    </message>
    <message>
        <source>Recalled %1 (%2).</source>
        <translation>已重呼 %1（第 %2 次）。</translation>
    </message>
    <message>
        <source>%1 marked as no-show.</source>
        <translation>%1 已标记为过号。</translation>
    </message>
    <message>
        <source>Serving %1.</source>
        <translation>正在办理 %1。</translation>
    </message>
    <message>
        <source>%1 finished. The resident can now rate the service.</source>
        <translation>%1 已办结，请群众在评价器上评价。</translation>
    </message>
    <message>
        <source>%1 transferred to “%2”.</source>
        <translation>%1 已转办至“%2”。</translation>
    </message>
    <message>
        <source>Counter paused: no tickets are called here.</source>
        <translation>窗口已暂停，不会向本窗口叫号。</translation>
    </message>
    <message>
        <source>Counter resumed.</source>
        <translation>窗口已恢复服务。</translation>
    </message>
    <message>
        <source>%1 is waiting again.</source>
        <translation>%1 已恢复排队。</translation>
    </message>
    <message>
        <source>Window display not connected</source>
        <translation>窗口屏未连接</translation>
    </message>
    <message>
        <source>Window display does not answer</source>
        <translation>窗口屏无响应</translation>
    </message>
    <message>
        <source>Window display refused the number</source>
        <translation>窗口屏拒绝显示</translation>
    </message>
    <message>
        <source>Window display is not configured</source>
        <translation>窗口屏未配置</translation>
    </message>
    <message>
        <source>Window display fault</source>
        <translation>窗口屏故障</translation>
    </message>
    <message>
        <source>%1 · window %2</source>
        <translation>%1 · 窗口 %2</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>暂停中</translation>
    </message>
    <message>
        <source>Staff: %1</source>
        <translation>工作人员：%1</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Cannot reach the back office. Retrying… Actions are paused until it is back.</source>
        <translation>无法连接后台，正在重试… 恢复连接前暂不能操作。</translation>
    </message>
    <message>
        <source>%1 needs help</source>
        <translation>%1 需要工作人员协助</translation>
    </message>
    <message>
        <source>On my way</source>
        <translation>我来处理</translation>
    </message>
    <message>
        <source>Waiting for this counter</source>
        <translation>本窗口等候人数</translation>
    </message>
    <message>
        <source>Call next</source>
        <translation>叫下一位</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>重呼</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>过号</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始办理</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>转办</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Reinstate a no-show</source>
        <translation>过号恢复</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>处理中…</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>就绪。</translation>
    </message>
    <message>
        <source>Transfer %1 to another matter</source>
        <translation>将 %1 转办至其他事项</translation>
    </message>
    <message>
        <source>No other matter in the catalogue.</source>
        <translation>没有可转办的事项。</translation>
    </message>
    <message>
        <source>Reinstate a no-show of today (it goes back into the queue)</source>
        <translation>过号恢复：选择今天的过号，重新排队</translation>
    </message>
    <message>
        <source>No no-shows at this counter today.</source>
        <translation>本窗口今天没有过号。</translation>
    </message>
</context>
<context>
    <name>LoginView</name>
    <message>
        <source>The back office cannot be reached. Check the network and try again.</source>
        <translation>无法连接后台，请检查网络后重试。</translation>
    </message>
    <message>
        <source>Your session has ended. Please sign in again.</source>
        <translation>登录已失效，请重新登录。</translation>
    </message>
    <message>
        <source>Counter terminal · %1</source>
        <translation>窗口终端 · %1</translation>
    </message>
    <message>
        <source>Staff sign-in</source>
        <translation>工作人员登录</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Counter terminal</source>
        <translation>窗口终端</translation>
    </message>
</context>
<context>
    <name>Picker</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>TicketCard</name>
    <message>
        <source>elderly (from the ID card)</source>
        <translation>高龄（身份证自动识别）</translation>
    </message>
    <message>
        <source>disability</source>
        <translation>残疾人</translation>
    </message>
    <message>
        <source>serious illness</source>
        <translation>重病患者</translation>
    </message>
    <message>
        <source>pregnancy</source>
        <translation>孕妇</translation>
    </message>
    <message>
        <source>military / fire and rescue</source>
        <translation>军人、消防救援人员</translation>
    </message>
    <message>
        <source>Being served</source>
        <translation>办理中</translation>
    </message>
    <message>
        <source>Called</source>
        <translation>已呼叫</translation>
    </message>
    <message>
        <source>Recalls %1/%2</source>
        <translation>重呼 %1/%2</translation>
    </message>
    <message>
        <source>Recalls %1</source>
        <translation>重呼 %1 次</translation>
    </message>
    <message>
        <source>Declared at the kiosk: please check the certificate.</source>
        <translation>取号时自行申报，请核验相关证件。</translation>
    </message>
    <message>
        <source>This counter is paused</source>
        <translation>本窗口已暂停</translation>
    </message>
    <message>
        <source>No ticket at this counter</source>
        <translation>当前没有叫号</translation>
    </message>
    <message>
        <source>Press “Resume” to call again.</source>
        <translation>按“恢复”后可继续叫号。</translation>
    </message>
    <message>
        <source>Press “Call next” to call the next resident.</source>
        <translation>按“叫下一位”呼叫下一位群众。</translation>
    </message>
</context>
</TS>
