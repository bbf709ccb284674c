"""Board translations: one QTranslator per board language, asked explicitly per label.

The board shows its labels in up to two languages at once (zh_CN large, en beneath), so QML cannot rely
on qsTr() and the one installed translator: it calls `i18n.t(source, lang)`, and marks every source
string with QT_TRANSLATE_NOOP("Board", ...) so that lupdate still extracts it into locales/*/board.ts.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTranslator, Slot

from queue_display.qtapp import LOCALES_DIR

log = logging.getLogger(__name__)


CONTEXT = "Board"


def qm_path(lang: str, locales_dir: Path = LOCALES_DIR) -> Path:
    return locales_dir / lang / "board.qm"


class I18n(QObject):
    def __init__(self, languages: list[str], locales_dir: Path = LOCALES_DIR) -> None:
        super().__init__()
        self._translators: dict[str, QTranslator] = {}
        for lang in languages:
            tr = QTranslator(self)
            path = qm_path(lang, locales_dir)
            if tr.load(str(path)):
                self._translators[lang] = tr
            else:  # the English source text still shows: degraded, not broken
                log.warning("no board translation for %s at %s", lang, path)
        # The primary language also serves any plain qsTr() in QML.
        if languages and languages[0] in self._translators:
            QCoreApplication.installTranslator(self._translators[languages[0]])

    @Slot(str, str, result=str)
    def t(self, source: str, lang: str) -> str:
        tr = self._translators.get(lang)
        return (tr.translate(CONTEXT, source) if tr else "") or source
