from chidao.core.text import fold, search_terms, vn_collation_key, vn_name_key


def test_fold_drops_diacritics_and_maps_d():
    assert fold("Đinh Tiến Dũng") == "dinh tien dung"
    assert fold("  ĐỀ ÁN   Nâng cao ") == "de an nang cao"
    assert fold(None) == ""


def test_search_terms_split_folded_words():
    assert search_terms("Dinh  TIEN dũng") == ["dinh", "tien", "dung"]
    assert search_terms("   ") == []


def test_names_sort_by_given_name_then_the_rest():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn An", "Phạm Đức Đạt", "Hoàng Văn Dũng"]
    assert sorted(names, key=vn_name_key) == [
        "Lê Văn An", "Nguyễn Thị An", "Trần Văn Bình", "Hoàng Văn Dũng", "Phạm Đức Đạt",
    ]


def test_vietnamese_alphabet_order_letters_before_tones():
    # a < ă < â; d < đ; o < ô < ơ; u < ư — whatever the tone marks.
    words = ["ư", "ơ", "ô", "o", "đ", "d", "â", "ă", "á", "a"]
    assert sorted(words, key=vn_collation_key) == ["a", "á", "ă", "â", "d", "đ", "o", "ô", "ơ", "ư"]
    # Tones break ties in the traditional order: ngang, huyền, hỏi, ngã, sắc, nặng.
    assert sorted(["má", "mạ", "mà", "mã", "ma", "mả"], key=vn_collation_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # Letters decide before tones: "bà" < "bác" (shorter first), "Đào" after "Dương".
    assert sorted(["Đào", "Dương"], key=vn_collation_key) == ["Dương", "Đào"]


def test_the_database_sort_key_orders_names_as_the_python_key():
    from chidao.core.text import vn_name_key, vn_name_sort_key

    names = ["Nguyễn Văn An", "Trần Thị Anh", "Lê Ánh", "Phạm Ân", "Đỗ Bình", "Nguyễn Thị Ă", "Bùi Đức Anh",
             "Hoàng Văn An", "An", "Lê Văn Ơn", "Lê Văn Ôn", "Lê Văn On", "Trần Đạt", "Trần Dũng", "Ngô Thị Hà",
             "Ngô Thị Hả", "Ngô Thị Hạ", "Ngô Thị Há", "Ngô Hà", "Ngô Văn Hà", "Nguyễn Y", "Nguyễn Văn Y Vân"]
    assert sorted(names, key=vn_name_sort_key) == sorted(names, key=vn_name_key)
    assert sorted(["Trần Dũng", "Trần Đạt", "Lê Ánh", "Hoàng Văn An"], key=vn_name_sort_key) == [
        "Hoàng Văn An", "Lê Ánh", "Trần Dũng", "Trần Đạt"]
    # Only hex digits: every database collation sorts it the same way.
    assert set(vn_name_sort_key("Đinh Tiến Dũng")) <= set("0123456789abcdef")


def test_vn_number_groups_thousands_with_dots():
    from chidao.core.text import vn_number

    assert [vn_number(n) for n in (0, 999, 2614, 150000, 1_000_000)] == ["0", "999", "2.614", "150.000", "1.000.000"]
