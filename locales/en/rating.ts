<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Main</name>
    <message>
        <source>Service rating</source>
        <translation>Service rating</translation>
    </message>
    <message>
        <source>Very satisfied</source>
        <translation>Very satisfied</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>Satisfied</translation>
    </message>
    <message>
        <source>Fairly satisfied</source>
        <translation>Fairly satisfied</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>Dissatisfied</translation>
    </message>
    <message>
        <source>Very dissatisfied</source>
        <translation>Very dissatisfied</translation>
    </message>
    <message>
        <source>Efficiency</source>
        <translation>Efficiency</translation>
    </message>
    <message>
        <source>Competence</source>
        <translation>Competence</translation>
    </message>
    <message>
        <source>Attitude</source>
        <translation>Attitude</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>Guidance</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Environment</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>Window %1</source>
        <translation>Window %1</translation>
    </message>
    <message>
        <source>When your matter is done, you can rate our service here.</source>
        <translation>When your matter is done, you can rate our service here.</translation>
    </message>
    <message>
        <source>The rating pad is reconnecting…</source>
        <translation>The rating pad is reconnecting…</translation>
    </message>
    <message>
        <source>Please rate this service</source>
        <translation>Please rate this service</translation>
    </message>
    <message>
        <source>Number %1 · Rating is voluntary; you may skip it.</source>
        <translation>Number %1 · Rating is voluntary; you may skip it.</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>What was not satisfactory?</source>
        <translation>What was not satisfactory?</translation>
    </message>
    <message>
        <source>You rated: %1. Choose any reasons, or none, then submit.</source>
        <translation>You rated: %1. Choose any reasons, or none, then submit.</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>Submit</translation>
    </message>
    <message>
        <source>Thank you for your rating!</source>
        <translation>Thank you for your rating!</translation>
    </message>
    <message>
        <source>We will keep improving our service.</source>
        <translation>We will keep improving our service.</translation>
    </message>
</context>
</TS>
