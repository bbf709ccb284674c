<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>CounterView</name>
    <message>
        <source>The back office did not answer, so the action may not have been done. Reconnecting…</source>
        <translation>The back office did not answer, so the action may not have been done. Reconnecting…</translation>
    </message>
    <message>
        <source>No one is waiting for this counter.</source>
        <translation>No one is waiting for this counter.</translation>
    </message>
    <message>
        <source>Called %1.</source>
        <translation>Called %1.</translation>
    </message>
    <message>
        <source>Recalled %1 (%2).</source>
        <translation>Recalled %1 (%2).</translation>
    </message>
    <message>
        <source>%1 marked as no-show.</source>
        <translation>%1 marked as no-show.</translation>
    </message>
    <message>
        <source>Serving %1.</source>
        <translation>Serving %1.</translation>
    </message>
    <message>
        <source>%1 finished. The resident can now rate the service.</source>
        <translation>%1 finished. The resident can now rate the service.</translation>
    </message>
    <message>
        <source>%1 transferred to “%2”.</source>
        <translation>%1 transferred to “%2”.</translation>
    </message>
    <message>
        <source>Counter paused: no tickets are called here.</source>
        <translation>Counter paused: no tickets are called here.</translation>
    </message>
    <message>
        <source>Counter resumed.</source>
        <translation>Counter resumed.</translation>
    </message>
    <message>
        <source>%1 is waiting again.</source>
        <translation>%1 is waiting again.</translation>
    </message>
    <message>
        <source>Window display not connected</source>
        <translation>Window display not connected</translation>
    </message>
    <message>
        <source>Window display does not answer</source>
        <translation>Window display does not answer</translation>
    </message>
    <message>
        <source>Window display refused the number</source>
        <translation>Window display refused the number</translation>
    </message>
    <message>
        <source>Window display is not configured</source>
        <translation>Window display is not configured</translation>
    </message>
    <message>
        <source>Window display fault</source>
        <translation>Window display fault</translation>
    </message>
    <message>
        <source>%1 · window %2</source>
        <translation>%1 · window %2</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>Staff: %1</source>
        <translation>Staff: %1</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Cannot reach the back office. Retrying… Actions are paused until it is back.</source>
        <translation>Cannot reach the back office. Retrying… Actions are paused until it is back.</translation>
    </message>
    <message>
        <source>%1 needs help</source>
        <translation>%1 needs help</translation>
    </message>
    <message>
        <source>On my way</source>
        <translation>On my way</translation>
    </message>
    <message>
        <source>Waiting for this counter</source>
        <translation>Waiting for this counter</translation>
    </message>
    <message>
        <source>Call next</source>
        <translation>Call next</translation>
    </message>
    <message>
        <source>Recall</source>
        <translation>Recall</translation>
    </message>
    <message>
        <source>No-show</source>
        <translation>No-show</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>Transfer</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Reinstate a no-show</source>
        <translation>Reinstate a no-show</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Ready.</translation>
    </message>
    <message>
        <source>Transfer %1 to another matter</source>
        <translation>Transfer %1 to another matter</translation>
    </message>
    <message>
        <source>No other matter in the catalogue.</source>
        <translation>No other matter in the catalogue.</translation>
    </message>
    <message>
        <source>Reinstate a no-show of today (it goes back into the queue)</source>
        <translation>Reinstate a no-show of today (it goes back into the queue)</translation>
    </message>
    <message>
        <source>No no-shows at this counter today.</source>
        <translation>No no-shows at this counter today.</translation>
    </message>
</context>
<context>
    <name>LoginView</name>
    <message>
        <source>The back office cannot be reached. Check the network and try again.</source>
        <translation>The back office cannot be reached. Check the network and try again.</translation>
    </message>
    <message>
        <source>Your session has ended. Please sign in again.</source>
        <translation>Your session has ended. Please sign in again.</translation>
    </message>
    <message>
        <source>Counter terminal · %1</source>
        <translation>Counter terminal · %1</translation>
    </message>
    <message>
        <source>Staff sign-in</source>
        <translation>Staff sign-in</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Counter terminal</source>
        <translation>Counter terminal</translation>
    </message>
</context>
<context>
    <name>Picker</name>
    <message>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>TicketCard</name>
    <message>
        <source>elderly (from the ID card)</source>
        <translation>elderly (from the ID card)</translation>
    </message>
    <message>
        <source>disability</source>
        <translation>disability</translation>
    </message>
    <message>
        <source>serious illness</source>
        <translation>serious illness</translation>
    </message>
    <message>
        <source>pregnancy</source>
        <translation>pregnancy</translation>
    </message>
    <message>
        <source>military / fire and rescue</source>
        <translation>military / fire and rescue</translation>
    </message>
    <message>
        <source>Being served</source>
        <translation>Being served</translation>
    </message>
    <message>
        <source>Called</source>
        <translation>Called</translation>
    </message>
    <message>
        <source>Recalls %1/%2</source>
        <translation>Recalls %1/%2</translation>
    </message>
    <message>
        <source>Recalls %1</source>
        <translation>Recalls %1</translation>
    </message>
    <message>
        <source>Declared at the kiosk: please check the certificate.</source>
        <translation>Declared at the kiosk: please check the certificate.</translation>
    </message>
    <message>
        <source>This counter is paused</source>
        <translation>This counter is paused</translation>
    </message>
    <message>
        <source>No ticket at this counter</source>
        <translation>No ticket at this counter</translation>
    </message>
    <message>
        <source>Press “Resume” to call again.</source>
        <translation>Press “Resume” to call again.</translation>
    </message>
    <message>
        <source>Press “Call next” to call the next resident.</source>
        <translation>Press “Call next” to call the next resident.</translation>
    </message>
</context>
</TS>
