<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BottomBar</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>首页</translation>
    </message>
    <message>
        <source>Time left: %1 s</source>
        <translation>剩余操作时间 %1 秒</translation>
    </message>
</context>
<context>
    <name>CategoriesScreen</name>
    <message>
        <source>What have you come for?</source>
        <translation>请选择要办理的业务类别</translation>
    </message>
</context>
<context>
    <name>ClosedScreen</name>
    <message>
        <source>The hall is closed</source>
        <translation>大厅已停止服务</translation>
    </message>
    <message>
        <source>Opening hours: %1 – %2</source>
        <translation>办公时间：%1–%2</translation>
    </message>
    <message>
        <source>No numbers are given now. Please come back during opening hours.</source>
        <translation>现在不能取号，请在办公时间内再来。</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <source>Take a number for this matter?</source>
        <translation>确认为这个事项取号吗？</translation>
    </message>
    <message>
        <source>You will be served first (green channel).</source>
        <translation>您将优先办理（绿色通道）。</translation>
    </message>
    <message>
        <source>Yes, take a number</source>
        <translation>确认取号</translation>
    </message>
</context>
<context>
    <name>ElderOffer</name>
    <message>
        <source>Switch to elder mode?</source>
        <translation>要切换到长辈模式吗？</translation>
    </message>
    <message>
        <source>Bigger text and buttons, and every step read aloud.</source>
        <translation>字更大、按钮更大，每一步都有语音提示。</translation>
    </message>
    <message>
        <source>Yes, use elder mode</source>
        <translation>好，使用长辈模式</translation>
    </message>
    <message>
        <source>No, thank you</source>
        <translation>不用了，谢谢</translation>
    </message>
</context>
<context>
    <name>GreenReasonsScreen</name>
    <message>
        <source>I have a disability</source>
        <translation>我是残疾人</translation>
    </message>
    <message>
        <source>I am seriously ill</source>
        <translation>我患有重病</translation>
    </message>
    <message>
        <source>I am pregnant</source>
        <translation>我是孕妇</translation>
    </message>
    <message>
        <source>Serving soldier, veteran or military family</source>
        <translation>现役军人、退役军人或军属</translation>
    </message>
    <message>
        <source>Does one of these apply to you?</source>
        <translation>您是否属于以下情况？</translation>
    </message>
    <message>
        <source>If so you are served first (green channel). What you choose is not shown or printed.</source>
        <translation>符合的可优先办理（绿色通道）。您的选择不会显示，也不会打印。</translation>
    </message>
    <message>
        <source>None of these</source>
        <translation>以上都不是</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Community Service Hall</source>
        <translation>社区便民服务大厅</translation>
    </message>
    <message>
        <source>Tap what you have come for</source>
        <translation>请点击您要办理的业务</translation>
    </message>
    <message>
        <source>Welcome. Tap below to take a queue number.</source>
        <translation>欢迎！请点击下方按钮取号。</translation>
    </message>
    <message>
        <source>Take a ticket</source>
        <translation>取号</translation>
    </message>
    <message>
        <source>You may place your ID card on the reader at any time.</source>
        <translation>您可以随时把身份证放在读卡区。</translation>
    </message>
    <message>
        <source>Standard mode</source>
        <translation>标准模式</translation>
    </message>
    <message>
        <source>Elder mode</source>
        <translation>长辈模式</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <source>This ID card has expired. Please use a valid card, or ask at the front desk.</source>
        <translation>这张身份证已过有效期。请使用有效证件，或到服务台咨询。</translation>
    </message>
    <message>
        <source>The number on this card could not be checked. Please place it again, or ask at the front desk.</source>
        <translation>这张身份证的号码无法核验。请重新放置，或到服务台咨询。</translation>
    </message>
    <message>
        <source>The card could not be read. Please lay it flat on the reader and hold it still for two seconds.</source>
        <translation>没有读到身份证。请把身份证平放在读卡区，停留两秒。</translation>
    </message>
    <message>
        <source>Please place your ID card on the reader</source>
        <translation>请放置身份证</translation>
    </message>
    <message>
        <source>Lay the card flat in the marked area below the screen.</source>
        <translation>请把身份证平放在屏幕下方的读卡区。</translation>
    </message>
    <message>
        <source>Booked an appointment? Hold its QR code under the scanner.</source>
        <translation>已经预约？请把预约二维码对准扫码口。</translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message>
        <source>Are you still there?</source>
        <translation>您还在吗？</translation>
    </message>
    <message>
        <source>The screen goes back to the start in %1 seconds, and what you entered is cleared.</source>
        <translation>%1 秒后将返回首页，并清除您填写的信息。</translation>
    </message>
    <message>
        <source>I need more time</source>
        <translation>我需要更多时间</translation>
    </message>
    <message>
        <source>Finish and go back to the start</source>
        <translation>结束，返回首页</translation>
    </message>
