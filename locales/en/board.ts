<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Board</name>
    <message>
        <location filename="../../queue_display/board/qml/Board.qml" line="+11"/>
        <source>Call board</source>
        <translation>Call board</translation>
    </message>
    <message>
        <location filename="../../queue_display/board/qml/Texts.qml" line="+7"/>
        <source>Now calling</source>
        <translation>Now calling</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Recall</source>
        <translation>Recall</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting for the first call</source>
        <translation>Waiting for the first call</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Previous calls</source>
        <translation>Previous calls</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Waiting</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Window %1</source>
        <translation>Window %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, please go to window %2</source>
        <translation>%1, please go to window %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Second call: %1, please go to window %2</source>
        <translation>Second call: %1, please go to window %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Looking for the hall…</source>
        <translation>Looking for the hall…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reconnecting…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Display not authorised: please call staff</source>
        <translation>Display not authorised: please call staff</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Voice unavailable</source>
        <translation>Voice unavailable</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dddd d MMMM</source>
        <translation>dddd d MMMM</translation>
    </message>
</context>
</TS>
