<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>BottomBar</name>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>Home</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>Time left: %1 s</source>
        <translation>Time left: %1 s</translation>
    </message>
</context>
<context>
    <name>CategoriesScreen</name>
    <message>
        <source>What have you come for?</source>
        <translation>What have you come for?</translation>
    </message>
</context>
<context>
    <name>ClosedScreen</name>
    <message>
        <source>The hall is closed</source>
        <translation>The hall is closed</translation>
    </message>
    <message>
        <source>Opening hours: %1 – %2</source>
        <translation>Opening hours: %1 – %2</translation>
    </message>
    <message>
        <source>No numbers are given now. Please come back during opening hours.</source>
        <translation>No numbers are given now. Please come back during opening hours.</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <source>Take a number for this matter?</source>
        <translation>Take a number for this matter?</translation>
    </message>
    <message>
        <source>You will be served first (green channel).</source>
        <translation>You will be served first (green channel).</translation>
    </message>
    <message>
        <source>Yes, take a number</source>
        <translation>Yes, take a number</translation>
    </message>
</context>
<context>
    <name>ElderOffer</name>
    <message>
        <source>Switch to elder mode?</source>
        <translation>Switch to elder mode?</translation>
    </message>
    <message>
        <source>Bigger text and buttons, and every step read aloud.</source>
        <translation>Bigger text and buttons, and every step read aloud.</translation>
    </message>
    <message>
        <source>Yes, use elder mode</source>
        <translation>Yes, use elder mode</translation>
    </message>
    <message>
        <source>No, thank you</source>
        <translation>No, thank you</translation>
    </message>
</context>
<context>
    <name>GreenReasonsScreen</name>
    <message>
        <source>I have a disability</source>
        <translation>I have a disability</translation>
    </message>
    <message>
        <source>I am seriously ill</source>
        <translation>I am seriously ill</translation>
    </message>
    <message>
        <source>I am pregnant</source>
        <translation>I am pregnant</translation>
    </message>
    <message>
        <source>Serving soldier, veteran or military family</source>
        <translation>Serving soldier, veteran or military family</translation>
    </message>
    <message>
        <source>Does one of these apply to you?</source>
        <translation>Does one of these apply to you?</translation>
    </message>
    <message>
        <source>If so you are served first (green channel). What you choose is not shown or printed.</source>
        <translation>If so you are served first (green channel). What you choose is not shown or printed.</translation>
    </message>
    <message>
        <source>None of these</source>
        <translation>None of these</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Community Service Hall</source>
        <translation>Community Service Hall</translation>
    </message>
    <message>
        <source>Tap what you have come for</source>
        <translation>Tap what you have come for</translation>
    </message>
    <message>
        <source>Welcome. Tap below to take a queue number.</source>
        <translation>Welcome. Tap below to take a queue number.</translation>
    </message>
    <message>
        <source>Take a ticket</source>
        <translation>Take a ticket</translation>
    </message>
    <message>
        <source>You may place your ID card on the reader at any time.</source>
        <translation>You may place your ID card on the reader at any time.</translation>
    </message>
    <message>
        <source>Standard mode</source>
        <translation>Standard mode</translation>
    </message>
    <message>
        <source>Elder mode</source>
        <translation>Elder mode</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <source>This ID card has expired. Please use a valid card, or ask at the front desk.</source>
        <translation>This ID card has expired. Please use a valid card, or ask at the front desk.</translation>
    </message>
    <message>
        <source>The number on this card could not be checked. Please place it again, or ask at the front desk.</source>
        <translation>The number on this card could not be checked. Please place it again, or ask at the front desk.</translation>
    </message>
    <message>
        <source>The card could not be read. Please lay it flat on the reader and hold it still for two seconds.</source>
        <translation>The card could not be read. Please lay it flat on the reader and hold it still for two seconds.</translation>
    </message>
    <message>
        <source>Please place your ID card on the reader</source>
        <translation>Please place your ID card on the reader</translation>
    </message>
    <message>
        <source>Lay the card flat in the marked area below the screen.</source>
        <translation>Lay the card flat in the marked area below the screen.</translation>
    </message>
    <message>
        <source>Booked an appointment? Hold its QR code under the scanner.</source>
        <translation>Booked an appointment? Hold its QR code under the scanner.</translation>
    </message>
