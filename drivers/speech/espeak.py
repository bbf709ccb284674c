"""The espeak-ng command-line engine: one `espeak-ng -w` subprocess per phrase.

A subprocess blocks until the WAV is complete, which side-steps pyttsx3's early return (stack research §3),
and a crash in the synthesizer cannot take the kiosk down with it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, ClassVar

from drivers.base import CheckStep, DriverError
from drivers.speech import Speech
from drivers.speech.phrases import ZH_LETTERS

# espeak-ng -x marks a switch to another language's rules with "(en)": a Mandarin call read that way is
# spelled out as English words ("king three" for 请), the failure of the plain `cmn` voice.
_LANG_SWITCH = re.compile(r"\(([a-z]{2,3}(?:-[a-z]+)?)\)")
_TONE = re.compile(r"[1-5]{2,3}")
# espeak-ng's Mandarin tone contours (Chao numbers) for pinyin tones 1-4.
_CONTOURS = {"1": "55", "2": "35", "3": "214", "4": "51"}


class EspeakSpeech(Speech):
    driver: ClassVar[str] = "espeak-ng"
    engine: ClassVar[str] = "espeak-ng"

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.binary: str = self.setting("espeak_binary", str, "espeak-ng")
        self._voice_names: set[str] | None = None
        self._version = ""

    def _exe(self) -> str | None:
        return shutil.which(self.binary)

    def _espeak(self, args: list[str], text: str | None = None, timeout: float = 15) -> str:
        exe = self._exe()
        if exe is None:
            raise DriverError("speech.engine", self._missing_binary(), "找不到 espeak-ng")
        try:
            # Text goes on stdin (-b 1: UTF-8) so a phrase starting with "-" is never taken for an option.
            done = subprocess.run(
                [exe, *args, *(["-b", "1", "--stdin"] if text is not None else [])],
                input=text.encode() if text is not None else None,
                capture_output=True,
                timeout=timeout,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DriverError("speech.synthesis", f"{self.binary} failed: {exc}", "语音合成失败") from None
        if done.returncode != 0:
            err = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
            raise DriverError(
                "speech.synthesis", f"{self.binary} {' '.join(args[:2])}: {err}", "语音合成失败"
            )
        return done.stdout.decode(errors="replace")

    def _missing_binary(self) -> str:
        return f"espeak-ng not found (espeak_binary = {self.binary!r}); install the espeak-ng package"

    def _voice_args(self, voice: str) -> list[str]:
        return ["-v", voice, "-s", str(self.rate), "-a", str(round(self.volume * 100))]

    def _synthesize(self, text: str, voice: str, path: Path) -> None:
        path.unlink(missing_ok=True)
        self._espeak([*self._voice_args(voice), "-w", str(path)], text)
        if not path.exists() or path.stat().st_size <= 44:
            raise DriverError(
                "speech.synthesis", f"{self.binary} wrote no audio for {text!r}", "语音合成失败"
            )

    def phonemes(self, text: str, lang: str) -> str:
        """espeak-ng's phoneme transcription (`-x`): tones show as digits, "(en)" marks English fallback."""
        return self._espeak(["-q", "-x", "-v", self.voice_for(lang)], text).strip()

    def _engine_problem(self) -> str | None:
        if self._exe() is None:
            return self._missing_binary()
        try:
            found = re.search(r"\d+\.\d+\S*", self._espeak(["--version"]))
            self._version = f"espeak-ng {found.group(0)}" if found else "espeak-ng"
            listing = self._espeak(["--voices"])
        except DriverError as exc:
            return exc.message
        names: set[str] = set()
        for line in listing.splitlines()[1:]:
            cols = line.split()
            if len(cols) >= 5:
                # Language column (cmn-latn-pinyin) and the file id (sit/cmn-Latn-pinyin) both select a voice.
                names |= {cols[1].lower(), cols[4].lower(), cols[4].rsplit("/", 1)[-1].lower()}
        self._voice_names = names
        return None

    def _has_voice(self, voice: str) -> bool:
        return self._voice_names is not None and voice.lower() in self._voice_names

    def _engine_summary(self) -> str:
        return f"{self._version or 'espeak-ng'} at {self._exe()}"

    def _engine_checks(self) -> list[CheckStep]:
        """The Mandarin call must come out as Mandarin syllables with tones, not English spelling, and
        every letter a ticket or window may hold as the syllables people say for it."""
        lang = "zh_CN"
        if lang in self._missing_voices:
            return []
        try:
            letters = self.letter_phonemes(lang)
            ph = self.phonemes(self.render_call("G012", 3, lang), lang)
        except DriverError as exc:
            return [CheckStep("pronunciation zh_CN", False, exc.message)]
        switches = sorted(set(_LANG_SWITCH.findall(ph)))
        tones = len(_TONE.findall(ph))
        g_meant = letters["G"][1]
        ok = not switches and tones >= 8 and g_meant in ph
        msg = f"{tones} toned syllables" + (
            f"; falls back to {', '.join(switches)} rules" if switches else ""
        )
        if g_meant not in ph:
            msg += f"; G is not said {ZH_LETTERS['G'][1]} ({g_meant})"
        return [CheckStep("pronunciation zh_CN", ok, f"{msg}: {ph[:60]}"), _letters_step(letters)]

    def letter_phonemes(self, lang: str = "zh_CN") -> dict[str, tuple[str, str]]:
        """Per letter: the phonemes the voice says for its spelling, and those of its pinyin.

        One espeak-ng run for each list: a Chinese comma between letters makes one line per letter.
        """
        order = sorted(ZH_LETTERS)
        said = self.phonemes("，".join(ZH_LETTERS[c][0] for c in order), lang).splitlines()
        meant = self.phonemes(", ".join(ZH_LETTERS[c][1] for c in order), lang).splitlines()
        if len(said) != len(order) or len(meant) != len(order):
            raise DriverError(
                "speech.pronunciation",
                f"{self.binary} read {len(said)}/{len(meant)} clauses for {len(order)} letters",
                "语音引擎无法逐个读出字母",
            )
        return {
            c: (s.strip().removesuffix("_|"), m.strip().removesuffix("_|"))
            for c, s, m in zip(order, said, meant, strict=True)
        }

    def _engine_details(self) -> dict[str, Any]:
        return {"espeak_binary": self.binary, "espeak_path": self._exe(), "espeak_version": self._version}


def _letters_step(letters: dict[str, tuple[str, str]]) -> CheckStep:
    """A letter is right when the voice says its characters as its pinyin: the same Mandarin phonemes,
    no fallback to another language's rules, and each syllable in the tone the pinyin gives it."""
    wrong = []
    for letter, (said, meant) in letters.items():
        syllables = [x for x in meant.split("_|") if x.strip()]
        tones = [t[-1] for t in ZH_LETTERS[letter][1].split()]
        in_tone = len(syllables) == len(tones) and all(
            _CONTOURS[t] in x for x, t in zip(syllables, tones, strict=True)
        )
        if said != meant or not in_tone or _LANG_SWITCH.search(said + meant):
            wrong.append(f"{letter} said {said} (pinyin {ZH_LETTERS[letter][1]} is {meant})")
    if wrong:
        return CheckStep("letters zh_CN", False, "; ".join(wrong)[:300])
    shown = ", ".join(f"{c} {letters[c][0]}" for c in ("G", "Y", "B"))
    return CheckStep("letters zh_CN", True, f"{len(letters)} letters said as people say them ({shown})")