</context>
<context>
    <name>IssuingScreen</name>
    <message>
        <source>Getting your number…</source>
        <translation>正在取号…</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>请稍候。</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Take a ticket</source>
        <translation>取号</translation>
    </message>
</context>
<context>
    <name>MattersScreen</name>
    <message>
        <source>Choose your matter</source>
        <translation>请选择办理事项</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>This kiosk is out of service</source>
        <translation>本机暂停服务</translation>
    </message>
    <message>
        <source>Please go to the front desk; the staff there will help you.</source>
        <translation>请到服务台，工作人员会为您办理。</translation>
    </message>
    <message>
        <source>The kiosk is reconnecting by itself. If you were taking a number, it is not lost.</source>
        <translation>本机正在自动重新连接。如果您正在取号，号码不会丢失。</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <source>Today&apos;s numbers for this matter are all taken</source>
        <translation>该事项今日号已取完</translation>
    </message>
    <message>
        <source>Numbers for this matter are not given at this time</source>
        <translation>当前时间段不能取该事项的号</translation>
    </message>
    <message>
        <source>No number can be given for this matter now</source>
        <translation>该事项暂时不能取号</translation>
    </message>
    <message>
        <source>If a window is free, you may go straight to it.</source>
        <translation>若窗口空闲，可直接到窗口办理。</translation>
    </message>
    <message>
        <source>Choose another matter</source>
        <translation>选择其他事项</translation>
    </message>
</context>
<context>
    <name>ReprintOfferScreen</name>
    <message>
        <source>You already have a number for this matter today</source>
        <translation>您今天已经取过这个事项的号</translation>
    </message>
    <message>
        <source>Your place in the queue is kept. You can print that ticket again.</source>
        <translation>您的排队位置不变，可以补打这张号票。</translation>
    </message>
    <message>
        <source>Print my ticket again</source>
        <translation>补打号票</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <source>Your number (reprint)</source>
        <translation>您的号码（补打）</translation>
    </message>
    <message>
        <source>Your number</source>
        <translation>您的号码</translation>
    </message>
    <message numerus="yes">
        <source>Served at window(s) %1</source>
        <translation>
            <numerusform>请到 %1 号窗口办理</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>前面还有 %n 人</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>About %n minutes&apos; wait</source>
        <translation>
            <numerusform>预计等待约 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <source>QR code to follow your number on a phone</source>
        <translation>用手机查看排队进度的二维码</translation>
    </message>
    <message>
        <source>Scan to follow your number on your phone.</source>
        <translation>扫码可在手机上查看排队进度。</translation>
    </message>
    <message>
        <source>Please take your printed ticket and wait for your number to be called.</source>
        <translation>请取走号票，留意叫号。</translation>
    </message>
    <message>
        <source>⚠ The printer is out of paper — please photograph or remember your number.</source>
        <translation>⚠ 打印机缺纸——请拍下或记住您的号码。</translation>
    </message>
    <message>
        <source>⚠ The printer is not working — please photograph or remember your number.</source>
        <translation>⚠ 打印机暂时无法打印——请拍下或记住您的号码。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Hear it again</source>
        <translation>再听一遍</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>调小音量</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>已静音</translation>
    </message>
    <message>
        <source>Volume %1</source>
        <translation>音量 %1</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>调大音量</translation>
    </message>
    <message>
        <source>Sound on</source>
        <translation>打开声音</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>静音</translation>
    </message>
</context>
</TS>
