"""Names sorted as a Chinese reader looks them up."""

from studyportal.names import person_name_key, pinyin_key


def test_people_sort_by_pinyin_not_by_code_point():
    names = ["周杰", "张三", "李四", "王五", "艾青", "赵局长", "陈明"]
    assert sorted(names, key=person_name_key) == ["艾青", "陈明", "李四", "王五", "张三", "赵局长", "周杰"]


def test_the_tone_orders_a_syllable_read_alike():
    # 张 zhāng before 长 zhǎng, whatever their code points (长 U+957F comes after 张 U+5F20 anyway,
    # so 掌 zhǎng U+638C shows it: code points would put it after 张 too; 帐 zhàng U+5E10 before).
    assert sorted(["帐号", "掌声", "张三"], key=pinyin_key) == ["张三", "掌声", "帐号"]


def test_a_surname_is_read_as_a_surname():
    # 曾 is céng in 曾经 but Zēng as a name: after 陈 (chen), not before it.
    assert sorted(["曾红", "陈明", "赵刚"], key=person_name_key) == ["陈明", "曾红", "赵刚"]
    assert sorted(["单丽", "邓超"], key=person_name_key) == ["邓超", "单丽"]


def test_agencies_sort_by_pinyin_and_latin_text_sorts_as_itself():
    agencies = ["县文化体育和旅游局", "县财政局", "县发展和改革局", "县工业和信息化局"]
    assert sorted(agencies, key=pinyin_key) == [
        "县财政局",
        "县发展和改革局",
        "县工业和信息化局",
        "县文化体育和旅游局",
    ]
    assert sorted(["b", "A"], key=pinyin_key) == ["A", "b"]
