<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Main</name>
    <message>
        <source>Service rating</source>
        <translation>服务评价</translation>
    </message>
    <message>
        <source>Very satisfied</source>
        <translation>非常满意</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>满意</translation>
    </message>
    <message>
        <source>Fairly satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Dissatisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Very dissatisfied</source>
        <translation>非常不满意</translation>
    </message>
    <message>
        <source>Efficiency</source>
        <translation>办事效率</translation>
    </message>
    <message>
        <source>Competence</source>
        <translation>业务水平</translation>
    </message>
    <message>
        <source>Attitude</source>
        <translation>服务态度</translation>
    </message>
    <message>
        <source>Guidance</source>
        <translation>指引说明</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境设施</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Window %1</source>
        <translation>%1 号窗口</translation>
    </message>
    <message>
        <source>When your matter is done, you can rate our service here.</source>
        <translation>业务办理完成后，您可以在这里为我们的服务评价。</translation>
    </message>
    <message>
        <source>The rating pad is reconnecting…</source>
        <translation>评价器正在重新连接…</translation>
    </message>
    <message>
        <source>Please rate this service</source>
        <translation>请为本次服务评价</translation>
    </message>
    <message>
        <source>Number %1 · Rating is voluntary; you may skip it.</source>
        <translation>号码 %1 · 评价自愿，可以跳过</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>What was not satisfactory?</source>
        <translation>哪些方面不满意？</translation>
    </message>
    <message>
        <source>You rated: %1. Choose any reasons, or none, then submit.</source>
        <translation>您的评价：%1。可选择原因（可多选，也可不选），然后提交。</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交评价</translation>
    </message>
    <message>
        <source>Thank you for your rating!</source>
        <translation>感谢您的评价！</translation>
    </message>
    <message>
        <source>We will keep improving our service.</source>
        <translation>我们会不断改进服务。</translation>
    </message>
</context>
</TS>
