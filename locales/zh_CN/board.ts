<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Board</name>
    <message>
        <location filename="../../queue_display/board/qml/Board.qml" line="+11"/>
        <source>Call board</source>
        <translation>叫号屏</translation>
    </message>
    <message>
        <location filename="../../queue_display/board/qml/Texts.qml" line="+7"/>
        <source>Now calling</source>
        <translation>正在呼叫</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recall</source>
        <translation>重呼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the first call</source>
        <translation>等待叫号</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous calls</source>
        <translation>已呼叫</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>等候人数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, please go to window %2</source>
        <translation>请 %1 号到 %2 号窗口办理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Second call: %1, please go to window %2</source>
        <translation>再次呼叫，请 %1 号到 %2 号窗口办理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Looking for the hall…</source>
        <translation>正在查找服务大厅…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reconnecting…</source>
        <translation>正在重新连接…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display not authorised: please call staff</source>
        <translation>显示屏未授权，请联系工作人员</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voice unavailable</source>
        <translation>语音不可用</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dddd d MMMM</source>
        <translation>M月d日 dddd</translation>
    </message>
</context>
</TS>
