import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Staff sign in with their own account; the hall records every action under their name.
Rectangle {
    id: view
    property var s
    color: theme.background

    property bool awaiting: false
    function submit() {
        if (!s.loggingIn && user.text.length > 0 && pass.text.length > 0) {
            awaiting = true
            backend.login(user.text, pass.text)
        }
    }
    function errorText(e) {
        if (!e) return ""
        if (e.code === "unreachable")
            return qsTr("The back office cannot be reached. Check the network and try again.")
        if (e.code === "session_expired")
            return qsTr("Your session has ended. Please sign in again.")
        return e.text || e.code
    }

    onVisibleChanged: if (visible) { pass.text = ""; user.forceActiveFocus() }
    // A refused sign-in keeps the username and puts the cursor back in the password, ready to retype.
    onSChanged: {
        if (!awaiting || s.loggingIn) return
        awaiting = false
        if (s.loginError) { pass.forceActiveFocus(); pass.selectAll() }
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 80, 640)
        spacing: 16

        Text {
            objectName: "loginTitle"
            Layout.fillWidth: true
            text: qsTr("Counter terminal · %1").arg(view.s.counterId)
            color: theme.text
            font.pixelSize: 40
            font.bold: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
        Text {
            Layout.fillWidth: true
            Layout.bottomMargin: 16
            text: qsTr("Staff sign-in")
            color: theme.textMuted
            font.pixelSize: 28
            horizontalAlignment: Text.AlignHCenter
        }
        Text { text: qsTr("Username"); color: theme.text; font.pixelSize: 26 }
        Field {
            id: user
            objectName: "username"
            Layout.fillWidth: true
            focus: true
            inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhPreferLowercase
            onAccepted: pass.forceActiveFocus()
            KeyNavigation.tab: pass
        }
        Text { text: qsTr("Password"); color: theme.text; font.pixelSize: 26 }
        Field {
            id: pass
            objectName: "password"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
            onAccepted: view.submit()
            KeyNavigation.tab: signIn
        }
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: loginError.implicitHeight + 24
            visible: !!view.s.loginError
            color: theme.errorFill
            radius: 8
            Text {
                id: loginError
                objectName: "loginError"
                anchors.fill: parent
                anchors.margins: 12
                text: "✕  " + view.errorText(view.s.loginError)
                color: theme.text
                font.pixelSize: 26
                wrapMode: Text.WordWrap
                verticalAlignment: Text.AlignVCenter
            }
        }
        BigButton {
            id: signIn
            objectName: "signInButton"
            Layout.fillWidth: true
            Layout.topMargin: 8
            primary: true
            text: view.s.loggingIn ? qsTr("Signing in…") : qsTr("Sign in")
            enabled: !view.s.loggingIn && user.text.length > 0 && pass.text.length > 0
            onClicked: view.submit()
        }
    }
}