</context>
<context>
    <name>IdleWarning</name>
    <message>
        <source>Are you still there?</source>
        <translation>Are you still there?</translation>
    </message>
    <message>
        <source>The screen goes back to the start in %1 seconds, and what you entered is cleared.</source>
        <translation>The screen goes back to the start in %1 seconds, and what you entered is cleared.</translation>
    </message>
    <message>
        <source>I need more time</source>
        <translation>I need more time</translation>
    </message>
    <message>
        <source>Finish and go back to the start</source>
        <translation>Finish and go back to the start</translation>
    </message>
</context>
<context>
    <name>IssuingScreen</name>
    <message>
        <source>Getting your number…</source>
        <translation>Getting your number…</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>Please wait a moment.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Take a ticket</source>
        <translation>Take a ticket</translation>
    </message>
</context>
<context>
    <name>MattersScreen</name>
    <message>
        <source>Choose your matter</source>
        <translation>Choose your matter</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>This kiosk is out of service</source>
        <translation>This kiosk is out of service</translation>
    </message>
    <message>
        <source>Please go to the front desk; the staff there will help you.</source>
        <translation>Please go to the front desk; the staff there will help you.</translation>
    </message>
    <message>
        <source>The kiosk is reconnecting by itself. If you were taking a number, it is not lost.</source>
        <translation>The kiosk is reconnecting by itself. If you were taking a number, it is not lost.</translation>
    </message>
</context>
<context>
    <name>RefusedScreen</name>
    <message>
        <source>Today&apos;s numbers for this matter are all taken</source>
        <translation>Today&apos;s numbers for this matter are all taken</translation>
    </message>
    <message>
        <source>Numbers for this matter are not given at this time</source>
        <translation>Numbers for this matter are not given at this time</translation>
    </message>
    <message>
        <source>No number can be given for this matter now</source>
        <translation>No number can be given for this matter now</translation>
    </message>
    <message>
        <source>If a window is free, you may go straight to it.</source>
        <translation>If a window is free, you may go straight to it.</translation>
    </message>
    <message>
        <source>Choose another matter</source>
        <translation>Choose another matter</translation>
    </message>
</context>
<context>
    <name>ReprintOfferScreen</name>
    <message>
        <source>You already have a number for this matter today</source>
        <translation>You already have a number for this matter today</translation>
    </message>
    <message>
        <source>Your place in the queue is kept. You can print that ticket again.</source>
        <translation>Your place in the queue is kept. You can print that ticket again.</translation>
    </message>
    <message>
        <source>Print my ticket again</source>
        <translation>Print my ticket again</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <source>Your number (reprint)</source>
        <translation>Your number (reprint)</translation>
    </message>
    <message>
        <source>Your number</source>
        <translation>Your number</translation>
    </message>
    <message numerus="yes">
        <source>Served at window(s) %1</source>
        <translation>
            <numerusform>Served at window %1</numerusform>
            <numerusform>Served at windows %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>%n person ahead of you</numerusform>
            <numerusform>%n people ahead of you</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>About %n minutes&apos; wait</source>
        <translation>
            <numerusform>About %n minute&apos;s wait</numerusform>
            <numerusform>About %n minutes&apos; wait</numerusform>
        </translation>
    </message>
    <message>
        <source>QR code to follow your number on a phone</source>
        <translation>QR code to follow your number on a phone</translation>
    </message>
    <message>
        <source>Scan to follow your number on your phone.</source>
        <translation>Scan to follow your number on your phone.</translation>
    </message>
    <message>
        <source>Please take your printed ticket and wait for your number to be called.</source>
        <translation>Please take your printed ticket and wait for your number to be called.</translation>
    </message>
    <message>
        <source>⚠ The printer is out of paper — please photograph or remember your number.</source>
        <translation>⚠ The printer is out of paper — please photograph or remember your number.</translation>
    </message>
    <message>
        <source>⚠ The printer is not working — please photograph or remember your number.</source>
        <translation>⚠ The printer is not working — please photograph or remember your number.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <source>Hear it again</source>
        <translation>Hear it again</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Quieter</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>Muted</translation>
    </message>
    <message>
        <source>Volume %1</source>
        <translation>Volume %1</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Louder</translation>
    </message>
    <message>
        <source>Sound on</source>
        <translation>Sound on</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Mute</translation>
    </message>
</context>
</TS>
