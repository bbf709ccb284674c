from queue_display.theme import BACKGROUND, COLOURS, SURFACE, TEXT, TEXT_MUTED, contrast, qml_theme


def test_text_contrast_meets_elder_mode() -> None:
    for style in COLOURS.values():
        assert contrast(style.on_fill, style.fill) >= 7.0, style
    for bg in (BACKGROUND, SURFACE):
        assert contrast(TEXT, bg) >= 7.0
        assert contrast(TEXT_MUTED, bg) >= 7.0


def test_every_colour_has_non_colour_cues() -> None:
    assert {s.prefix for s in COLOURS.values()} == {"G", "Y", "B"}
    assert len({s.symbol for s in COLOURS.values()}) == 3
    assert qml_theme()["colours"]["green"]["name_zh"] == "绿色通道"  # type: ignore[index]
